import "server-only";
import { is, sql, type TablesRelationalConfig } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { PostgresJsDatabase, PostgresJsSession } from "drizzle-orm/postgres-js";
import type { Sql } from "postgres";

import type { Database } from "@/server/db";
import { tasksRole } from "@/server/db/schema/tasks";

/** The handle the task repository queries through: a transaction bound to one user. */
export type UserScopedDatabase = Pick<Database, "select" | "insert" | "update" | "delete" | "execute">;

/** Drizzle runs a query when it is awaited; this is what a single statement looks like to us. */
type Statement<T> = PromiseLike<T>;

// `true`: both settings end with the transaction, so a pooled connection never keeps them.
const bindUser = (userId: string) =>
  sql`select set_config('role', ${tasksRole.name}, true), set_config('app.user_id', ${userId}, true)`;

/**
 * Runs `work` in a transaction as the restricted `tasks_app` role with `app.user_id`
 * bound to `userId`, so PostgreSQL itself (privileges and row-level security) confines
 * every query to that user's tasks, whatever the query says.
 */
export function runAsUser<T>(
  db: Database,
  userId: string,
  work: (tx: UserScopedDatabase) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(bindUser(userId));
    return work(tx);
  });
}

/**
 * Runs one statement as {@link runAsUser} does, with the same guarantees. On postgres.js the
 * whole transaction — BEGIN, the binding, the statement, COMMIT — goes to the server in one
 * write and comes back in one round trip instead of four. A round trip costs the app ~0.15 ms
 * of CPU here (mostly the socket write), so this saves about a tenth of a `task.list`. PGlite
 * runs in-process and takes the ordinary path.
 */
export function queryAsUser<T>(db: Database, userId: string, statement: (scoped: UserScopedDatabase) => Statement<T>): Promise<T> {
  if (!is(db, PostgresJsDatabase)) return runAsUser(db, userId, async (tx) => statement(tx));
  return pipelinedAsUser(db as typeof db & { $client: Sql }, userId, statement);
}

const dialect = new PgDialect();

async function pipelinedAsUser<T>(
  db: PostgresJsDatabase<Record<string, unknown>> & { $client: Sql },
  userId: string,
  statement: (scoped: UserScopedDatabase) => Statement<T>,
): Promise<T> {
  // The pool's logger sees these statements as it sees the ordinary path's (tests count them).
  const { logger } = db._.session as PostgresJsSession<Sql, Record<string, unknown>, TablesRelationalConfig>;
  const connection = await db.$client.reserve();
  let ending: Promise<unknown> | undefined;
  const end = (command: "commit" | "rollback") => (ending ??= connection.unsafe(command).execute());
  // postgres.js sends a connection's queries in the order they are started, without waiting
  // for answers. BEGIN and the binding are started here; drizzle starts the statement's query
  // a few microtasks later, and this client starts COMMIT right behind it — so the order on
  // the wire never depends on how drizzle schedules its work. If any part fails, PostgreSQL
  // aborts the transaction: nothing after it runs, and COMMIT becomes a rollback.
  let started = 0;
  const client = {
    unsafe(...args: Parameters<Sql["unsafe"]>) {
      started += 1;
      // A second query would run after COMMIT, outside the user's scope: refuse it.
      if (started > 1) throw new Error("queryAsUser runs exactly one statement; use runAsUser for more");
      const query = connection.unsafe(...args).execute();
      void end("commit"); // awaited below, through `ending`
      return query;
    },
  };
  try {
    const begin = connection.unsafe("begin").execute();
    const bind = dialect.sqlToQuery(bindUser(userId));
    logger.logQuery(bind.sql, bind.params);
    const binding = connection.unsafe(bind.sql, bind.params as never[]).execute();
    // A drizzle handle whose only query goes through `client` (no relational schema: the
    // query builders the repository uses need none). `client` implements the one method of
    // postgres.js's Sql that drizzle calls for a query.
    const scoped = new PostgresJsDatabase(
      dialect,
      new PostgresJsSession(client as unknown as Sql, dialect, undefined, { logger }),
      undefined,
    );
    // Even a statement that throws while being built must reach the end of the transaction below.
    const result = new Promise<T>((resolve) => resolve(statement(scoped)));
    // Nothing was sent if drizzle failed before querying; the transaction still ends here.
    const outcomes: PromiseSettledResult<unknown>[] = await Promise.allSettled([begin, binding, result]);
    outcomes.push(...(await Promise.allSettled([end("rollback")])));
    const failure = outcomes.find((outcome) => outcome.status === "rejected");
    if (failure) throw failure.reason;
    return await result;
  } finally {
    connection.release();
  }
}
