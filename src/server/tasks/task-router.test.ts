import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as z from "zod";

import { createTestApp, TEST_PASSWORD, type TestApp, type TestUser } from "@/test/app";

let app: TestApp;
let alice: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  alice = await app.signUp({ name: "Alice" });
});

afterAll(() => app.close());

/** A caller for a brand-new user, so each test starts from an empty task list. */
async function freshUser() {
  const user = await app.signUp();
  return app.caller(user.headers);
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("task.create", () => {
  test("creates an open task at version 1 with a trimmed title", async () => {
    const api = app.caller(alice.headers);
    const dueAt = new Date("2030-01-02T03:04:05.678Z");
    const task = await api.task.create({ title: "  Buy milk  ", description: "2 litres", dueAt });
    expect(task).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: "Buy milk",
      description: "2 litres",
      completed: false,
      dueAt,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      version: 1,
    });
    expect(task).not.toHaveProperty("userId");
  });

  test("defaults notes and due date to null", async () => {
    const task = await app.caller(alice.headers).task.create({ title: "Plain" });
    expect(task.description).toBeNull();
    expect(task.dueAt).toBeNull();
  });

  test.each([
    ["an empty title", { title: "   " }, "title", "Title is required"],
    ["a 201-character title", { title: "x".repeat(201) }, "title", "Title must be at most 200 characters"],
    ["a NUL in the title", { title: "a\u0000b" }, "title", "Title must not contain NUL characters"],
    ["a NUL in the notes", { title: "ok", description: "a\u0000b" }, "description", "Notes must not contain NUL characters"],
    ["notes over 10,000 characters", { title: "ok", description: "x".repeat(10_001) }, "description", "Notes must be at most 10,000 characters"],
  ])("refuses %s with BAD_REQUEST and a field error, storing nothing", async (_label, input, field, message) => {
    const api = await freshUser();
    const error = await trpcError(api.task.create(input));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(message);
    expect((await api.task.stats()).total).toBe(0);
    expect(error.cause).toBeInstanceOf(z.ZodError);
    expect((error.cause as z.ZodError).issues.map((issue) => issue.path[0])).toContain(field);
  });

  test("regression: a JWT that outlives its deleted account gets UNAUTHORIZED, not a 500; reads stay empty", async () => {
    const bob = await app.signUp();
    const { token } = await app.auth.api.getToken({ headers: bob.headers });
    const api = app.caller(new Headers({ authorization: `Bearer ${token}` }));
    await api.task.create({ title: "Bob's task" });
    await app.auth.api.deleteUser({ body: { password: TEST_PASSWORD }, headers: bob.headers });

    const error = await trpcError(api.task.create({ title: "after deletion" }));
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.message).toBe("This account no longer exists. Sign in again.");
    expect((await api.task.list()).items).toEqual([]);
    expect(await api.task.stats()).toEqual({ total: 0, active: 0, completed: 0 });
  });

  test("accepts a 200-character title and 10,000-character notes", async () => {
    const task = await app
      .caller(alice.headers)
      .task.create({ title: "t".repeat(200), description: "d".repeat(10_000) });
    expect(task.title).toHaveLength(200);
    expect(task.description).toHaveLength(10_000);
  });

  test("refuses unknown fields such as an owner id", async () => {
    const api = await freshUser();
    const error = await trpcError(api.task.create({ title: "x", userId: alice.id } as never));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("task.list", () => {
  test("lists newest first, with status filters", async () => {
    const api = await freshUser();
    const first = await api.task.create({ title: "first" });
    const second = await api.task.create({ title: "second" });
    const third = await api.task.create({ title: "third" });
    await api.task.update({ id: second.id, completed: true });

    const all = await api.task.list();
    expect(all.items.map((task) => task.title)).toEqual(["third", "second", "first"]);
    expect(all.nextCursor).toBeNull();
    expect((await api.task.list({ status: "active" })).items.map((task) => task.id)).toEqual([third.id, first.id]);
    expect((await api.task.list({ status: "completed" })).items.map((task) => task.id)).toEqual([second.id]);
  });

  test("searches titles case-insensitively, with %, _ and \\ matching literally", async () => {
    const api = await freshUser();
    for (const title of ["Buy MILK", "buy milk today", "100% done", "1000 done", "snake_case", "snakeXcase", "back\\slash", "backslash"]) {
      await api.task.create({ title });
    }
    const titles = async (search: string) =>
      (await api.task.list({ search })).items.map((task) => task.title).sort();
    expect(await titles("milk")).toEqual(["Buy MILK", "buy milk today"]);
    expect(await titles("0%")).toEqual(["100% done"]);
    expect(await titles("_")).toEqual(["snake_case"]);
    expect(await titles("k\\s")).toEqual(["back\\slash"]);
    expect(await titles("  MILK  ")).toEqual(["Buy MILK", "buy milk today"]);
    expect(await titles("nothing like this")).toEqual([]);
  });

  test("pages through 120 tasks, each exactly once and in order", async () => {
    const api = await freshUser();
    const created = [];
    for (let index = 0; index < 120; index++) {
      created.push(await api.task.create({ title: `task ${index}` }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await api.task.list({ limit: 25, cursor });
      seen.push(...page.items.map((task) => task.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(created.map((task) => task.id).reverse());
  });

  test("ends the last full page with no cursor", async () => {
    const api = await freshUser();
    for (let index = 0; index < 4; index++) await api.task.create({ title: `t${index}` });
    const first = await api.task.list({ limit: 2 });
    expect(first.nextCursor).not.toBeNull();
    const second = await api.task.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
  });

  test.each([
    ["a limit of 0", { limit: 0 }],
    ["a limit of 101", { limit: 101 }],
    ["a fractional limit", { limit: 2.5 }],
    ["an unknown status", { status: "done" }],
    ["a search over 200 characters", { search: "s".repeat(201) }],
    ["a NUL in the search", { search: "a\u0000" }],
    ["a forged cursor", { cursor: "not-a-cursor" }],
    ["a cursor with a bad id", { cursor: Buffer.from(JSON.stringify(["2024-01-01T00:00:00.000Z", "x"])).toString("base64url") }],
  ])("refuses %s with BAD_REQUEST", async (_label, input) => {
    const error = await trpcError(app.caller(alice.headers).task.list(input as never));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("task.byId", () => {
  test("returns the task", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "find me" });
    expect(await api.task.byId({ id: task.id })).toEqual(task);
  });

  test("answers NOT_FOUND for an id that does not exist", async () => {
    const error = await trpcError(app.caller(alice.headers).task.byId({ id: crypto.randomUUID() }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe("Task not found.");
  });

  test("refuses a malformed id with BAD_REQUEST", async () => {
    const error = await trpcError(app.caller(alice.headers).task.byId({ id: "42" }));
    expect(error.code).toBe("BAD_REQUEST");
  });
});

describe("task.update", () => {
  test("changes the given fields, bumps the version and refreshes updatedAt", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "draft", description: "notes", dueAt: new Date("2031-01-01T00:00:00Z") });
    const updated = await api.task.update({ id: task.id, title: "final", completed: true, dueAt: null });
    expect(updated).toMatchObject({ id: task.id, title: "final", description: "notes", completed: true, dueAt: null, version: 2 });
    expect(updated.createdAt).toEqual(task.createdAt);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(task.updatedAt.getTime());
    expect(await api.task.byId({ id: task.id })).toEqual(updated);
  });

  test("applies the change when expectedVersion matches", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "v1" });
    const updated = await api.task.update({ id: task.id, title: "v2", expectedVersion: 1 });
    expect(updated.version).toBe(2);
  });

  test("answers CONFLICT for a stale expectedVersion and changes nothing", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "original" });
    await api.task.update({ id: task.id, title: "edited in another tab" });
    const error = await trpcError(api.task.update({ id: task.id, title: "stale edit", expectedVersion: 1 }));
    expect(error.code).toBe("CONFLICT");
    expect(await api.task.byId({ id: task.id })).toMatchObject({ title: "edited in another tab", version: 2 });
  });

  test("answers NOT_FOUND for a missing id, with or without expectedVersion", async () => {
    const api = app.caller(alice.headers);
    for (const expectedVersion of [undefined, 1]) {
      const error = await trpcError(api.task.update({ id: crypto.randomUUID(), title: "x", expectedVersion }));
      expect(error.code).toBe("NOT_FOUND");
    }
  });

  test("refuses an update that changes nothing", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "same" });
    const error = await trpcError(api.task.update({ id: task.id }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("Nothing to update");
  });

  test("clears notes given as blank text", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "with notes", description: "some" });
    expect((await api.task.update({ id: task.id, description: "   " })).description).toBeNull();
  });
});

