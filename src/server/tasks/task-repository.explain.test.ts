import type { PGlite } from "@electric-sql/pglite";
import { sql, TransactionRollbackError, type SQL } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import { afterAll, beforeAll, expect, test } from "vitest";

import type { TaskSort, TaskStatus } from "@/lib/validators/task";
import type { Database } from "@/server/db";
import * as schema from "@/server/db/schema";
import { createTestApp, type TestApp } from "@/test/app";
import { testDriver } from "@/test/database";

import { decodeCursor } from "./cursor";
import { createTaskRepository, type TaskRepository } from "./task-repository";
import { runAsUser, type UserScopedDatabase } from "./task-repository";

/**
 * Every query the repository runs must find its rows through an index, or the task list
 * slows down as the table grows (issue 6, "scale"). The queries are captured as the
 * repository really builds them and EXPLAINed as it runs them: as the restricted role with
 * row-level security, on a table large enough (20,000 rows, 40 users) that the planner
 * would scan it all if no index fitted. Sequential scans stay enabled.
 */

const USERS = 40;
const TASKS_PER_USER = 500;
const OWNER = "explain-user-1";

let app: TestApp;
let captured: { query: string; params: unknown[] }[] = [];
let repository: TaskRepository;
let someTaskId: string;

/** The app's database, with every query it sends recorded in `captured`. */
function recordingDatabase(db: Database): Database {
  const logger: Logger = { logQuery: (query, params) => captured.push({ query, params }) };
  // Same driver and connection as the test database; only the logger is added.
  const client: unknown = (db as Database & { $client: unknown }).$client;
  return testDriver === "postgres"
    ? drizzlePostgres(client as postgres.Sql, { schema, logger })
    : drizzlePglite(client as PGlite, { schema, logger });
}

beforeAll(async () => {
  app = await createTestApp();
  await app.db.execute(sql`
    insert into auth."user" (id, name, email)
    select 'explain-user-' || u, 'Explain user ' || u, 'explain-' || u || '@example.com'
    from generate_series(1, ${USERS}) as u`);
  // Dealt round-robin, so each user's tasks are scattered over the whole table.
  await app.db.execute(sql`
    insert into app.tasks (user_id, title, completed, created_at, due_at)
    select 'explain-user-' || (1 + i % ${USERS}), 'Task ' || i || case when i % 7 = 0 then ' buy milk' else '' end,
      i % 3 = 0, now() - i * interval '1 minute', case when i % 4 = 0 then now() + (i % 97) * interval '1 day' end
    from generate_series(1, ${USERS * TASKS_PER_USER}) as i`);
  await app.db.execute(sql`analyze app.tasks`);
  repository = createTaskRepository(recordingDatabase(app.db), OWNER);
  const page = await repository.list({ status: "all", limit: 1 });
  someTaskId = page.items[0]?.id ?? "";
});

afterAll(() => app.close());

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

/** `query` with its `$n` placeholders bound to `params`, as drizzle SQL. */
function bind(query: string, params: unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const match of query.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(query.slice(last, match.index)), sql`${params[Number(match[1]) - 1]}`);
    last = match.index + match[0].length;
  }
  chunks.push(sql.raw(query.slice(last)));
  return sql.join(chunks);
}

async function explain(tx: UserScopedDatabase, { query, params }: { query: string; params: unknown[] }): Promise<PlanNode> {
  const result: unknown = await tx.execute(sql`explain (format json) ${bind(query, params)}`);
  // postgres.js returns the rows, PGlite an object holding them.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
  const cell = rows[0]?.["QUERY PLAN"];
  const plan = (typeof cell === "string" ? JSON.parse(cell) : cell) as { Plan: PlanNode }[];
  const root = plan[0]?.Plan;
  if (!root) throw new Error(`no plan for ${query}`);
  return root;
}

/** The plan of `query` as the repository runs it: as the restricted role, bound to the owner. */
function planOf(query: { query: string; params: unknown[] }): Promise<PlanNode> {
  return runAsUser(app.db, OWNER, (tx) => explain(tx, query));
}

