import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

import { createTaskRepository } from "@/server/tasks/task-repository";
import { createTestDatabase, testDriver, type TestDatabase } from "@/test/database";
import { hasPgBouncer, startPgBouncer, type PgBouncer } from "@/test/pgbouncer";

import { connectPostgres, type DatabaseHandle } from "./client";

/** The app's pool through PgBouncer 1.18 in transaction mode, as on Neon or Supabase. */

const runs = testDriver === "postgres" && hasPgBouncer;
let database: TestDatabase;
let pooler: PgBouncer;
let pooled: DatabaseHandle;

beforeAll(async () => {
  if (!runs) return;
  database = await createTestDatabase();
  // Fewer server connections than the app's pool, so transactions keep changing connections.
  pooler = await startPgBouncer(database.url!, { poolSize: 2 });
  pooled = connectPostgres(pooler.url(database.url!), { max: 6 });
});

afterAll(async () => {
  await pooled?.close();
  await pooler?.stop();
  await database?.close();
});

test.runIf(runs)("the pool connects through a transaction-mode pooler: no start-up parameter it rejects", async () => {
  const result = await pooled.db.execute(sql`select current_setting('application_name') as name`);
  expect(JSON.stringify(result)).toContain('"name":"tasks"');
});

test.runIf(runs)("task queries from many requests at once run through the pooler with no prepared statement lost", async () => {
  await database.db.execute(sql`
    insert into auth."user" (id, name, email, email_verified, created_at, updated_at)
    values ('pooler-user', 'Pooler', 'pooler@example.com', false, now(), now())`);
  const tasks = createTaskRepository(pooled.db, "pooler-user");
  await tasks.create({ title: "through the pooler" });
  // The same statements again and again, on whichever server connection each transaction gets.
  const pages = await Promise.all(Array.from({ length: 60 }, () => tasks.list({ status: "all", limit: 10 })));
  for (const page of pages) expect(page.items.map((task) => task.title)).toEqual(["through the pooler"]);
  await expect(tasks.stats()).resolves.toEqual({ total: 1, active: 1, completed: 0 });
});
