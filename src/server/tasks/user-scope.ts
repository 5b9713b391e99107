import "server-only";
import { sql } from "drizzle-orm";

import type { Database } from "@/server/db";
import { tasksRole } from "@/server/db/schema/tasks";

/** The handle the task repository queries through: a transaction bound to one user. */
export type UserScopedDatabase = Pick<Database, "select" | "insert" | "update" | "delete" | "execute">;

/**
 * Runs `work` in a transaction as the restricted `tasks_app` role with `app.user_id`
 * bound to `userId`, so PostgreSQL itself (privileges and row-level security) confines
 * every query to that user's tasks, whatever the query says. Both settings are local to the
 * transaction, so a pooled connection never keeps them.
 */
export function runAsUser<T>(db: Database, userId: string, work: (tx: UserScopedDatabase) => PromiseLike<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', ${tasksRole.name}, true), set_config('app.user_id', ${userId}, true)`);
    return work(tx);
  });
}
