import "server-only";

import { registerDatabaseCloser } from "./lifecycle";

/**
 * Validates the environment and opens (and migrates) the database at server start. An
 * unreachable PostgreSQL server is not fatal: requests answer 503 until it is back.
 * Anything else (an invalid variable, a PGlite directory held by another process, a
 * failing migration) stops the server, with one clear message, before it takes traffic.
 */
export async function prepareServer(): Promise<void> {
  try {
    // Imported here so that an invalid environment, thrown while importing, is caught too.
    const { closeDb, describeDatabase, getDb } = await import("@/server/db");
    // The server entry (src/server/main.ts) calls this once requests have drained.
    registerDatabaseCloser(closeDb);
    const { isDatabaseUnavailable } = await import("@/server/db/errors");
    try {
      await getDb();
      console.log(`Database ready: ${describeDatabase()}`);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      console.warn(`Database unreachable (${describeDatabase()}); each request retries it.`);
    }
  } catch (error) {
    console.error(`Cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
