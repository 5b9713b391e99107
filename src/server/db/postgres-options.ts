import "server-only";

/**
 * Settings every postgres.js client of the app shares, chosen so it works through a
 * transaction-mode pooler (PgBouncer, Neon, Supabase) as well as directly.
 */
export const POSTGRES_CLIENT_OPTIONS = {
  // Unnamed statements: a pooler may run the next transaction on another server
  // connection, where a named prepared statement does not exist.
  prepare: false,
  // postgres.js otherwise looks up array types with a query of its own on each new
  // connection and never handles its failure: a pooler that accepts the login but then
  // refuses the query (PgBouncer's "server login has been failing" after a database
  // restart) became an unhandled rejection. The app sends and reads no arrays.
  fetch_types: false,
  // Only what a pooler accepts at start-up; time limits are set per transaction instead.
  connection: { application_name: "tasks" },
  onnotice: () => {},
} as const;
