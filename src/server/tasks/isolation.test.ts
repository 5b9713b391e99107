import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, test } from "vitest";

import { createTestApp, type TestApp } from "@/test/app";

let app: TestApp;
let alice: ReturnType<TestApp["caller"]>;
let bob: ReturnType<TestApp["caller"]>;
let alicesTask: Awaited<ReturnType<typeof alice.task.create>>;

beforeAll(async () => {
  app = await createTestApp();
  alice = app.caller((await app.signUp({ name: "Alice" })).headers);
  bob = app.caller((await app.signUp({ name: "Bob" })).headers);
  alicesTask = await alice.task.create({ title: "Alice's secret plan", description: "do not share" });
  await bob.task.create({ title: "Bob's own task" });
});

afterAll(() => app.close());

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    const { code, message } = error as TRPCError;
    return { code, message };
  }
  throw new Error("expected the call to fail");
}

/** What Bob gets for an id that exists nowhere: his answers about Alice's task must match it. */
async function missingTaskAnswer(call: (id: string) => Promise<unknown>) {
  return errorOf(call(crypto.randomUUID()));
}

test("Bob cannot read Alice's task, and cannot tell it exists", async () => {
  const answer = await errorOf(bob.task.byId({ id: alicesTask.id }));
  expect(answer).toEqual({ code: "NOT_FOUND", message: "Task not found." });
  expect(answer).toEqual(await missingTaskAnswer((id) => bob.task.byId({ id })));
});

test("Bob cannot update Alice's task, with or without a version", async () => {
  for (const expectedVersion of [undefined, 1, 2]) {
    const answer = await errorOf(bob.task.update({ id: alicesTask.id, title: "hacked", completed: true, expectedVersion }));
    expect(answer).toEqual(
      await missingTaskAnswer((id) => bob.task.update({ id, title: "hacked", completed: true, expectedVersion })),
    );
    expect(answer.code).toBe("NOT_FOUND");
  }
  expect(await alice.task.byId({ id: alicesTask.id })).toEqual(alicesTask);
});

test("Bob cannot delete Alice's task", async () => {
  const answer = await errorOf(bob.task.delete({ id: alicesTask.id }));
  expect(answer).toEqual(await missingTaskAnswer((id) => bob.task.delete({ id })));
  expect(answer.code).toBe("NOT_FOUND");
  expect(await alice.task.byId({ id: alicesTask.id })).toEqual(alicesTask);
});

test("Bob's list, search and stats show only his own tasks", async () => {
  for (const status of ["all", "active", "completed"] as const) {
    const { items } = await bob.task.list({ status });
    expect(items.map((task) => task.id)).not.toContain(alicesTask.id);
  }
  expect((await bob.task.list({ search: "secret" })).items).toEqual([]);
  expect((await bob.task.list({ search: "share" })).items, "Alice's notes").toEqual([]);
  expect((await bob.task.list()).items.map((task) => task.title)).toEqual(["Bob's own task"]);
  expect(await bob.task.stats()).toEqual({ total: 1, active: 1, completed: 0 });
});

test("Bob cannot page into Alice's list with a cursor made from her task", async () => {
  await alice.task.create({ title: "Alice's newer task" });
  const alicePage = await alice.task.list({ limit: 1 });
  expect(alicePage.nextCursor).not.toBeNull();
  const { items } = await bob.task.list({ cursor: alicePage.nextCursor });
  expect(items.every((task) => task.title.startsWith("Bob"))).toBe(true);
});

test("Bob cannot restore over Alice's task, nor tell it exists", async () => {
  const bobsOwn = await bob.task.create({ title: "Bob's second task" });
  const overAlice = await errorOf(bob.task.restore({ ...alicesTask, title: "hijacked", completed: true }));
  const overHisOwn = await errorOf(bob.task.restore({ ...bobsOwn, title: "hijacked" }));
  expect(overAlice).toEqual(overHisOwn);
  expect(overAlice.code).toBe("CONFLICT");
  expect(await errorOf(bob.task.byId({ id: alicesTask.id }))).toEqual(await missingTaskAnswer((id) => bob.task.byId({ id })));
  await bob.task.delete({ id: bobsOwn.id });
});

test("Alice's data is unchanged by everything Bob tried", async () => {
  expect(await alice.task.byId({ id: alicesTask.id })).toEqual(alicesTask);
  expect((await alice.task.stats()).total).toBe(2);
});
