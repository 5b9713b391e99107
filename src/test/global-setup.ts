import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";

import { migratePglite, migratePostgres } from "@/server/db/migrate";

import { withDatabase } from "./postgres-url";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory tarball that each test file loads into memory. */
    pgliteDumpPath: string | null;
    /** Server URL and migrated template database that each test file copies. */
    postgresTemplate: { url: string; template: string } | null;
  }
}

/**
 * Migrates one database per run; every test file then starts from a copy of it (a PGlite
 * dump, or a PostgreSQL template database) and drops its copy afterwards. Runs on PGlite
 * unless TEST_DATABASE_URL names a PostgreSQL server.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = `tasks_template_${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${template}"`);
    await migratePostgres(withDatabase(serverUrl, template));
    project.provide("postgresTemplate", { url: serverUrl, template });
    project.provide("pgliteDumpPath", null);
    return async () => {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.end();
    };
  }

  const dir = mkdtempSync(join(tmpdir(), "tasks-test-"));
  const pglite = await PGlite.create();
  await migratePglite(pglite);
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const dumpPath = join(dir, "migrated.tar");
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteDumpPath", dumpPath);
  project.provide("postgresTemplate", null);
  return () => rmSync(dir, { recursive: true, force: true });
}
