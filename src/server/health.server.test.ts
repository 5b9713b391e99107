import { randomBytes } from "node:crypto";

import postgres from "postgres";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { migratePostgres } from "@/server/db/migrate";
import { withDatabase } from "@/test/postgres-url";
import { startProductionServer } from "@/test/production-server";

/**
 * Liveness and readiness while start-up waits on its migrations: a load balancer must not
 * route to the instance yet, and a supervisor must not kill it for that.
 */

const postgresUrl = inject("serverTestPostgresUrl");
let admin: postgres.Sql;
let databaseUrl: string;
let databaseName: string;

beforeAll(async () => {
  if (!postgresUrl) return;
  admin = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  databaseName = `tasks_health_${randomBytes(6).toString("hex")}`;
  await admin.unsafe(`create database "${databaseName}"`);
  databaseUrl = withDatabase(postgresUrl, databaseName);
  await migratePostgres(databaseUrl);
});

afterAll(async () => {
  if (!postgresUrl) return;
  await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
});

/** Another session holding the migrations table, as a long migration elsewhere would. */
async function lockMigrationsTable() {
  const session = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await session`begin`;
  await session`lock table drizzle.__drizzle_migrations in access exclusive mode`;
  return async () => {
    await session`rollback`;
    await session.end();
  };
}

const status = async (url: string) => (await fetch(url)).status;

test.runIf(postgresUrl)("while the migrations wait on a lock, liveness answers and readiness is 503; ready within seconds of the release", async () => {
  const release = await lockMigrationsTable();
  const server = await startProductionServer({ databaseUrl, readyPath: "/api/health/live" }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  try {
    for (let check = 0; check < 3; check++) {
      expect(await status(`${server.baseUrl}/api/health/live`)).toBe(200);
      const readiness = await fetch(`${server.baseUrl}/api/health`);
      expect(readiness.status).toBe(503);
      expect(readiness.headers.get("retry-after")).toBe("5");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const releasedAt = Date.now();
    await release();
    while ((await status(`${server.baseUrl}/api/health`)) !== 200) {
      expect(Date.now() - releasedAt).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    expect(await server.stop()).toBe(0);
  }
});

test.runIf(postgresUrl)("a start-up whose migrations cannot finish within MIGRATION_TIMEOUT_MS exits 1 saying why", async () => {
  const release = await lockMigrationsTable();
  try {
    await expect(startProductionServer({ databaseUrl, env: { MIGRATION_TIMEOUT_MS: "2000" } })).rejects.toThrow(
      /exited \(code 1\)[\s\S]*did not finish within 2000 ms \(MIGRATION_TIMEOUT_MS\)/,
    );
  } finally {
    await release();
  }
});
