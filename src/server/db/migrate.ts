import "server-only";
import { join } from "node:path";

import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgresDb } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";

import { isInsufficientPrivilege } from "./errors";
import { POSTGRES_CLIENT_OPTIONS } from "./postgres-options";

const migrationsFolder = join(process.cwd(), "drizzle");

// Any fixed number works, as long as every instance of the app uses the same one.
const MIGRATION_LOCK_KEY = 727_501_311;

/**
 * Applies pending migrations from `drizzle/` to a PostgreSQL server, directly or through a
 * transaction-mode pooler. Instances starting at once serialise on an advisory lock, so each
 * migration runs exactly once. The lock is transaction-scoped and the whole run is one
 * transaction: a pooler keeps a transaction on one server connection, and the lock ends
 * with it, whether it commits, fails or the connection drops, so it can never leak.
 */
export async function migratePostgres(url: string): Promise<void> {
  // One connection, so `begin` below and every statement of the migrator share it.
  const client = postgres(url, { ...POSTGRES_CLIENT_OPTIONS, max: 1, connect_timeout: 5 });
  try {
    await client`begin`;
    await client`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
    // drizzle's migrator opens its own transaction with `begin`, which PostgreSQL treats as
    // a no-op inside this one (a warning, silenced), and its `commit` (or `rollback` on
    // failure) ends this transaction, and the lock with it.
    await migratePostgresDb(drizzlePostgres(client), { migrationsFolder });
  } catch (error) {
    if (!isInsufficientPrivilege(error)) throw error;
    // The README's least-privilege login: it may use the tables, not change them.
    throw new Error(
      `the role "${client.options.user}" may not change the schema, so it cannot migrate: set DATABASE_URL_UNPOOLED to a URL of the database's owner`,
      { cause: error },
    );
  } finally {
    // Nothing left to end after the migrator's commit; after an early failure this rolls back.
    await client`rollback`.catch(() => undefined);
    await client.end({ timeout: 5 });
  }
}

/** Applies pending migrations to an embedded PGlite database (its file lock already excludes others). */
export async function migratePglite(client: PGlite): Promise<void> {
  await migratePgliteDb(drizzlePglite(client), { migrationsFolder });
}
