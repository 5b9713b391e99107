import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import { PGlite } from "@electric-sql/pglite";
import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { expect, inject, test } from "vitest";

import { hasPgBouncer, startPgBouncer } from "@/test/pgbouncer";
import { withDatabase } from "@/test/postgres-url";
import { testDriver } from "@/test/database";

import { connectPostgres } from "./client";
import { migratePglite, migratePostgres } from "./migrate";
import * as schema from "./schema";

// Every table the drizzle schema declares, as "schema.table".
const schemaTables = Object.values(schema)
  .filter((value) => is(value, PgTable))
  .map((table) => {
    const config = getTableConfig(table);
    return `${config.schema}.${config.name}`;
  })
  .sort();

const journal = JSON.parse(readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: unknown[] };
const migrationCount = journal.entries.length;

/** Runs `work` on a new, empty database of the test server, dropped afterwards. */
async function withEmptyDatabase(work: (url: string) => Promise<void>): Promise<void> {
  const template = inject("postgresTemplate");
  if (!template) throw new Error("needs TEST_DATABASE_URL");
  const name = `tasks_migrate_${randomBytes(6).toString("hex")}`;
  const admin = postgres(template.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  try {
    await work(withDatabase(template.url, name));
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/** How many migrations the database at `url` has recorded as applied. */
async function appliedMigrations(url: string): Promise<number | undefined> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
    return row?.count;
  } finally {
    await client.end();
  }
}

test.runIf(testDriver === "postgres")("two instances migrating one empty database at once apply each migration exactly once", () =>
  withEmptyDatabase(async (url) => {
    await Promise.all([migratePostgres(url), migratePostgres(url), migratePostgres(url)]);
    await migratePostgres(url);
    expect(await appliedMigrations(url)).toBe(migrationCount);
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const tables = await client<{ name: string }[]>`
        select table_schema || '.' || table_name as name from information_schema.tables
        where table_schema in ('auth', 'app') order by 1`;
      expect(tables.map((table) => table.name)).toEqual(schemaTables);
    } finally {
      await client.end();
    }
  }),
);

test.runIf(testDriver === "postgres" && hasPgBouncer)(
  "three instances migrating one empty database at once through a transaction-mode pooler apply each migration once and leave no lock",
  () =>
    withEmptyDatabase(async (direct) => {
      const pooler = await startPgBouncer(direct, { poolSize: 3 });
      try {
        const pooled = pooler.url(direct);
        await Promise.all([migratePostgres(pooled), migratePostgres(pooled), migratePostgres(pooled)]);
        await migratePostgres(pooled);
      } finally {
        await pooler.stop();
      }
      expect(await appliedMigrations(direct)).toBe(migrationCount);
      const client = postgres(direct, { max: 1, onnotice: () => {} });
      try {
        const [locks] = await client<{ count: number }[]>`select count(*)::int as count from pg_locks where locktype = 'advisory'`;
        expect(locks?.count).toBe(0);
      } finally {
        await client.end();
      }
    }),
);

test.runIf(testDriver === "postgres")("migrations go through the unpooled URL when there is one, never through the pool's", () =>
  withEmptyDatabase(async (direct) => {
    // A pool URL nothing listens on: migrating through it could only fail.
    const handle = connectPostgres("postgres://postgres@127.0.0.1:1/nowhere", { unpooledUrl: direct });
    try {
      await handle.migrate();
    } finally {
      await handle.close();
    }
    expect(await appliedMigrations(direct)).toBe(migrationCount);
  }),
);

test.runIf(testDriver === "pglite")("migrating PGlite again is a no-op", async () => {
  const pglite = await PGlite.create();
  try {
    await migratePglite(pglite);
    await migratePglite(pglite);
    const { rows } = await pglite.query<{ count: number }>("select count(*)::int as count from drizzle.__drizzle_migrations");
    expect(rows[0]?.count).toBe(migrationCount);
  } finally {
    await pglite.close();
  }
});
