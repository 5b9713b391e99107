import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { sql } from "drizzle-orm";
import postgres from "postgres";

import { openPglite } from "@/server/db/client";
import { migratePostgres } from "@/server/db/migrate";
import { withDatabase } from "@/test/postgres-url";
import { startPrivatePostgres } from "@/test/private-postgres";

import type { Cleanup } from "./cleanup";
import type { DatabaseMode } from "./options";

/** Migrations and seeding, straight to the database (no statement timeout, unlike the app's pool). */
export interface DirectConnection {
  migrate(): Promise<void>;
  execute(statement: string): Promise<void>;
  close(): Promise<void>;
}

/** How many times the app server ran each statement (normalised text), read after a run. */
export interface StatementCount {
  query: string;
  calls: number;
}

export interface QueryCounter {
  reset(): Promise<void>;
  read(): Promise<StatementCount[]>;
}

export interface BenchDatabase {
  /** Where the data lives, for the report. */
  description: string;
  /** Variables that point `next start` at this database. */
  serverEnv: Record<string, string>;
  /** PGlite serves one process at a time: direct access needs the app server stopped. */
  exclusive: boolean;
  connect(): Promise<DirectConnection>;
  /** Process ids of the app's connections to the database, when it runs on this machine. */
  backendPids: (() => Promise<number[]>) | null;
  /** Null when this database cannot count statements; `queryCountNote` says how it counts, or why not. */
  queryCounter: QueryCounter | null;
  queryCountNote: string;
}

/** A fresh database for one run, removed (with whatever server the bench started) by `cleanup`. */
export async function createBenchDatabase(mode: DatabaseMode, cleanup: Cleanup): Promise<BenchDatabase> {
  switch (mode.kind) {
    case "pglite":
      return createPgliteDatabase(cleanup);
    case "server":
      return createServerDatabase(mode.url, "server", cleanup);
    case "private-pg":
      return createServerDatabase(await startBenchPostgres(cleanup), "private-pg", cleanup);
  }
}

function createPgliteDatabase(cleanup: Cleanup): BenchDatabase {
  const parent = mkdtempSync(join(tmpdir(), "tasks-bench-pglite-"));
  cleanup.defer("remove the PGlite directory", () => rmSync(parent, { recursive: true, force: true }));
  const dataDir = join(parent, "data");
  return {
    description: `PGlite at ${dataDir}`,
    serverEnv: { PGLITE_DATA_DIR: dataDir },
    exclusive: true,
    async connect() {
      const handle = await openPglite(dataDir);
      return {
        migrate: () => handle.migrate(),
        execute: async (statement) => {
          await handle.db.execute(sql.raw(statement));
        },
        close: () => handle.close(),
      };
    },
    // PGlite runs inside the app server: its CPU is the server's.
    backendPids: null,
    queryCounter: null,
    queryCountNote: "not counted: PGlite has no pg_stat_statements",
  };
}

async function createServerDatabase(
  adminUrl: string,
  kind: "server" | "private-pg",
  cleanup: Cleanup,
): Promise<BenchDatabase> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  cleanup.defer("close the admin connection", () => admin.end({ timeout: 5 }));
  const name = `tasks_bench_${randomBytes(6).toString("hex")}`;
  cleanup.defer(`drop database ${name}`, async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabase(adminUrl, name);
  const counting = await openQueryCounter(admin, name, kind === "private-pg");
  const host = new URL(adminUrl).host;
  return {
    description: kind === "private-pg" ? `private PostgreSQL server at ${host}` : `PostgreSQL server at ${host}, database ${name}`,
    serverEnv: { DATABASE_URL: url },
    exclusive: false,
    async connect() {
      const client = postgres(url, { max: 1, onnotice: () => {} });
      return {
        migrate: () => migratePostgres(url),
        execute: async (statement) => {
          await client.unsafe(statement);
        },
        close: () => client.end({ timeout: 5 }),
      };
    },
    backendPids: ["127.0.0.1", "localhost", "[::1]"].includes(new URL(adminUrl).hostname)
      ? async () => {
          const rows = await admin<{ pid: number }[]>`
            select pid from pg_stat_activity where datname = ${name} and backend_type = 'client backend'`;
          return rows.map((row) => row.pid);
        }
      : null,
    ...counting,
  };
}

/**
 * Statement counts come from pg_stat_statements, which only a server started with it in
 * `shared_preload_libraries` has. The bench installs it on its private server only: on a
 * server it does not own it changes nothing, and reports that it cannot count.
 */
async function openQueryCounter(
  admin: postgres.Sql,
  databaseName: string,
  ownsServer: boolean,
): Promise<Pick<BenchDatabase, "queryCounter" | "queryCountNote">> {
  const [preload] = await admin<{ libraries: string }[]>`select current_setting('shared_preload_libraries') as libraries`;
  if (!preload?.libraries.split(",").some((library) => library.trim() === "pg_stat_statements")) {
    return { queryCounter: null, queryCountNote: "not counted: the server does not load pg_stat_statements (use --private-pg)" };
  }
  if (ownsServer) await admin`create extension if not exists pg_stat_statements`;
  const [installed] = await admin`select 1 from pg_extension where extname = 'pg_stat_statements'`;
  if (!installed) {
    return { queryCounter: null, queryCountNote: "not counted: pg_stat_statements is not installed in the admin database (use --private-pg)" };
  }
  const [database] = await admin<{ oid: number }[]>`select oid::int as oid from pg_database where datname = ${databaseName}`;
  if (!database) throw new Error(`database ${databaseName} vanished`);
  return {
    queryCounter: {
      async reset() {
        await admin`select pg_stat_statements_reset(0, ${database.oid}, 0)`;
      },
      async read() {
        const rows = await admin<StatementCount[]>`
          select query, calls::int as calls from pg_stat_statements where dbid = ${database.oid} order by calls desc`;
        return withTransactionEnds(rows.map(({ query, calls }) => ({ query, calls })));
      },
    },
    queryCountNote: "counted with pg_stat_statements (every statement; COMMIT/ROLLBACK as one per BEGIN)",
  };
}

const TRANSACTION_START = /^\s*(begin|start transaction)\b/i;
const TRANSACTION_END = /^\s*(commit|rollback|end)\s*$/i;

/**
 * PostgreSQL 15's pg_stat_statements misses most COMMITs (a check with postgres.js: three
 * transactions, one COMMIT counted), yet each is a statement and a round trip. Every
 * transaction the app opens ends in exactly one COMMIT or ROLLBACK, so count one per BEGIN.
 */
export function withTransactionEnds(counts: StatementCount[]): StatementCount[] {
  const statements = counts.filter((count) => !TRANSACTION_END.test(count.query));
  const begins = statements.filter((count) => TRANSACTION_START.test(count.query)).reduce((sum, count) => sum + count.calls, 0);
  if (begins === 0) return statements;
  return [...statements, { query: "commit or rollback (one per begin)", calls: begins }].sort((a, b) => b.calls - a.calls);
}

/**
 * The bench's own PostgreSQL server, with pg_stat_statements loaded. Settings otherwise follow
 * the machine's shared server (initdb defaults, autovacuum off): the bench ANALYZEs after
 * seeding itself.
 */
async function startBenchPostgres(cleanup: Cleanup): Promise<string> {
  const server = await startPrivatePostgres({
    directoryPrefix: "tasks-bench-pg-",
    settings: { shared_preload_libraries: "pg_stat_statements", autovacuum: "off" },
    cleanup,
  });
  return server.url;
}
