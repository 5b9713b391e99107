import "server-only";
import { resolve } from "node:path";

import { env } from "@/env";

import { connectPostgres, openPglite, type Database, type DatabaseHandle } from "./client";

export type { Database } from "./client";

// Kept on globalThis so hot reloads and Next.js's separate server bundles share one pool
// (and, on PGlite, one holder of the data directory lock).
const globalForDb = globalThis as typeof globalThis & {
  tasksDatabase?: Promise<DatabaseHandle>;
  tasksDatabaseReady?: boolean;
};

/**
 * The app's database: postgres.js when `DATABASE_URL` is set, otherwise PGlite at
 * `PGLITE_DATA_DIR`. Opened lazily on first use (never at import or build time) and
 * migrated before it is handed out. A failed open is not cached, so the next call retries.
 */
export async function getDb(): Promise<Database> {
  return (await openHandle()).db;
}

/** LISTEN on the configured database (see `DatabaseHandle.listen`); ends when the pool is closed. */
export async function listen(...args: Parameters<DatabaseHandle["listen"]>): Promise<() => Promise<void>> {
  return (await openHandle()).listen(...args);
}

function openHandle(): Promise<DatabaseHandle> {
  globalForDb.tasksDatabase ??= openConfiguredDatabase().then(
    (handle) => {
      globalForDb.tasksDatabaseReady = true;
      return handle;
    },
    (error: unknown) => {
      globalForDb.tasksDatabase = undefined;
      throw error;
    },
  );
  return globalForDb.tasksDatabase;
}

/** Whether the database has been opened and migrated (readiness answers 503 until then). */
export function isDatabaseOpen(): boolean {
  return globalForDb.tasksDatabaseReady === true;
}

/** Closes the pool (or PGlite and its lock); the next `getDb()` opens it again. */
export async function closeDb(): Promise<void> {
  const pending = globalForDb.tasksDatabase;
  globalForDb.tasksDatabase = undefined;
  globalForDb.tasksDatabaseReady = false;
  if (pending) await (await pending).close();
}

/** Where the configured database lives, for start-up logs (never includes a password). */
export function describeDatabase(): string {
  if (!env.DATABASE_URL) return `PGlite at ${resolve(env.PGLITE_DATA_DIR)}`;
  const url = new URL(env.DATABASE_URL);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

async function openConfiguredDatabase(): Promise<DatabaseHandle> {
  const handle = env.DATABASE_URL
    ? connectPostgres(env.DATABASE_URL, { max: env.DATABASE_POOL_MAX, unpooledUrl: env.DATABASE_URL_UNPOOLED })
    : await openPglite(resolve(env.PGLITE_DATA_DIR));
  try {
    await handle.migrate();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
