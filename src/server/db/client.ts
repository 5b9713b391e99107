import "server-only";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import { migratePglite, migratePostgres } from "./migrate";
import { lockDataDir } from "./pglite-lock";
import { POSTGRES_CLIENT_OPTIONS } from "./postgres-options";
import * as schema from "./schema";

export type Schema = typeof schema;

/** A drizzle database over either driver; code above this module never knows which. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  readonly db: Database;
  readonly driver: "postgres" | "pglite";
  /** Applies pending migrations from `drizzle/`. */
  migrate(): Promise<void>;
  /**
   * Calls `onPayload` with each NOTIFY on `channel`; resolves once listening, to a function
   * that stops. On PostgreSQL each call opens a session of its own (the app listens once per
   * instance), and `onListening` runs each time it (re)starts: notifications in between are lost.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Sees every statement drizzle sends (tests count queries with it). */
  onQuery?: (query: string) => void;
}

export interface PostgresPoolOptions extends DatabaseOptions {
  /** Connections in the pool. */
  max?: number;
  /**
   * A direct (unpooled) URL to the same database, for migrations and `listen`: a `LISTEN` needs
   * one server connection for the whole session, which a transaction pooler cannot promise.
   */
  unpooledUrl?: string | undefined;
}

function drizzleConfig(options: DatabaseOptions) {
  const { onQuery } = options;
  return { schema, ...(onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {}) };
}

/**
 * Opens a pool of at most `max` connections; it connects lazily, on the first query. The
 * one pool lives as long as the process: after an outage its connections reconnect.
 */
export function connectPostgres(url: string, options: PostgresPoolOptions = {}): DatabaseHandle {
  const client = postgres(url, {
    ...POSTGRES_CLIENT_OPTIONS,
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    max_lifetime: 30 * 60,
    // postgres.js waits longer and longer (up to 20 s) before reconnecting after a refused
    // connection, and queries queued meanwhile hang. Reconnecting at once lets each request
    // fail within milliseconds (503) while the server is down, and succeed once it is back.
    backoff: () => 0,
  });
  // LISTEN needs a session of its own, so not through a transaction pooler. postgres.js
  // listens again on a new connection after a drop; a failed listen is ended with its session.
  const listeners = new Set<postgres.Sql>();
  return {
    db: drizzlePostgres(client, drizzleConfig(options)),
    driver: "postgres",
    migrate: () => migratePostgres(options.unpooledUrl ?? url),
    async listen(channel, onPayload, onListening) {
      const session = postgres(options.unpooledUrl ?? url, { connect_timeout: 5, fetch_types: false, onnotice: () => {}, connection: { application_name: "tasks-listen" } });
      listeners.add(session);
      const stop = async () => {
        listeners.delete(session);
        await session.end({ timeout: 5 });
      };
      try {
        await session.listen(channel, onPayload, onListening);
      } catch (error) {
        await stop();
        throw error;
      }
      return stop;
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), ...[...listeners].map((session) => session.end({ timeout: 5 }))]);
    },
  };
}

/** Opens the embedded PostgreSQL at `dataDir` (absolute), holding its cross-process lock. */
export async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  // PGlite creates its directory non-recursively.
  mkdirSync(dirname(dataDir), { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    return wrapPglite(await PGlite.create(dataDir), release);
  } catch (error) {
    release();
    throw error;
  }
}

/** An in-memory PGlite started from a `dumpDataDir()` tarball (fast start for tests). */
export async function openPgliteFromDump(dump: Blob, options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  return wrapPglite(await PGlite.create({ loadDataDir: dump }), () => {}, options);
}

function wrapPglite(client: PGlite, release: () => void, options: DatabaseOptions = {}): DatabaseHandle {
  return {
    db: drizzlePglite(client, drizzleConfig(options)),
    driver: "pglite",
    migrate: () => migratePglite(client),
    // In-process: nothing between the writer and the listener can drop.
    async listen(channel, onPayload, onListening) {
      const unlisten = await client.listen(channel, onPayload);
      onListening?.();
      return unlisten;
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
