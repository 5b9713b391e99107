import "server-only";
import { join } from "node:path";

import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgresDb } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";

const migrationsFolder = join(process.cwd(), "drizzle");

// Any fixed number works, as long as every instance of the app uses the same one.
const MIGRATION_LOCK_KEY = 727_501_311;

/**
 * Applies pending migrations from `drizzle/` to a PostgreSQL server. Instances starting at
 * once serialise on an advisory lock, so each migration runs exactly once.
 */
export async function migratePostgres(url: string): Promise<void> {
  // One connection: the session-level advisory lock must be held by the connection that migrates.
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgresDb(drizzlePostgres(client), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Applies pending migrations to an embedded PGlite database (its file lock already excludes others). */
export async function migratePglite(client: PGlite): Promise<void> {
  await migratePgliteDb(drizzlePglite(client), { migrationsFolder });
}
