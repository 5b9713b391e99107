import "server-only";
import { and, asc, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";

import type { Database } from "@/server/db";
import { isForeignKeyViolation } from "@/server/db/errors";
import { tasks, tasksRole } from "@/server/db/schema/tasks";
import type { TaskSort, TaskStatus } from "@/lib/validators/task";

import { cursorAfter, encodeCursor, type TaskCursor } from "./cursor";

/** The handle the repository queries through: a transaction bound to one user. */
export type UserScopedDatabase = Pick<Database, "select" | "insert" | "update" | "delete" | "execute">;

/** How long one statement of the repository may run before PostgreSQL cancels it. */
export const STATEMENT_TIMEOUT = "10s";

/**
 * Runs `work` in a transaction as the restricted `tasks_app` role with `app.user_id`
 * bound to `userId`, so PostgreSQL itself (privileges and row-level security) confines
 * every query to that user's tasks, whatever the query says. Every setting is local to the
 * transaction, so a pooled connection never keeps them (and a transaction pooler may hand
 * the next transaction to another server connection).
 */
export function runAsUser<T>(db: Database, userId: string, work: (tx: UserScopedDatabase) => PromiseLike<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', ${tasksRole.name}, true), set_config('app.user_id', ${userId}, true),
      set_config('statement_timeout', ${STATEMENT_TIMEOUT}, true)`);
    return work(tx);
  });
}

// Always say which columns leave the database: the owner's id never does.
const taskColumns = {
  id: tasks.id,
  title: tasks.title,
  description: tasks.description,
  completed: tasks.completed,
  dueAt: tasks.dueAt,
  createdAt: tasks.createdAt,
  updatedAt: tasks.updatedAt,
  version: tasks.version,
};

export type Task = Omit<typeof tasks.$inferSelect, "userId">;

/** The most tasks one account may hold. */
export const TASK_QUOTA = 10_000;

export type CreateTaskResult =
  | { status: "created"; task: Task }
  | { status: "quota_exceeded"; quota: number }
  | { status: "account_gone" };

export interface ListTasksOptions {
  status: TaskStatus;
  sort?: TaskSort | undefined;
  search?: string | undefined;
  limit: number;
  cursor?: TaskCursor | null | undefined;
}

export interface TaskPage {
  items: Task[];
  nextCursor: string | null;
}

export interface NewTask {
  title: string;
  description?: string | null | undefined;
  dueAt?: Date | null | undefined;
}

export interface TaskPatch {
  title?: string | undefined;
  description?: string | null | undefined;
  completed?: boolean | undefined;
  dueAt?: Date | null | undefined;
}

export type RestoreTaskResult = CreateTaskResult | { status: "id_taken" };

export type UpdateTaskResult =
  | { status: "updated"; task: Task }
  | { status: "not_found" }
  | { status: "conflict"; currentVersion: number };

export interface TaskStats {
  total: number;
  active: number;
  completed: number;
}

/**
 * The only code that touches the tasks table. Bound to one user: every query filters on
 * that user's id and runs under row-level security keyed to the same id. "Not found"
 * is `null` (or a result status); the caller decides what that means for its client.
 */
export interface TaskRepositoryOptions {
  quota?: number;
  /**
   * Test-only: leave out the repository's own `user_id` filter, to prove that row-level
   * security alone keeps users apart. Never set outside tests.
   */
  withoutOwnerFilter?: boolean;
}

export function createTaskRepository(
  db: Database,
  userId: string,
  { quota = TASK_QUOTA, withoutOwnerFilter = false }: TaskRepositoryOptions = {},
) {
  const owned = withoutOwnerFilter ? undefined : eq(tasks.userId, userId);

  /** Inserts one task unless the account already holds `quota`, or the id is taken. */
  function insertWithinQuota(values: Omit<typeof tasks.$inferInsert, "userId">): Promise<RestoreTaskResult> {
    return runAsUser(db, userId, async (tx): Promise<RestoreTaskResult> => {
      // One creator per user at a time, so concurrent creates cannot overshoot the quota.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`tasks:${userId}`}))`);
      const [held] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(tx.select({ one: sql`1` }).from(tasks).where(owned).limit(quota).as("held"));
      if ((held?.count ?? 0) >= quota) return { status: "quota_exceeded", quota };
      const [task] = await tx
        .insert(tasks)
        .values({ ...values, userId })
        .onConflictDoNothing({ target: tasks.id })
        .returning(taskColumns);
      return task ? { status: "created", task } : { status: "id_taken" };
    });
  }

  return {
    async list({ status, sort = "newest", search, limit, cursor }: ListTasksOptions): Promise<TaskPage> {
      const rows = await runAsUser(db, userId, (tx) =>
        tx
          .select(taskColumns)
          .from(tasks)
          .where(and(owned, statusFilter(status), textContains(search), cursor ? after(cursor) : undefined))
          .orderBy(...sortKeys[sort])
          .limit(limit + 1),
      );
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(cursorAfter(sort, last)) : null };
    },

    async getById(id: string): Promise<Task | null> {
      const [task] = await runAsUser(db, userId, (tx) =>
        tx
          .select(taskColumns)
          .from(tasks)
          .where(and(owned, eq(tasks.id, id))),
      );
      return task ?? null;
    },

    /** Creates a task unless the account already holds {@link TASK_QUOTA} of them, or no longer exists. */
    create(input: NewTask): Promise<CreateTaskResult> {
      const creating = insertWithinQuota({ title: input.title, description: input.description, dueAt: input.dueAt }).then(
        (result) => {
          if (result.status === "id_taken") throw new Error("INSERT of a new id conflicted");
          return result;
        },
      );
      // The user is the tasks' only foreign key: a JWT outlives the account it names.
      return creating.catch((error: unknown): CreateTaskResult => {
        if (isForeignKeyViolation(error)) return { status: "account_gone" };
        throw error;
      });
    },

    /** Ownership, version check and write are one statement; a miss is then explained. */
    update(id: string, patch: TaskPatch, expectedVersion?: number): Promise<UpdateTaskResult> {
      return runAsUser(db, userId, async (tx): Promise<UpdateTaskResult> => {
        const [task] = await tx
          .update(tasks)
          .set({
            title: patch.title,
            description: patch.description,
            completed: patch.completed,
            dueAt: patch.dueAt,
            version: sql`${tasks.version} + 1`,
            updatedAt: sql`now()`,
          })
          .where(
            and(
              owned,
              eq(tasks.id, id),
              expectedVersion === undefined ? undefined : eq(tasks.version, expectedVersion),
            ),
          )
          .returning(taskColumns);
        if (task) return { status: "updated", task };
        if (expectedVersion === undefined) return { status: "not_found" };
        const [current] = await tx
          .select({ version: tasks.version })
          .from(tasks)
          .where(and(owned, eq(tasks.id, id)));
        return current ? { status: "conflict", currentVersion: current.version } : { status: "not_found" };
      });
    },

    /** Deletes at once and returns the task as it was, which {@link restore} can put back (undo). */
    async remove(id: string): Promise<Task | null> {
      const [removed] = await runAsUser(db, userId, (tx) =>
        tx
          .delete(tasks)
          .where(and(owned, eq(tasks.id, id)))
          .returning(taskColumns),
      );
      return removed ?? null;
    },

    /**
     * Puts a deleted task back exactly as {@link remove} returned it: same id, fields, version
     * and creation time, hence the same place in every order. Undo is a plain insert rather
     * than a soft delete, so a delete is final the moment it is answered (closing the tab
     * loses nothing and leaves nothing half-done) and no query has to skip deleted rows. An
     * id that is already in use, whoever owns it, inserts nothing and answers `id_taken`, so
     * a restore never overwrites or reveals another task.
     */
    restore(task: Task): Promise<RestoreTaskResult> {
      return insertWithinQuota(task).catch((error: unknown): RestoreTaskResult => {
        if (isForeignKeyViolation(error)) return { status: "account_gone" };
        throw error;
      });
    },

    async stats(): Promise<TaskStats> {
      const [counts] = await runAsUser(db, userId, (tx) =>
        tx
          .select({
            total: sql<number>`count(*)::int`,
            completed: sql<number>`(count(*) filter (where ${tasks.completed}))::int`,
          })
          .from(tasks)
          .where(owned),
      );
      const total = counts?.total ?? 0;
      const completed = counts?.completed ?? 0;
      return { total, active: total - completed, completed };
    },
  };
}

