import { existsSync } from "node:fs";

import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, expect, test, vi } from "vitest";

import { connectPostgres } from "@/server/db/client";
import { startPrivatePostgres } from "@/test/private-postgres";

import { createTaskChanges, TASK_CHANGES_CHANNEL, type TaskChange } from "./task-changes";

/** The listening session across a real database restart, on a PostgreSQL server of the test's own. */

const PG_BIN = "/usr/lib/postgresql/15/bin";
const teardown: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const step of teardown) await step();
});

test.runIf(existsSync(PG_BIN))("after the database restarts, subscribers are told to resync and hear changes again", { timeout: 60_000 }, async () => {
  const server = await startPrivatePostgres({
    directoryPrefix: "tasks-listen-pg-",
    settings: { fsync: "off" },
    binDir: PG_BIN,
    cleanup: { defer: (_description, step) => void teardown.unshift(step) },
  });
  const handle = connectPostgres(server.url);
  const changes = createTaskChanges(
    { listen: handle.listen, notify: async (channel, payload) => void (await handle.db.execute(sql`select pg_notify(${channel}, ${payload})`)) },
    { heartbeatMs: 500 },
  );
  teardown.unshift(() => handle.close(), () => changes.close());
  // What the trigger sends, sent from another connection as another instance's write would be.
  const writer = postgres(server.url, { max: 1, onnotice: () => {} });
  teardown.unshift(() => writer.end());
  const announce = (taskId: string) =>
    writer`select pg_notify(${TASK_CHANGES_CHANNEL}, ${JSON.stringify({ userId: "user-1", taskId, kind: "created" })})`;

  const events: TaskChange[] = [];
  const stop = new AbortController();
  teardown.unshift(() => stop.abort());
  const subscription = await changes.subscribe("user-1", stop.signal);
  void (async () => {
    for await (const change of subscription) events.push(change);
  })().catch(() => undefined);

  await announce("before");
  await vi.waitFor(() => expect(events).toContainEqual({ kind: "created", taskId: "before" }), { timeout: 2_000 });

  // Down long enough for postgres.js's own attempt to listen again to fail.
  await server.stop();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await server.start();

  await vi.waitFor(() => expect(events.filter((event) => event.kind === "resync").length).toBeGreaterThanOrEqual(2), { timeout: 15_000 });
  // Changes are heard again (announced until one is: one sent while listening restarts is lost, and followed by a resync).
  await vi.waitFor(
    async () => {
      await announce("after");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(events).toContainEqual({ kind: "created", taskId: "after" });
    },
    { timeout: 5_000 },
  );
});

test.runIf(existsSync(PG_BIN))("when the pool holding the listening session is discarded, a heartbeat notices and listens again", { timeout: 60_000 }, async () => {
  const server = await startPrivatePostgres({
    directoryPrefix: "tasks-listen-pg-",
    settings: { fsync: "off" },
    binDir: PG_BIN,
    cleanup: { defer: (_description, step) => void teardown.unshift(step) },
  });
  // As the app does after an outage (discardUnreachablePool): the pool and its listening
  // session are closed, and the next use opens a new pool.
  let handle = connectPostgres(server.url);
  const changes = createTaskChanges(
    {
      listen: (...args) => handle.listen(...args),
      notify: async (channel, payload) => void (await handle.db.execute(sql`select pg_notify(${channel}, ${payload})`)),
    },
    { heartbeatMs: 500 },
  );
  teardown.unshift(() => handle.close(), () => changes.close());
  const events: TaskChange[] = [];
  const stop = new AbortController();
  teardown.unshift(() => stop.abort());
  const subscription = await changes.subscribe("user-1", stop.signal);
  void (async () => {
    for await (const change of subscription) events.push(change);
  })().catch(() => undefined);

  const discarded = handle;
  handle = connectPostgres(server.url);
  await discarded.close();

  await vi.waitFor(() => expect(events.filter((event) => event.kind === "resync")).toHaveLength(2), { timeout: 5_000 });
  await handle.db.execute(sql`select pg_notify(${TASK_CHANGES_CHANNEL}, ${JSON.stringify({ userId: "user-1", taskId: "after", kind: "updated" })})`);
  await vi.waitFor(() => expect(events).toContainEqual({ kind: "updated", taskId: "after" }), { timeout: 2_000 });
});