/** The statements one repository call sends that read or write tasks. */
async function queriesOf(call: () => Promise<unknown>) {
  captured = [];
  await call();
  // Neither the role binding nor the per-user creation lock reads a table, nor does an insert
  // (its ON CONFLICT check probes the primary key's index, which EXPLAIN does not show as a scan).
  return captured.filter(({ query }) => !/^(select (set_config\(|pg_advisory_xact_lock\()|insert into)/.test(query));
}

/** How the plan reads the tasks table: each scan's type and index. */
function describeScans(plan: PlanNode): string[] {
  return [...walk(plan)]
    .filter((node) => node["Relation Name"] === "tasks" && node["Node Type"].endsWith("Scan"))
    .map((node) => {
      // A bitmap heap scan reads the rows its bitmap index scans found.
      const index = node["Index Name"] ?? node.Plans?.map((child) => child["Index Name"]).filter(Boolean).join(" + ");
      return `${node["Node Type"]}${index ? ` using ${index}` : ""}`;
    });
}

const INDEX_SCANS = new Set(["Index Scan", "Index Only Scan", "Bitmap Heap Scan"]);

async function expectEveryQueryUsesAnIndex(call: () => Promise<unknown>) {
  const queries = await queriesOf(call);
  expect(queries.length).toBeGreaterThan(0);
  for (const query of queries) {
    const scans = describeScans(await planOf(query));
    expect(scans, query.query).not.toEqual([]);
    for (const scan of scans) expect(INDEX_SCANS.has(scan.split(" using ")[0] ?? ""), `${query.query}\n→ ${scan}`).toBe(true);
  }
}

async function cursorOf(status: TaskStatus, sort: TaskSort = "newest") {
  const { nextCursor } = await repository.list({ status, sort, limit: 5 });
  if (!nextCursor) throw new Error("expected a second page");
  return decodeCursor(nextCursor);
}

test.each(["all", "active", "completed"] as const)("list (%s) uses an index, first page and later pages", async (status) => {
  await expectEveryQueryUsesAnIndex(() => repository.list({ status, limit: 50 }));
  const cursor = await cursorOf(status);
  await expectEveryQueryUsesAnIndex(() => repository.list({ status, limit: 50, cursor }));
});

test.each(["all", "active", "completed"] as const)("list (%s) with a search uses an index, with and without a cursor", async (status) => {
  await expectEveryQueryUsesAnIndex(() => repository.list({ status, search: "milk", limit: 50 }));
  const cursor = await cursorOf(status);
  await expectEveryQueryUsesAnIndex(() => repository.list({ status, search: "milk", limit: 50, cursor }));
});

/** The plan's nodes, to check that an order is read from its index rather than sorted. */
async function nodeTypesOf(call: () => Promise<unknown>): Promise<string[]> {
  const [query] = await queriesOf(call);
  if (!query) throw new Error("list sent no query");
  return [...walk(await planOf(query))].map((node) => `${node["Node Type"]} ${node["Index Name"] ?? ""}`.trim());
}

test.each([
  ["due", "tasks_user_due_created_idx"],
  ["completedLast", "tasks_user_status_created_idx"],
] as const)("list sorted by %s reads its order from %s, first page and later pages, without sorting", async (sort, index) => {
  const cursor = await cursorOf("all", sort);
  for (const options of [{ status: "all", sort, limit: 50 }, { status: "all", sort, limit: 50, cursor }] as const) {
    const nodes = await nodeTypesOf(() => repository.list(options));
    expect(nodes).toContain(`Index Scan ${index}`);
    expect(nodes.filter((node) => node.startsWith("Sort"))).toEqual([]);
  }
  for (const status of ["active", "completed"] as const) {
    await expectEveryQueryUsesAnIndex(() => repository.list({ status, sort, search: "milk", limit: 50 }));
    const filteredCursor = await cursorOf(status, sort);
    await expectEveryQueryUsesAnIndex(() => repository.list({ status, sort, limit: 50, cursor: filteredCursor }));
  }
});

test("getById, update, the version-conflict lookup, remove and stats use an index", async () => {
  await expectEveryQueryUsesAnIndex(() => repository.getById(someTaskId));
  await expectEveryQueryUsesAnIndex(() => repository.update(someTaskId, { completed: true }));
  await expectEveryQueryUsesAnIndex(() => repository.update(someTaskId, { title: "renamed" }, 1));
  await expectEveryQueryUsesAnIndex(() => repository.remove(crypto.randomUUID()));
  const removed = await repository.remove(someTaskId);
  if (!removed) throw new Error("expected to remove the task");
  await expectEveryQueryUsesAnIndex(() => repository.restore(removed));
  await expectEveryQueryUsesAnIndex(() => repository.stats());
});

test("the check notices a query without a fitting index", async () => {
  const [query] = await queriesOf(() => repository.list({ status: "all", limit: 50 }));
  if (!query) throw new Error("list sent no query");
  let scans: string[] = [];
  await app.db
    .transaction(async (tx) => {
      await tx.execute(sql`drop index app.tasks_user_created_idx`);
      await tx.execute(sql`drop index app.tasks_user_status_created_idx`);
      await tx.execute(sql`drop index app.tasks_user_due_created_idx`);
      await tx.execute(sql`select set_config('role', 'tasks_app', true), set_config('app.user_id', ${OWNER}, true)`);
      scans = describeScans(await explain(tx, query));
      tx.rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  expect(scans).toContain("Seq Scan");
});
