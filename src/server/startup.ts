import "server-only";

import { registerDatabaseCloser } from "./lifecycle";

// How often start-up tries an unreachable database again.
const RETRY_MS = 1_000;

/**
 * Validates the environment at server start, then opens (and migrates) the database in the
 * background, so the server listens at once: `/api/health/live` answers from the start,
 * `/api/health` answers 503 until the migrations are done. An unreachable PostgreSQL is
 * retried; a start-up that cannot finish within MIGRATION_TIMEOUT_MS, or that fails for
 * any other reason (an invalid variable, a PGlite directory held by another process, a
 * failing migration), stops the server with one clear message and exit code 1.
 */
export async function prepareServer(): Promise<void> {
  try {
    // Imported here so that an invalid environment, thrown while importing, is caught too.
    const { env } = await import("@/env");
    const { closeDb } = await import("@/server/db");
    // The server entry (src/server/main.ts) calls this once requests have drained.
    registerDatabaseCloser(closeDb);
    void openWithin(env.MIGRATION_TIMEOUT_MS).catch(stop);
  } catch (error) {
    stop(error);
  }
}

async function openWithin(timeoutMs: number): Promise<void> {
  const { describeDatabase, getDb } = await import("@/server/db");
  const { isDatabaseUnavailable } = await import("@/server/db/errors");
  let lastProblem = "the migrations are still running: another session may hold a lock they need (see pg_locks)";
  let unreachable = false;
  const timer = setTimeout(
    () => stop(new Error(`migrations on ${describeDatabase()} did not finish within ${timeoutMs} ms (MIGRATION_TIMEOUT_MS); ${lastProblem}`)),
    timeoutMs,
  );
  for (;;) {
    try {
      await getDb();
      clearTimeout(timer);
      console.log(`Database ready: ${describeDatabase()}`);
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      if (!unreachable) console.warn(`Database unreachable (${describeDatabase()}); retrying.`);
      unreachable = true;
      lastProblem = `the database was unreachable: ${error instanceof Error ? error.message : String(error)}`;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

function stop(error: unknown): never {
  console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
