import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import postgres from "postgres";

import { withDatabase } from "./postgres-url";

const root = process.cwd();
/** What `npm start` runs: the server entry, which `npm run build` compiles after the app. */
export const SERVER_ENTRY = ".next/tasks-server.mjs";

// Everything `next build` reads. Tests, test helpers and the programs beside the app (bench,
// fault run, CLI) are left out: changing them changes no byte of the build.
const BUILD_INPUTS = ["src", "public", "drizzle", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package.json", "package-lock.json"];
const NOT_BUILD_INPUTS = [/^src\/(e2e|test|bench|faults|cli)\//, /\.test\.tsx?$/];

function newestInput(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) {
    return NOT_BUILD_INPUTS.some((pattern) => pattern.test(relative(root, path))) ? 0 : stats.mtimeMs;
  }
  return Math.max(0, ...readdirSync(path).map((entry) => newestInput(join(path, entry))));
}

/** Why the build must be made again, or null when `.next` was built from the current sources. */
export function staleBuildReason(): string | null {
  const buildId = join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no production build yet";
  const builtAt = statSync(buildId).mtimeMs;
  const changedAt = Math.max(...BUILD_INPUTS.map((input) => newestInput(join(root, input))));
  return changedAt > builtAt ? "sources changed since the last build" : null;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}

/**
 * Builds the app unless `.next` already holds a build of the current sources, so tests never
 * run against a stale build. A lock file keeps two test projects from building at once.
 */
export async function ensureProductionBuild(log: (message: string) => void = console.log): Promise<void> {
  const lockPath = join(root, ".next-build.lock");
  for (;;) {
    try {
      closeSync(openSync(lockPath, "wx"));
      break;
    } catch {
      // Another test project is building; its build will be fresh when it is done.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    const staleness = staleBuildReason();
    if (staleness) {
      log(`Building the app for the tests (${staleness})…`);
      await run("npm", ["run", "build"], { ...productionEnv(), NEXT_TELEMETRY_DISABLED: "1" });
    }
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/**
 * The environment of a production process: only what a real deployment would have. Nothing
 * is inherited from the test runner, whose variables (Vitest sets TEST) change how libraries
 * behave — Better Auth, for one, switches its origin check off when it sees TEST.
 */
function productionEnv(): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "TMPDIR", "LANG"].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  return { ...inherited, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface ProductionServer {
  baseUrl: string;
  pid: number;
  /** A connection URL of the server's database (PostgreSQL runs only). */
  databaseUrl: string | null;
  /** Its BETTER_AUTH_SECRET (instances of one app share it). */
  secret: string;
  /** Everything the server printed so far. */
  output(): string;
  /** Sends SIGTERM and waits for the exit; the database is then removed. Resolves the exit code. */
  stop(): Promise<number | null>;
}

export interface ProductionServerOptions {
  /** Extra environment for the server (e.g. TRUSTED_ORIGINS). */
  env?: Record<string, string>;
  /** A PostgreSQL server to create the database on; otherwise a fresh PGlite directory. */
  postgresUrl?: string | null;
  /** Serve the database of this (PostgreSQL) server instead: a second instance of one app. */
  shareDatabaseWith?: ProductionServer;
  /** Serve this existing PostgreSQL database, which the caller creates and drops. */
  databaseUrl?: string;
  /** The port to listen on (a replacement takes its predecessor's place behind a load balancer); a free one by default. */
  port?: number;
  /** What must answer 200 before the server counts as started: readiness by default. */
  readyPath?: "/api/health" | "/api/health/live";
}

/**
 * Starts `next start` (the production build) on a free port over a fresh database, and
 * resolves once it answers its health check. `stop()` ends it and removes the database.
 */
export async function startProductionServer(options: ProductionServerOptions = {}): Promise<ProductionServer> {
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const cleanups: (() => Promise<void> | void)[] = [];
  let databaseEnv: Record<string, string>;
  let databaseUrl: string | null = null;

  if (options.databaseUrl) {
    databaseUrl = options.databaseUrl;
    databaseEnv = { DATABASE_URL: databaseUrl };
  } else if (options.shareDatabaseWith) {
    databaseUrl = options.shareDatabaseWith.databaseUrl;
    if (!databaseUrl) throw new Error("only a PostgreSQL database can be shared between instances");
    databaseEnv = { DATABASE_URL: databaseUrl, BETTER_AUTH_SECRET: options.shareDatabaseWith.secret };
  } else if (options.postgresUrl) {
    const name = `tasks_server_${randomBytes(6).toString("hex")}`;
    const admin = postgres(options.postgresUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    databaseUrl = withDatabase(options.postgresUrl, name);
    databaseEnv = { DATABASE_URL: databaseUrl };
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    });
  } else {
    const dir = mkdtempSync(join(tmpdir(), "tasks-server-"));
    databaseEnv = { PGLITE_DATA_DIR: join(dir, "pglite") };
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  }

  const secret = `test-server-secret-${randomBytes(16).toString("hex")}`;
  // What `npm start` runs, started directly (not through npm) so the pid is the server's own.
  const server = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: root,
    env: {
      ...productionEnv(),
      BETTER_AUTH_SECRET: secret,
      ...databaseEnv,
      BETTER_AUTH_URL: baseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    const code = await stopProcess(server);
    for (const cleanup of cleanups.reverse()) await cleanup();
    return code;
  };
  try {
    await waitUntilHealthy(baseUrl, server, () => output, options.readyPath);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, pid: server.pid!, databaseUrl, secret: databaseEnv.BETTER_AUTH_SECRET ?? secret, output: () => output, stop };
}

async function waitUntilHealthy(baseUrl: string, server: ChildProcess, output: () => string, path = "/api/health"): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited (code ${server.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}${path}`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`next start did not become healthy within 60 s:\n${output()}`);
}

function stopProcess(server: ChildProcess): Promise<number | null> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve(server.exitCode);
  return new Promise((resolve) => {
    const killer = setTimeout(() => server.kill("SIGKILL"), 20_000);
    server.once("exit", (code) => {
      clearTimeout(killer);
      resolve(code);
    });
    server.kill("SIGTERM");
  });
}

/** A client of the running server that keeps cookies the way a browser at `origin` would. */
export async function signUpOverHttp(baseUrl: string, origin = baseUrl) {
  const email = `http-${randomBytes(6).toString("hex")}@example.com`;
  const password = "a long enough password";
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ name: "HTTP Tester", email, password }),
  });
  if (!response.ok) throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  const { user } = (await response.json()) as { user: { id: string } };
  return { email, password, cookie, userId: user.id, token: response.headers.get("set-auth-token") };
}