export type TaskRepository = ReturnType<typeof createTaskRepository>;

function statusFilter(status: TaskStatus): SQL | undefined {
  if (status === "all") return undefined;
  return eq(tasks.completed, status === "completed");
}

/** Case-insensitive substring of the title or the notes, with `%`, `_` and `\` matching literally. */
function textContains(search: string | undefined): SQL | undefined {
  if (!search) return undefined;
  const pattern = `%${search.replace(/[\\%_]/g, "\\$&")}%`;
  return or(ilike(tasks.title, pattern), ilike(tasks.description, pattern));
}

/** Due date with "none" as the latest possible time: the expression `tasks_user_due_idx` is built on. */
const dueOrNever = (dueAt: SQL | typeof tasks.dueAt) => sql`coalesce(${dueAt}, 'infinity'::timestamptz)`;

// Each order ends in (created_at, id) descending, so it is total and matches an index.
const sortKeys: Record<TaskSort, SQL[]> = {
  newest: [desc(tasks.createdAt), desc(tasks.id)],
  due: [asc(dueOrNever(tasks.dueAt)), desc(tasks.createdAt), desc(tasks.id)],
  completedLast: [asc(tasks.completed), desc(tasks.createdAt), desc(tasks.id)],
};

/**
 * Rows after `cursor` in its order (keyset pagination, no OFFSET). A leading key ascends
 * while (created_at, id) descends, so it is "a later leading key, or the same one and an
 * older task"; the `>=` on the leading key alone lets the index start at the cursor.
 */
function after(cursor: TaskCursor): SQL {
  const older = sql`(${tasks.createdAt}, ${tasks.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
  switch (cursor.sort) {
    case "newest":
      return older;
    case "due": {
      const due = dueOrNever(tasks.dueAt);
      const position = dueOrNever(sql`${cursor.dueAt?.toISOString() ?? null}::timestamptz`);
      return sql`${due} >= ${position} and (${due} > ${position} or ${older})`;
    }
    case "completedLast":
      return sql`${tasks.completed} >= ${cursor.completed} and (${tasks.completed} > ${cursor.completed} or ${older})`;
  }
}
