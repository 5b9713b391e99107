import { readFileSync } from "node:fs";

import postgres from "postgres";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { withDatabase } from "@/test/postgres-url";
import { startPrivatePostgres, type PrivatePostgres } from "@/test/private-postgres";
import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/**
 * The README's production setup, run as written on a PostgreSQL server of this file's own
 * (roles are cluster-wide, and the shared server has them already): the app logs in as a
 * role that is neither superuser nor owner, the owner migrates, and that login can reach no
 * task but through the repository.
 */

const postgresUrl = inject("serverTestPostgresUrl");
const undo: (() => Promise<void> | void)[] = [];
let cluster: PrivatePostgres;
let server: ProductionServer;
let asLogin: postgres.Sql;
let asOwner: postgres.Sql;

/** The SQL block of the README's "Running PostgreSQL" paragraph, statement by statement. */
function readmeSetupStatements(): string[] {
  const readme = readFileSync("README.md", "utf8");
  const paragraph = readme.slice(readme.indexOf("**Running PostgreSQL**"));
  const block = /```sql\n([\s\S]*?)```/.exec(paragraph)?.[1];
  if (!block) throw new Error("README.md has no SQL block under **Running PostgreSQL**");
  return block.split(";").map((statement) => statement.trim()).filter(Boolean);
}

beforeAll(async () => {
  if (!postgresUrl) return;
  cluster = await startPrivatePostgres({ directoryPrefix: "tasks-least-privilege-", settings: {}, cleanup: { defer: (_, step) => void undo.push(step) } });
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  // One at a time: CREATE DATABASE may not share a query string (an implicit transaction).
  for (const statement of readmeSetupStatements()) await admin.unsafe(statement);
  await admin.end();

  // The server trusts local connections, so the README's passwords are not needed here.
  const database = (role: string) => withDatabase(cluster.url.replace("postgres@", `${role}@`), "tasks");
  server = await startProductionServer({ databaseUrl: database("tasks_web"), env: { DATABASE_URL_UNPOOLED: database("tasks_owner") } });
  asLogin = postgres(database("tasks_web"), { max: 1, onnotice: () => {} });
  asOwner = postgres(database("tasks_owner"), { max: 1, onnotice: () => {} });
}, 120_000);

afterAll(async () => {
  await asLogin?.end();
  await asOwner?.end();
  await server?.stop();
  for (const step of undo.reverse()) await step();
});

async function createTask(cookie: string, title: string): Promise<void> {
  const response = await fetch(`${server.baseUrl}/api/trpc/task.create`, {
    method: "POST",
    headers: { cookie, origin: server.baseUrl, "content-type": "application/json" },
    body: JSON.stringify({ json: { title } }),
  });
  expect(response.status).toBe(200);
}

async function listTasks(cookie: string): Promise<string> {
  const response = await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

test.runIf(postgresUrl)("the app works logged in as the README's least-privilege role", { timeout: 60_000 }, async () => {
  const [login] = await asLogin`select rolsuper, rolcreaterole from pg_roles where rolname = current_user`;
  expect(login).toEqual({ rolsuper: false, rolcreaterole: false });
  expect(server.output()).not.toMatch(/permission denied/i);

  const alice = await signUpOverHttp(server.baseUrl);
  const bob = await signUpOverHttp(server.baseUrl);
  await createTask(alice.cookie, "alice's secret plan");
  expect(await listTasks(alice.cookie)).toContain("alice's secret plan");
  expect(await listTasks(bob.cookie)).not.toContain("alice's secret plan");

  // Signing in again exercises the throttle and rate-limit tables with the login's grants.
  const signIn = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ email: alice.email, password: alice.password }),
  });
  expect(signIn.status).toBe(200);
});

test.runIf(postgresUrl)("the login role reaches no task with plain SQL, whatever it sets, and cannot change the table", async () => {
  const alice = await signUpOverHttp(server.baseUrl);
  const bob = await signUpOverHttp(server.baseUrl);
  await createTask(alice.cookie, "not for bob");
  const [table] = await asOwner`
    select pg_get_userbyid(relowner) as owner, relforcerowsecurity as forced from pg_class where oid = 'app.tasks'::regclass`;
  expect(table).toEqual({ owner: "tasks_owner", forced: true });

  const visibleTo = (sql: postgres.Sql, userId: string | null) =>
    sql.begin(async (tx) => {
      if (userId !== null) await tx`select set_config('app.user_id', ${userId}, true)`;
      const [row] = await tx<{ count: number }[]>`select count(*)::int as count from app.tasks`;
      return row?.count;
    });
  expect(await visibleTo(asLogin, null)).toBe(0);
  expect(await visibleTo(asLogin, bob.userId)).toBe(0);
  expect(await visibleTo(asLogin, "")).toBe(0);
  // Even the owner is held to the policy: forced row-level security.
  expect(await visibleTo(asOwner, null)).toBe(0);
  // The binding itself is the repository's to make: with Alice's id the policy shows her task.
  expect(await visibleTo(asLogin, alice.userId)).toBe(1);

  for (const statement of [
    "alter table app.tasks no force row level security",
    "alter table app.tasks disable row level security",
    "drop policy tasks_owner_only on app.tasks",
    "drop table app.tasks",
    "create table app.stolen (id int)",
  ]) {
    await expect(asLogin.unsafe(statement), statement).rejects.toThrow(/must be owner|permission denied/);
  }
});

test.runIf(postgresUrl)("the login role alone cannot migrate: start-up exits 1 saying DATABASE_URL_UNPOOLED must name the owner", async () => {
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  await admin.unsafe("create database tasks_fresh owner tasks_owner");
  await admin.end();
  const loginOnly = withDatabase(cluster.url.replace("postgres@", "tasks_web@"), "tasks_fresh");
  await expect(startProductionServer({ databaseUrl: loginOnly })).rejects.toThrow(
    /exited \(code 1\)[\s\S]*Cannot start: the role "tasks_web" may not change the schema, so it cannot migrate: set DATABASE_URL_UNPOOLED/,
  );
}, 60_000);
