/**
 * `npm run bench`: starts the production build on a fresh PostgreSQL database, signs up users
 * with tasks over HTTP, measures each scenario with autocannon and prints a markdown table
 * (src/bench/README.md). The server is stopped and the database dropped on success, failure
 * or Ctrl-C. Exits non-zero when any request failed, never because of a timing.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";

import type autocannon from "autocannon";

import { ensureProductionBuild, signUpOverHttp, startProductionServer } from "@/test/production-server";

import { errorsOf, formatTable, sendLoad, timedRun, type Row } from "./measure";

const USAGE = `Usage: npm run bench -- [options]
  --short          CI smoke mode: 1 run of 1 s per scenario, 5 users with 3 tasks each
  --runs <n>       timed runs per scenario; the table shows medians (default 3)
  --duration <s>   seconds per run (default 8), after a 1 s warm-up
  --users <n>      users signed up (default 50)
  --tasks <n>      tasks per user (default 50)
  --only <a,b>     these scenarios only
Database: a fresh one on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).`;

interface User {
  email: string;
  password: string;
  cookie: string;
  /** The session token from `set-auth-token`, for `Authorization: Bearer`. */
  token: string;
  /** A JWT from GET /api/auth/token, fetched just before the scenario that sends it. */
  jwt?: string;
}

interface Scenario {
  name: string;
  what: string;
  connections: number;
  before?: (baseUrl: string, users: User[], signal: AbortSignal) => Promise<void>;
  /** What a connection acting as `user` sends. */
  request(user: User, baseUrl: string): autocannon.Request;
}

