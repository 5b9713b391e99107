import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { createTaskRepository } from "@/server/tasks/task-repository";
import { createTestDatabase, testDriver, type TestDatabase } from "@/test/database";

import { connectPostgres, type DatabaseHandle } from "./client";
import { tasks } from "./schema/tasks";

/**
 * A parameterized query that is not prepared costs postgres.js two round trips (it waits
 * for the statement's description before it can send the parameters). On one connection,
 * a query that ran prepared is listed in pg_prepared_statements afterwards.
 */
describe.runIf(testDriver === "postgres")("parameterized queries run as prepared statements on postgres.js", () => {
  let database: TestDatabase;
  let single: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase();
    if (!database.url) throw new Error("needs TEST_DATABASE_URL");
    // One connection, so the statements listed are the ones this test's queries left.
    single = connectPostgres(database.url, { max: 1 });
  });

  afterAll(async () => {
    await single.close();
    await database.close();
  });

  const preparedStatements = async () => {
    // On postgres.js, execute() answers the rows themselves.
    const rows = (await single.db.execute(sql`select statement from pg_prepared_statements`)) as unknown as { statement: string }[];
    return rows.map((row) => row.statement);
  };

  test("ordinary drizzle queries, and queries inside transactions", async () => {
    const someone = randomUUID();
    await single.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.userId, someone));
    await single.db.transaction(async (tx) => {
      await tx.select({ title: tasks.title }).from(tasks).where(eq(tasks.userId, someone)).limit(1);
    });

    const statements = await preparedStatements();
    expect(statements).toContainEqual(expect.stringMatching(/^select "id" from "app"\."tasks" where "app"\."tasks"\."user_id" = \$1$/));
    expect(statements).toContainEqual(expect.stringMatching(/^select "title" from .* limit \$2$/));
  });

  test("the repository's single-statement path: the user binding and the query", async () => {
    const page = await createTaskRepository(single.db, randomUUID()).list({ status: "all", limit: 10 });
    expect(page.items).toEqual([]);

    const statements = await preparedStatements();
    expect(statements).toContainEqual(expect.stringContaining("set_config('app.user_id'"));
    expect(statements).toContainEqual(expect.stringMatching(/^select "id", "title", .* from "app"\."tasks" where .* limit \$\d+$/));
  });
});
