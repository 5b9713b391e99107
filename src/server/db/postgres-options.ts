import "server-only";

/**
 * Settings every postgres.js client of the app shares, chosen so it works through a
 * transaction-mode pooler (PgBouncer, Neon, Supabase) as well as directly.
 */
export const POSTGRES_CLIENT_OPTIONS = {
  // Unnamed statements: a pooler may run the next transaction on another server
  // connection, where a named prepared statement does not exist.
  prepare: false,
  // The app sends and reads no arrays or custom types, so postgres.js need not look types up
  // with queries of its own. (3.4.x did so on each new connection and left a failure through a
  // pooler, PgBouncer's "server login has been failing" after a restart, unhandled.)
  fetch_types: false,
  // Only what a pooler accepts at start-up; time limits are set per transaction instead.
  connection: { application_name: "tasks" },
  onnotice: () => {},
} as const;
