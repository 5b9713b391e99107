import "server-only";
import { resolve } from "node:path";

import { env } from "@/env";

import { connectPostgres, openPglite, type Database, type DatabaseHandle } from "./client";

export type { Database } from "./client";

// Kept on globalThis so hot reloads and Next.js's separate server bundles share one pool
// (and, on PGlite, one holder of the data directory lock).
const globalForDb = globalThis as typeof globalThis & {
  tasksDatabase?: Promise<DatabaseHandle>;
};

/**
 * The app's database: postgres.js when `DATABASE_URL` is set, otherwise PGlite at
 * `PGLITE_DATA_DIR`. Opened lazily on first use (never at import or build time) and
 * migrated before it is handed out. A failed open is not cached, so the next call retries.
 */
export async function getDb(): Promise<Database> {
  return (await openHandle()).db;
}

/** LISTEN on the configured database (see `DatabaseHandle.listen`); ends when the pool is discarded or closed. */
export async function listen(...args: Parameters<DatabaseHandle["listen"]>): Promise<() => Promise<void>> {
  return (await openHandle()).listen(...args);
}

function openHandle(): Promise<DatabaseHandle> {
  globalForDb.tasksDatabase ??= openConfiguredDatabase().catch((error: unknown) => {
    globalForDb.tasksDatabase = undefined;
    throw error;
  });
  return globalForDb.tasksDatabase;
}

/**
 * Called when a request found the database unreachable. postgres.js keeps queries queued on
 * connections to a server that went away (for up to 19 s, measured), so a pool that saw an
 * outage is dropped, and the next request opens a fresh one as soon as the server answers.
 * PGlite runs in-process and cannot go away.
 */
export function discardUnreachablePool(): void {
  const pending = globalForDb.tasksDatabase;
  if (!env.DATABASE_URL || !pending) return;
  globalForDb.tasksDatabase = undefined;
  // Its stuck queries fail when it closes; requests meanwhile use the new pool.
  void pending.then((handle) => handle.close()).catch(() => undefined);
}

/** Closes the pool (or PGlite and its lock); the next `getDb()` opens it again. */
export async function closeDb(): Promise<void> {
  const pending = globalForDb.tasksDatabase;
  globalForDb.tasksDatabase = undefined;
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
    ? connectPostgres(env.DATABASE_URL, { migrationUrl: env.DATABASE_URL_UNPOOLED })
    : await openPglite(resolve(env.PGLITE_DATA_DIR));
  try {
    await handle.migrate();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}
