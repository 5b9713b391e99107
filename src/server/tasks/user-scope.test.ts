import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { connectPostgres } from "@/server/db/client";
import { account, session, user } from "@/server/db/schema/auth";
import { tasks, tasksRole } from "@/server/db/schema/tasks";
import { createTestApp, type TestApp, type TestUser } from "@/test/app";
import { testDriver } from "@/test/database";

import { runAsUser, STATEMENT_TIMEOUT } from "./task-repository";

/**
 * What PostgreSQL itself guarantees, whatever a query through the repository's handle says.
 * These run on both drivers (PGlite by default, the server with TEST_DATABASE_URL).
 */

let app: TestApp;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  alice = await app.signUp();
  bob = await app.signUp();
  await app.caller(alice.headers).task.create({ title: "alice 1" });
  await app.caller(alice.headers).task.create({ title: "alice 2" });
  await app.caller(bob.headers).task.create({ title: "bob 1" });
});

afterAll(() => app.close());

/** The SQLSTATE of a failed query, wherever the driver put it in the cause chain. */
async function sqlStateOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error(`expected the query to fail (${testDriver})`);
    },
    (reason: unknown) => reason,
  );
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  throw error;
}

const INSUFFICIENT_PRIVILEGE = "42501";

describe("through runAsUser", () => {
  test.each([
    ["user", user],
    ["session", session],
    ["account", account],
  ])("the repository's handle is denied Better Auth's %s table", async (_table, table) => {
    expect(await sqlStateOf(runAsUser(app.db, alice.id, (tx) => tx.select().from(table)))).toBe(INSUFFICIENT_PRIVILEGE);
  });

  test("an unfiltered select returns only the bound user's rows", async () => {
    const rows = await runAsUser(app.db, alice.id, (tx) => tx.select({ title: tasks.title, userId: tasks.userId }).from(tasks));
    expect(rows.map((row) => row.title).sort()).toEqual(["alice 1", "alice 2"]);
    expect(new Set(rows.map((row) => row.userId))).toEqual(new Set([alice.id]));
  });

  test("the same statement, repeated for alternating users on one connection, still sees only each one's rows", async () => {
    // On postgres.js the statement is prepared, and after five runs PostgreSQL may switch it
    // to a generic plan: the row-level security it applies must still follow each binding.
    const single = app.url ? connectPostgres(app.url, { max: 1 }) : null;
    const db = single?.db ?? app.db;
    try {
      for (let run = 0; run < 12; run++) {
        const who = run % 2 === 0 ? alice : bob;
        const rows = await runAsUser(db, who.id, (tx) => tx.select({ userId: tasks.userId }).from(tasks));
        expect(new Set(rows.map((row) => row.userId))).toEqual(new Set([who.id]));
      }
    } finally {
      await single?.close();
    }
  });

  test("a task cannot be moved to another user", async () => {
    const state = await sqlStateOf(
      runAsUser(app.db, alice.id, (tx) => tx.update(tasks).set({ userId: bob.id }).where(eq(tasks.userId, alice.id))),
    );
    expect(state).toBe(INSUFFICIENT_PRIVILEGE);
    const [counts] = await app.db
      .select({ alice: sql<number>`(count(*) filter (where ${tasks.userId} = ${alice.id}))::int` })
      .from(tasks);
    expect(counts?.alice).toBe(2);
  });

  test("a task cannot be created for another user", async () => {
    expect(
      await sqlStateOf(runAsUser(app.db, alice.id, (tx) => tx.insert(tasks).values({ userId: bob.id, title: "planted" }))),
    ).toBe(INSUFFICIENT_PRIVILEGE);
  });

  test("a delete matching every row removes only the bound user's rows", async () => {
    const deleted = await runAsUser(app.db, bob.id, (tx) => tx.delete(tasks).where(sql`true`).returning({ title: tasks.title }));
    expect(deleted).toEqual([{ title: "bob 1" }]);
    expect(await app.db.select().from(tasks)).toHaveLength(2);
    await app.caller(bob.headers).task.create({ title: "bob 1" });
  });

  test("the statement time limit is set per transaction, not as a startup parameter a transaction pooler refuses", async () => {
    const [inside] = await runAsUser(app.db, alice.id, (tx) =>
      tx.select({ statementTimeout: sql<string>`current_setting('statement_timeout')` }).from(sql`(select 1) as one`),
    );
    expect(inside?.statementTimeout).toBe(STATEMENT_TIMEOUT);
    // Outside the repository's transactions the connection has the server's default (none).
    expect(await connectionState(app.db)).toMatchObject({ statementTimeout: "0" });
  });

  test("the role and user binding end with the transaction, leaving the connection clean", async () => {
    // One connection, so the next query surely runs where the transaction ran.
    const single = app.url ? connectPostgres(app.url, { max: 1 }) : null;
    const db = single?.db ?? app.db;
    try {
      await runAsUser(db, alice.id, (tx) => tx.select().from(tasks));
      expect(await connectionState(db)).toEqual({ restricted: false, userId: null, statementTimeout: "0" });
      // A statement that fails leaves the connection just as clean (and usable: a transaction
      // left aborted would refuse the next query).
      await sqlStateOf(runAsUser(db, alice.id, (tx) => tx.select().from(user)));
      expect(await connectionState(db)).toEqual({ restricted: false, userId: null, statementTimeout: "0" });
    } finally {
      await single?.close();
    }
  });
});

/** Who the next query on this handle runs as, and for which user. */
async function connectionState(db: typeof app.db) {
  const [state] = await db
    .select({
      restricted: sql<boolean>`current_user = ${tasksRole.name}`,
      userId: sql<string | null>`nullif(current_setting('app.user_id', true), '')`,
      statementTimeout: sql<string>`current_setting('statement_timeout')`,
    })
    .from(sql`(select 1) as one`);
  return state;
}

test("an update or delete matching every row touches only the bound user's rows", async () => {
  await runAsUser(app.db, bob.id, async (tx) => {
    await tx.update(tasks).set({ title: "renamed by bob" }).where(sql`true`);
  });
  const titles = (await app.db.select({ title: tasks.title }).from(tasks)).map((row) => row.title).sort();
  expect(titles).toEqual(["alice 1", "alice 2", "renamed by bob"]);

  const deleted = await runAsUser(app.db, bob.id, (tx) => tx.delete(tasks).where(sql`true`).returning({ id: tasks.id }));
  expect(deleted).toHaveLength(1);
  expect(await app.db.select().from(tasks)).toHaveLength(2);
  await app.caller(bob.headers).task.create({ title: "bob 1" });
});

test("with no user bound, the restricted role sees no rows at all", async () => {
  const rows = await app.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', 'tasks_app', true)`);
    return tx.select().from(tasks);
  });
  expect(rows).toEqual([]);
});

test("a statement that fails before reaching the database still ends its transaction", async () => {
  const single = app.url ? connectPostgres(app.url, { max: 1 }) : null;
  const db = single?.db ?? app.db;
  try {
    const failing = runAsUser(db, alice.id, () => {
      throw new Error("could not build the query");
    });
    await expect(failing).rejects.toThrow("could not build the query");
    expect(await connectionState(db)).toEqual({ restricted: false, userId: null, statementTimeout: "0" });
  } finally {
    await single?.close();
  }
});