const LIST_PATH = `/api/trpc/task.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 50 } }))}`;

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      short: { type: "boolean" },
      runs: { type: "string" },
      duration: { type: "string" },
      users: { type: "string" },
      tasks: { type: "string" },
      only: { type: "string" },
      help: { type: "boolean" },
    },
  });
  const count = (name: "runs" | "duration" | "users" | "tasks", full: number, short: number) => {
    const value = Number(values[name] ?? (values.short ? short : full));
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${values[name]}"`);
    return value;
  };
  const only = values.only?.split(",").map((name) => name.trim()) ?? null;
  const unknown = only?.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map(({ name }) => name).join(", ")}`);
  return {
    help: values.help ?? false,
    runs: count("runs", 3, 1),
    duration: count("duration", 8, 1),
    users: count("users", 50, 5),
    tasks: count("tasks", 50, 3),
    only,
  };
}

/** Runs `work(0 … count-1)`, `width` at a time; stops starting new work once `signal` aborts. */
async function pool<T>(count: number, width: number, signal: AbortSignal, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      signal.throwIfAborted();
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}

/** A request as a browser at `baseUrl` sends it (Better Auth wants the Origin); its JSON answer. */
async function call(baseUrl: string, path: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  const response = await fetch(baseUrl + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { origin: baseUrl, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

/** Signs up `users` users over HTTP and gives each `tasks` tasks through task.create. */
async function seed(baseUrl: string, users: number, tasks: number, signal: AbortSignal): Promise<User[]> {
  const seeded = await pool(users, 4, signal, async () => {
    const { email, password, cookie, token } = await signUpOverHttp(baseUrl);
    if (!token) throw new Error("sign-up sent no set-auth-token header");
    return { email, password, cookie, token };
  });
  await pool(users * tasks, 8, signal, (index) =>
    call(baseUrl, "/api/trpc/task.create", { cookie: seeded[index % users]?.cookie ?? "" }, { json: { title: `Task ${index}` } }),
  );
  return seeded;
}

const json = (baseUrl: string) => ({ "content-type": "application/json", origin: baseUrl });

const SCENARIOS: readonly Scenario[] = [
  { name: "floor", what: "GET /api/health/live, 50 connections", connections: 50, request: () => ({ method: "GET", path: "/api/health/live" }) },
  {
    name: "list-cookie",
    what: "task.list with a session cookie, 50 connections, a user each",
    connections: 50,
    request: (user) => ({ method: "GET", path: LIST_PATH, headers: { cookie: user.cookie } }),
  },
  {
    name: "list-bearer",
    what: "task.list, Bearer session token (set-auth-token)",
    connections: 50,
    request: (user) => ({ method: "GET", path: LIST_PATH, headers: { authorization: `Bearer ${user.token}` } }),
  },
  {
    name: "list-jwt",
    what: "task.list, Bearer JWT (GET /api/auth/token)",
    connections: 50,
    before: async (baseUrl, users, signal) => {
      await pool(users.length, 4, signal, async (index) => {
        const user = users[index];
        if (user) user.jwt = ((await call(baseUrl, "/api/auth/token", { cookie: user.cookie })) as { token: string }).token;
      });
    },
    request: (user) => ({ method: "GET", path: LIST_PATH, headers: { authorization: `Bearer ${user.jwt}` } }),
  },
  {
    // The per-account throttle counts a password check before it runs and a success clears
    // it, so a few connections per account (fewer than its 5 free checks) never wait.
    name: "sign-in",
    what: "POST /api/auth/sign-in/email, 20 connections",
    connections: 20,
    request: (user, baseUrl) => ({
      method: "POST",
      path: "/api/auth/sign-in/email",
      headers: json(baseUrl),
      body: JSON.stringify({ email: user.email, password: user.password }),
    }),
  },
  {
    name: "create",
    what: "POST task.create with a session cookie, 50 connections",
    connections: 50,
    request: (user, baseUrl) => ({
      method: "POST",
      path: "/api/trpc/task.create",
      headers: { ...json(baseUrl), cookie: user.cookie },
      body: JSON.stringify({ json: { title: "Bench task" } }),
    }),
  },
];

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(options: ReturnType<typeof parseOptions>, signal: AbortSignal): Promise<Row[]> {
  await ensureProductionBuild((message) => console.log(`bench: ${message}`));
  signal.throwIfAborted();
  const server = await startProductionServer({
    postgresUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    // One client sends a crowd's load from loopback; nothing routes to it, so stop at once.
    env: { RATE_LIMIT_MULTIPLIER: "1000", TRUSTED_PROXIES: "127.0.0.1,::1", SHUTDOWN_DELAY_MS: "0" },
  });
  try {
    console.log(`bench: server at ${server.baseUrl} (pid ${server.pid}); seeding ${options.users} users × ${options.tasks} tasks`);
    const users = await seed(server.baseUrl, options.users, options.tasks, signal);
    const rows: Row[] = [];
    for (const scenario of SCENARIOS.filter(({ name }) => !options.only || options.only.includes(name))) {
      await scenario.before?.(server.baseUrl, users, signal);
      const load = {
        baseUrl: server.baseUrl,
        connections: scenario.connections,
        // Connection i acts as user i (round robin when there are fewer users).
        request: (connection: number) => scenario.request(users[connection % users.length] as User, server.baseUrl),
      };
      // Warm-up: 1 s, then one request per connection, all answered, so the timed run does not
      // start behind requests the server is still working on after the warm-up was cut off.
      let warmupErrors = 0;
      for (const limit of [{ duration: 1 }, { amount: scenario.connections }]) {
        const warmup = await sendLoad(load, limit, signal);
        warmupErrors += warmup.non2xx + warmup.errors;
      }
      const row: Row = { scenario: scenario.name, what: scenario.what, runs: [], warmupErrors };
      for (let run = 1; run <= options.runs; run++) {
        const result = await timedRun(load, options.duration, server.pid, signal);
        signal.throwIfAborted();
        row.runs.push(result);
        console.log(
          `bench: ${scenario.name} ${run}/${options.runs}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
            `${result.errors} errors, ${mib(result.peakRssBytes)}`,
        );
      }
      if (errorsOf(row) > 0) console.error(`bench: ${scenario.name}: answers by status: ${JSON.stringify(row.runs.map((run) => run.statusCodes))}`);
      rows.push(row);
    }
    return rows;
  } catch (error) {
    if (!signal.aborted) console.error(`bench: server output (last lines):\n${server.output().slice(-3000)}`);
    throw error;
  } finally {
    const code = await server.stop();
    console.log(`bench: server stopped (exit ${code}), database dropped`);
  }
}

let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

// Ctrl-C or SIGTERM: stop the load and unwind, which stops the server and drops the database.
const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}: stopping the server and dropping the database …`);
    interrupt.abort(new Error(`interrupted by ${signal}`));
  });
}

const load = loadavg().map((value) => value.toFixed(2));
try {
  const rows = await main(options, interrupt.signal);
  const peak = Math.max(...rows.flatMap((row) => row.runs.map((run) => run.peakRssBytes)));
  console.log(
    `\n${formatTable(rows)}\n\n${options.users} users × ${options.tasks} tasks; per scenario a warm-up, then median of ` +
      `${options.runs} × ${options.duration} s; errors = non-2xx + socket errors, warm-up included; ` +
      `peak RSS of the server's process tree ${mib(peak)}; load average ${load.join(" ")} before, ` +
      `${loadavg().map((value) => value.toFixed(2)).join(" ")} after`,
  );
  const failed = rows.reduce((sum, row) => sum + errorsOf(row), 0);
  if (failed > 0) {
    console.error(`bench: ${failed} requests failed: the figures are not valid`);
    process.exitCode = 1;
  }
} catch (error) {
  if (interrupt.signal.aborted) console.error("bench: interrupted; nothing left running");
  else console.error(`bench: failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = interrupt.signal.aborted ? 130 : 1;
}
