import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import { PGlite } from "@electric-sql/pglite";
import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { expect, inject, test } from "vitest";

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

test.runIf(testDriver === "postgres")(
  "two instances migrating one empty database at once apply each migration exactly once",
  async () => {
    const template = inject("postgresTemplate");
    if (!template) throw new Error("needs TEST_DATABASE_URL");
    const name = `tasks_migrate_${randomBytes(6).toString("hex")}`;
    const admin = postgres(template.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = withDatabase(template.url, name);
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await Promise.all([migratePostgres(url), migratePostgres(url), migratePostgres(url)]);
      await migratePostgres(url);
      const [row] = await client<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
      expect(row?.count).toBe(migrationCount);
      const tables = await client<{ name: string }[]>`
        select table_schema || '.' || table_name as name from information_schema.tables
        where table_schema in ('auth', 'app') order by 1`;
      expect(tables.map((table) => table.name)).toEqual(schemaTables);
    } finally {
      await client.end();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  },
);

test.runIf(testDriver === "postgres")("migrations go through the unpooled URL when there is one, never through the pool's", async () => {
  const template = inject("postgresTemplate");
  if (!template) throw new Error("needs TEST_DATABASE_URL");
  const name = `tasks_unpooled_${randomBytes(6).toString("hex")}`;
  const admin = postgres(template.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const direct = withDatabase(template.url, name);
  // A pool URL nothing listens on: migrating through it could only fail.
  const handle = connectPostgres("postgres://postgres@127.0.0.1:1/nowhere", { migrationUrl: direct });
  const client = postgres(direct, { max: 1, onnotice: () => {} });
  try {
    await handle.migrate();
    const [row] = await client<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
    expect(row?.count).toBe(migrationCount);
  } finally {
    await client.end();
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
});

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
