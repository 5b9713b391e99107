/**
 * What the server entry (src/server/main.ts) and the app inside Next.js share about
 * shutting down. They are separate module graphs in one process, so the state lives on
 * globalThis under registered symbols rather than in module variables.
 */
const SHUTTING_DOWN = Symbol.for("tasks.shuttingDown");
const CLOSE_DATABASE = Symbol.for("tasks.closeDatabase");

type Lifecycle = { [SHUTTING_DOWN]?: boolean; [CLOSE_DATABASE]?: () => Promise<void> };
const shared = globalThis as typeof globalThis & Lifecycle;

/** From SIGTERM on, the health check answers 503 so load balancers stop sending traffic. */
export function markShuttingDown(): void {
  shared[SHUTTING_DOWN] = true;
}

export function isShuttingDown(): boolean {
  return shared[SHUTTING_DOWN] === true;
}

/** Called by the app once its database is open: how to close it after the last request. */
export function registerDatabaseCloser(close: () => Promise<void>): void {
  shared[CLOSE_DATABASE] = close;
}

export async function closeDatabase(): Promise<void> {
  await shared[CLOSE_DATABASE]?.();
}
