import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { Cleanup } from "./cleanup";
import { freePort, sleep, stopChild } from "./processes";

export interface AppServer {
  baseUrl: string;
  pid: number;
  /** Stops the server; `start()` brings it back on the same port and secret (sessions stay valid). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Every rate limit's maximum is multiplied by this: the bench is one client sending a crowd's load. */
const RATE_LIMIT_MULTIPLIER = "1000";

/**
 * Runs the production server as `npm start` does (the Node entry in `src/server/main.ts`
 * over the `next build` output, one process) against `databaseEnv`. Its output goes to
 * `logFile`, whose tail is shown if it fails to start.
 */
export async function startAppServer(options: {
  root: string;
  databaseEnv: Record<string, string>;
  logFile: string;
  cleanup: Cleanup;
  /** Where the server writes a V8 CPU profile when it exits; no profiling when absent. */
  cpuProfileDir?: string | null;
}): Promise<AppServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    // Nothing routes to it but the bench: stop at once instead of draining for a load balancer.
    SHUTDOWN_DELAY_MS: "0",
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
    BETTER_AUTH_URL: baseUrl,
    RATE_LIMIT_MULTIPLIER,
    ...options.databaseEnv,
  };
  let child: ChildProcess | undefined;

  async function start() {
    const log = openSync(options.logFile, "a");
    // What `npm start` runs, started directly so the pid (for SIGTERM and sampling) is the server's own.
    const profiling = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const started = spawn(process.execPath, [...profiling, "--import", "tsx", join("src", "server", "main.ts")], {
      cwd: options.root,
      env,
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    child = started;
    try {
      await waitUntilLive(baseUrl, started);
    } catch (error) {
      await stopChild(started);
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- server log (last lines) ---\n${tail(options.logFile)}`);
    }
  }

  async function stop() {
    if (child) await stopChild(child);
    child = undefined;
  }

  options.cleanup.defer("stop the app server", stop);
  await start();
  return {
    baseUrl,
    get pid() {
      if (child?.pid === undefined) throw new Error("the app server is not running");
      return child.pid;
    },
    stop,
    start,
  };
}

/** Ready means the database is open and migrated too: `/api/health` does a round trip. */
async function waitUntilLive(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the app server exited during start-up (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error("the app server did not become healthy within 60 s");
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