describe("task.delete", () => {
  test("deletes the task; a second delete is NOT_FOUND", async () => {
    const api = app.caller(alice.headers);
    const task = await api.task.create({ title: "temporary" });
    expect(await api.task.delete({ id: task.id })).toEqual(task);
    expect((await trpcError(api.task.byId({ id: task.id }))).code).toBe("NOT_FOUND");
    expect((await trpcError(api.task.delete({ id: task.id }))).code).toBe("NOT_FOUND");
  });
});

describe("task.restore", () => {
  test("undoes a delete: the same task, fields, version and place in the list", async () => {
    const api = await freshUser();
    const first = await api.task.create({ title: "first", dueAt: new Date("2030-01-01T00:00:00.000Z") });
    const second = await api.task.create({ title: "second", description: "notes" });
    const edited = await api.task.update({ id: second.id, completed: true });
    const third = await api.task.create({ title: "third" });
    const before = await api.task.list();

    const deleted = await api.task.delete({ id: edited.id });
    expect(deleted).toEqual(edited);
    expect(await api.task.restore(deleted)).toEqual(edited);
    expect(await api.task.list()).toEqual(before);
    expect(await api.task.stats()).toEqual({ total: 3, active: 2, completed: 1 });
    expect(before.items.map((task) => task.id)).toEqual([third.id, second.id, first.id]);
  });

  test("a task that is back (undo twice) is CONFLICT, and nothing changes", async () => {
    const api = await freshUser();
    const task = await api.task.create({ title: "once" });
    const deleted = await api.task.delete({ id: task.id });
    await api.task.restore(deleted);
    const error = await trpcError(api.task.restore({ ...deleted, title: "twice" }));
    expect(error.code).toBe("CONFLICT");
    expect(await api.task.byId({ id: task.id })).toEqual(task);
  });

  test("refuses a restore beyond the date range, or with a bad version", async () => {
    const api = await freshUser();
    const task = await api.task.create({ title: "bounds" });
    const deleted = await api.task.delete({ id: task.id });
    for (const bad of [{ createdAt: new Date("0999-12-31T00:00:00.000Z") }, { version: 0 }, { title: " " }]) {
      expect((await trpcError(api.task.restore({ ...deleted, ...bad }))).code).toBe("BAD_REQUEST");
    }
    expect((await api.task.list()).items).toEqual([]);
  });
});

describe("task.stats", () => {
  test("counts total, active and completed tasks", async () => {
    const api = await freshUser();
    expect(await api.task.stats()).toEqual({ total: 0, active: 0, completed: 0 });
    const tasks = await Promise.all(["a", "b", "c"].map((title) => api.task.create({ title })));
    await api.task.update({ id: tasks[0]!.id, completed: true });
    expect(await api.task.stats()).toEqual({ total: 3, active: 2, completed: 1 });
  });
});
