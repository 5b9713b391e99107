import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import postgres from "postgres";
import { inject } from "vitest";

import {
  connectPostgres,
  openPgliteFromDump,
  type DatabaseHandle,
  type DatabaseOptions,
} from "@/server/db/client";

import { withDatabase } from "./postgres-url";

/** Which driver this run tests: PGlite by default, PostgreSQL when TEST_DATABASE_URL is set. */
export const testDriver: DatabaseHandle["driver"] = inject("postgresTemplate") ? "postgres" : "pglite";

export interface TestDatabase extends DatabaseHandle {
  /** A connection string to this database (PostgreSQL runs only). */
  url: string | null;
}

/**
 * A fresh, migrated database for one test file: a copy of the run's template. `close()`
 * drops it, so no run depends on what an earlier one left.
 */
export async function createTestDatabase(options: DatabaseOptions = {}): Promise<TestDatabase> {
  const template = inject("postgresTemplate");
  if (template) {
    const name = `tasks_test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(template.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template "${template.template}"`);
    const url = withDatabase(template.url, name);
    const handle = connectPostgres(url, { max: 4, ...options });
    return {
      ...handle,
      url,
      close: async () => {
        await handle.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }

  const dumpPath = inject("pgliteDumpPath");
  if (!dumpPath) throw new Error("global setup provided no database");
  const handle = await openPgliteFromDump(new Blob([readFileSync(dumpPath)]), options);
  return { ...handle, url: null };
}
