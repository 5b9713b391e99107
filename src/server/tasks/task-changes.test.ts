import { randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, expect, test, vi } from "vitest";

import { createTaskClient, type TaskClient } from "@/client";
import { createTestApp, TEST_BASE_URL, type TestApp, type TestUser } from "@/test/app";
import { testDriver } from "@/test/database";

import type { TaskChange } from "./task-changes";

let app: TestApp;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  alice = await app.signUp({ name: "Alice" });
  bob = await app.signUp({ name: "Bob" });
});

afterAll(() => app.close());

/** The typed client as another program uses it, served by the real /api/trpc handler with `user`'s cookie. */
function clientOf(user: TestUser | null): TaskClient {
  return createTaskClient({
    baseUrl: TEST_BASE_URL,
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      for (const [name, value] of user?.headers ?? []) headers.set(name, value);
      return app.handle(new Request(input, { ...init, headers }));
    },
  });
}

interface Recording {
  events: TaskChange[];
  errors: unknown[];
  stop(): void;
}

/** Subscribes to `task.onChange` and resolves once the first `resync` says changes are heard. */
async function listenAs(user: TestUser, input?: unknown): Promise<Recording> {
  const events: TaskChange[] = [];
  const errors: unknown[] = [];
  // The input's type is what the client may send; the server must cope with anything.
  const subscription = clientOf(user).task.onChange.subscribe(input as undefined, {
    onData: (event) => events.push(event),
    onError: (error) => errors.push(error),
  });
  await vi.waitFor(() => expect(events).toContainEqual({ kind: "resync" }), { timeout: 5_000 });
  return { events, errors, stop: () => subscription.unsubscribe() };
}

test("a subscriber hears each change to its own tasks within a second: ids and kinds, no content", async () => {
  const listening = await listenAs(alice);
  const tasks = clientOf(alice);
  const task = await tasks.task.create.mutate({ title: "Secret title", description: "secret notes" });
  await tasks.task.update.mutate({ id: task.id, completed: true });
  await tasks.task.delete.mutate({ id: task.id });
  await vi.waitFor(() => expect(listening.events).toHaveLength(4), { timeout: 1_000 });
  listening.stop();

  expect(listening.events).toEqual([
    { kind: "resync" },
    { kind: "created", taskId: task.id },
    { kind: "updated", taskId: task.id },
    { kind: "deleted", taskId: task.id },
  ]);
  expect(JSON.stringify(listening.events)).not.toContain("Secret");
  expect(listening.errors).toEqual([]);
});

test.each([
  ["no input", undefined],
  ["Alice's user id as input", { userId: "ALICE" }],
  ["a lastEventId naming Alice", { lastEventId: "ALICE" }],
  ["a filter naming Alice", { userId: "ALICE", user: { id: "ALICE" }, id: "ALICE" }],
])("Bob's subscription hears nothing of Alice's changes (%s)", async (_name, input) => {
  const named = JSON.parse(JSON.stringify(input ?? null).replaceAll("ALICE", alice.id)) as unknown;
  const bobs = await listenAs(bob, named ?? undefined);
  const alices = await listenAs(alice);
  const aliceTasks = clientOf(alice);
  const task = await aliceTasks.task.create.mutate({ title: "Alice's plan" });
  await aliceTasks.task.update.mutate({ id: task.id, title: "Alice's new plan" });
  await aliceTasks.task.delete.mutate({ id: task.id });
  // Bob's own change proves his stream is live, and arrives after Alice's were sent.
  const bobsTask = await clientOf(bob).task.create.mutate({ title: "Bob's task" });
  await vi.waitFor(() => expect(bobs.events).toContainEqual({ kind: "created", taskId: bobsTask.id }), { timeout: 1_000 });
  await vi.waitFor(() => expect(alices.events).toHaveLength(4), { timeout: 1_000 });
  bobs.stop();
  alices.stop();

  expect(bobs.events).toEqual([{ kind: "resync" }, { kind: "created", taskId: bobsTask.id }]);
  expect(bobs.errors).toEqual([]);
});

test("a signed-out subscription is refused", async () => {
  const error = await new Promise((resolve) => {
    clientOf(null).task.onChange.subscribe(undefined, { onError: resolve });
  });
  expect(error).toMatchObject({ data: { code: "UNAUTHORIZED" } });
});

test("a write from outside the repository is heard too: the database itself announces it", async () => {
  const listening = await listenAs(alice);
  const id = randomUUID();
  await app.db.execute(sql`insert into app.tasks (id, user_id, title) values (${id}, ${alice.id}, 'Imported')`);
  await vi.waitFor(() => expect(listening.events).toContainEqual({ kind: "created", taskId: id }), { timeout: 1_000 });
  listening.stop();
});

/** This database's listening sessions (PostgreSQL). */
async function listeningSessions(admin: postgres.Sql): Promise<number[]> {
  const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity
    where datname = current_database() and application_name = 'tasks-listen' and query ilike 'listen%'`;
  return rows.map((row) => row.pid);
}

test.runIf(testDriver === "postgres")("one listening session serves every subscriber of an instance", async () => {
  const subscribers = await Promise.all(Array.from({ length: 10 }, (_, i) => listenAs(i % 2 ? alice : bob)));
  const admin = postgres(app.url!, { max: 1, onnotice: () => {} });
  try {
    expect(await listeningSessions(admin)).toHaveLength(1);
  } finally {
    for (const subscriber of subscribers) subscriber.stop();
    await admin.end();
  }
});

test.runIf(testDriver === "postgres")("after the listening session drops, subscribers are told to resync and hear later changes", async () => {
  const listening = await listenAs(alice);
  const admin = postgres(app.url!, { max: 1, onnotice: () => {} });
  try {
    const [pid] = await listeningSessions(admin);
    await admin`select pg_terminate_backend(${pid!})`;
    await vi.waitFor(() => expect(listening.events.filter((event) => event.kind === "resync")).toHaveLength(2), { timeout: 15_000 });
    const task = await clientOf(alice).task.create.mutate({ title: "After the drop" });
    await vi.waitFor(() => expect(listening.events).toContainEqual({ kind: "created", taskId: task.id }), { timeout: 1_000 });
  } finally {
    listening.stop();
    await admin.end();
  }
});
