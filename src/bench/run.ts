/**
 * `npm run bench`: measures the production build under load on this machine and prints a
 * table (README, "Performance"). Everything it starts — build, database, app server, load
 * generator — is stopped again, on success, failure or Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { processTree } from "@/test/process-tree";

import { ensureFreshBuild } from "./build";
import { createCleanup, type Cleanup } from "./cleanup";
import { createBenchDatabase, type BenchDatabase, type DirectConnection } from "./database";
import { startLoadGenerator, type LoadGenerator } from "./load-generator";
import type { LoadGroup } from "./load-protocol";
import { parseOptions, USAGE, type BenchOptions } from "./options";
import { sampleWhile, sleep } from "./processes";
import { readDatabaseWrites } from "./round-trips";
import {
  checkTargets,
  formatLegend,
  formatStatements,
  formatTable,
  formatTargets,
  medianRun,
  queryCount,
  runFigures,
  type QueryCount,
  type ScenarioResult,
} from "./report";
import { SCENARIOS, serverWarmup, type Identities, type Phase, type Scenario } from "./scenarios";
import { backgroundTasksSql, backgroundUsersSql, fetchFirstPageIds, fetchJwts, loadTasksSql, signUpLoadUsers } from "./seed";
import { startAppServer, type AppServer } from "./server";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** About how many requests each scenario's query count is taken over. */
const QUERY_COUNT_REQUESTS = 60;
/** Requests, one at a time, each scenario's round trips are counted over. */
const ROUND_TRIP_REQUESTS = 40;

function secondsSince(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

/** Runs `work` with direct database access; PGlite needs the app server stopped meanwhile. */
async function withDirectAccess(database: BenchDatabase, server: AppServer, work: (connection: DirectConnection) => Promise<void>) {
  if (database.exclusive) await server.stop();
  const connection = await database.connect();
  try {
    await work(connection);
  } finally {
    await connection.close();
  }
  if (database.exclusive) await server.start();
}

/**
 * Waits until the server has finished the requests an earlier load left in flight: until
 * the statement counts stop moving, or (without a counter) for a fixed moment.
 */
async function settle(database: BenchDatabase): Promise<void> {
  const counter = database.queryCounter;
  if (!counter) {
    await sleep(500);
    return;
  }
  const total = async () => (await counter.read()).reduce((sum, statement) => sum + statement.calls, 0);
  let last = await total();
  for (let polls = 0; polls < 200; polls++) {
    await sleep(100);
    const now = await total();
    if (now === last) return;
    last = now;
  }
}

/**
 * Statements and round trips per request, counted apart from the timed runs: a run cut off at its end
 * leaves requests in flight that the server may finish or drop, so the count would be off.
 * Here every connection sends a few requests and waits for every answer.
 */
async function countQueries(
  groups: LoadGroup[],
  { server, database, load }: { server: AppServer; database: BenchDatabase; load: LoadGenerator },
): Promise<QueryCount | null> {
  const counter = database.queryCounter;
  if (!counter) return null;
  const connections = Math.max(...groups.map(({ pacing }) => (pacing.kind === "closed" ? pacing.connections : pacing.rate)));
  await settle(database);
  await counter.reset();
  const result = await load.run({
    baseUrl: server.baseUrl,
    duration: 0,
    requestsPerConnection: Math.max(1, Math.round(QUERY_COUNT_REQUESTS / connections)),
    groups,
  });
  // Some work (Better Auth's rate-limit clean-up) may finish after the answer.
  await settle(database);
  const failed = result.groups.reduce((total, group) => total + group.errors, 0);
  if (failed > 0) throw new Error(`${failed} requests failed while counting queries`);
  const statements = await counter.read();
  return queryCount(
    result.groups.reduce((total, group) => total + group.responses, 0),
    statements,
    await countRoundTrips(groups, { server, database, load }),
  );
}

/**
 * Database round trips per request, one request at a time: concurrent requests can share a
 * write on a pooled connection, which would count as one round trip for both. Null where
 * they cannot be counted (PGlite, no `ss`) and for scenarios that mix kinds of requests,
 * which one connection would not reproduce.
 */
async function countRoundTrips(
  groups: LoadGroup[],
  { server, database, load }: { server: AppServer; database: BenchDatabase; load: LoadGenerator },
): Promise<number | null> {
  const databasePort = portOf(database);
  const [group] = groups;
  if (databasePort === null || groups.length !== 1 || !group || group.plan.kind === "mix") return null;
  const writes = () => readDatabaseWrites(processTree(server.pid), databasePort);
  const before = writes();
  const result = await load.run({
    baseUrl: server.baseUrl,
    duration: 0,
    requestsPerConnection: ROUND_TRIP_REQUESTS,
    groups: [{ ...group, pacing: { kind: "closed", connections: 1 } }],
  });
  await settle(database);
  const after = writes();
  const responses = result.groups.reduce((total, each) => total + each.responses, 0);
  return before === null || after === null || responses === 0 ? null : (after - before) / responses;
}

/** The TCP port the app server reaches its database on; null for PGlite (in-process). */
function portOf(database: BenchDatabase): number | null {
  const url = database.serverEnv.DATABASE_URL;
  return url ? Number(new URL(url).port || 5432) : null;
}

async function runScenario(
  scenario: Scenario,
  context: { options: BenchOptions; server: AppServer; database: BenchDatabase; load: LoadGenerator; identities: Identities; tableTasks: number },
): Promise<ScenarioResult> {
  const { options, server, database, load, identities } = context;
  const result: ScenarioResult = {
    name: scenario.name,
    what: scenario.what,
    phase: scenario.phase,
    key: scenario.key,
    tableTasks: context.tableTasks,
    unavailable: scenario.unavailable(identities),
    runs: [],
    queries: null,
  };
  if (result.unavailable) {
    console.log(`bench: ${scenario.name}: unavailable (${result.unavailable})`);
    return result;
  }
  const groups = scenario.groups(identities);
  await load.run({ baseUrl: server.baseUrl, duration: options.warmup, groups });
  for (let run = 1; run <= options.runs; run++) {
    await settle(database);
    const { value: loadResult, ...sample } = await sampleWhile(server.pid, database.backendPids, () =>
      load.run({ baseUrl: server.baseUrl, duration: options.duration, groups }),
    );
    const figures = runFigures({ primary: scenario.primary, load: loadResult, sample });
    result.runs.push(figures);
    console.log(
      `bench: ${scenario.name} run ${run}/${options.runs}: ${figures.requestsPerSecond.toFixed(0)} req/s, ` +
        `p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ${figures.errors} errors`,
    );
  }
  result.queries = await countQueries(groups, context);
  return result;
}

interface Prepared {
  database: BenchDatabase;
  server: AppServer;
  identities: Identities;
}

/**
 * A fresh database with the small table, the server on it, and the load users signed up
 * with their tasks; the timings of each step go into `timings` (seconds).
 */
async function prepare(options: BenchOptions, cleanup: Cleanup, logFile: string, timings: Record<string, number>): Promise<Prepared> {
  await ensureFreshBuild(root, cleanup);
  const database = await createBenchDatabase(options.database, cleanup);
  console.log(`bench: database: ${database.description}; statements ${database.queryCountNote}`);

  let started = performance.now();
  const setup = await database.connect();
  try {
    await setup.migrate();
    await setup.execute(backgroundUsersSql(options.users));
    const smallBackground = options.smallTableTasks - options.loadUsers * options.tasksPerLoadUser;
    if (smallBackground > 0) await setup.execute(backgroundTasksSql(options.users, 1, smallBackground));
  } finally {
    await setup.close();
  }
  timings.schemaAndSmallSeed = secondsSince(started);

  const server = await startAppServer({
    root,
    databaseEnv: database.serverEnv,
    logFile,
    cleanup,
    cpuProfileDir: options.cpuProfileDir,
  });
  console.log(`bench: app server at ${server.baseUrl} (pid ${server.pid})`);

  started = performance.now();
  const users = await signUpLoadUsers(server.baseUrl, options.loadUsers);
  timings.signUps = secondsSince(started);
  await withDirectAccess(database, server, async (connection) => {
    await connection.execute(loadTasksSql(options.tasksPerLoadUser));
    await connection.execute("analyze");
  });
  const taskIds = await Promise.all(users.map((user) => fetchFirstPageIds(server.baseUrl, user, options.tasksPerLoadUser)));
  const jwts = await fetchJwts(server.baseUrl, users);
  return {
    database,
    server,
    identities: {
      cookies: users.map((user) => ({ cookie: user.cookie })),
      bearers: jwts?.map((token) => ({ authorization: `Bearer ${token}` })) ?? null,
      bearerUnavailable: "needs the jwt plugin (issue 4): GET /api/auth/token answered 404",
      tasks: users.map((user, index) => ({ headers: { cookie: user.cookie }, taskIds: taskIds[index] ?? [] })),
      credentials: users.map(({ email, password }) => ({ email, password })),
    },
  };
}

/** Fills the table from the small size to the full one, between the two phases. */
async function fillTable(options: BenchOptions, { database, server }: Prepared): Promise<void> {
  if (options.tasks <= options.smallTableTasks) return;
  console.log(`bench: filling the table to ${options.tasks.toLocaleString("en-US")} tasks …`);
  const loadTasks = options.loadUsers * options.tasksPerLoadUser;
  await withDirectAccess(database, server, async (connection) => {
    // Every row's user exists by construction: skip the per-row foreign-key check (the
    // tasks table has no other triggers). This session ends with the connection.
    await connection.execute("set session_replication_role = replica");
    await connection.execute(backgroundTasksSql(options.users, options.smallTableTasks - loadTasks + 1, options.tasks - loadTasks));
    await connection.execute("analyze");
  });
}

async function main(options: BenchOptions, cleanup: Cleanup): Promise<boolean> {
  const unknown = options.only.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((scenario) => scenario.name).join(", ")}`);
  }
  const selected = SCENARIOS.filter((scenario) => options.only.length === 0 || options.only.includes(scenario.name));
  const started = performance.now();
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const resultsDir = join(root, "bench-results");
  mkdirSync(resultsDir, { recursive: true });
  const loadBefore = loadavg();
  if ((loadBefore[0] ?? 0) > availableParallelism()) {
    console.warn(
      `bench: the machine is busy (load average ${loadBefore[0]?.toFixed(1)} on ${availableParallelism()} cores): ` +
        "expect noisy figures; the table's last column shows how much CPU everything else used",
    );
  }

  const timings: Record<string, number> = {};
  const prepared = await prepare(options, cleanup, join(resultsDir, `${stamp}-server.log`), timings);
  const { database, server, identities } = prepared;
  const load = startLoadGenerator(cleanup);
  await load.run({ baseUrl: server.baseUrl, duration: options.serverWarmup, groups: serverWarmup(identities) });

  const results: ScenarioResult[] = [];
  const runPhase = async (phase: Phase, tableTasks: number) => {
    for (const scenario of selected.filter((candidate) => candidate.phase === phase)) {
      results.push(await runScenario(scenario, { options, server, database, load, identities, tableTasks }));
    }
  };
  await runPhase("small", options.smallTableTasks);
  const filling = performance.now();
  await fillTable(options, prepared);
  timings.fullSeed = secondsSince(filling);
  await runPhase("large", options.tasks);
  timings.total = secondsSince(started);

  const targets = checkTargets(results);
  const resultFile = join(resultsDir, `bench-${stamp}.json`);
  const report = {
    startedAt: startedAt.toISOString(),
    commit: gitCommit(),
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
    },
    database: { kind: options.database.kind, description: database.description, queryCounting: database.queryCountNote },
    options,
    timingsSeconds: timings,
    scenarios: results.map((result) => ({ ...result, medianRun: medianRun(result) })),
    targets,
  };
  writeFileSync(resultFile, `${JSON.stringify(report, null, 2)}\n`);

  const statements = formatStatements(results, ["list", "list-jwt", "mixed-100/s", "sign-in-20"]);
  console.log(`\n${formatLegend(results)}\n\n${formatTable(results)}\n`);
  if (statements) console.log(`${statements}\n`);
  console.log(`${formatTargets(targets)}\n`);
  const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(" ");
  console.log(
    `bench: ${options.database.kind}, ${options.users.toLocaleString("en-US")} users, ${options.tasks.toLocaleString("en-US")} tasks, ` +
      `${options.runs} × ${options.duration} s per scenario; load average ${loads(loadBefore)} before, ` +
      `${loads(report.machine.loadAverageAfter)} after; total ${timings.total.toFixed(0)} s`,
  );
  console.log(`bench: full figures in ${resultFile}`);
  return results.every((result) => result.runs.every((run) => run.errors === 0));
}

function gitCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).trim();
    return dirty ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return "unknown";
  }
}

let options: BenchOptions | null;
try {
  options = parseOptions(process.argv.slice(2), { BENCH_DATABASE_URL: process.env.BENCH_DATABASE_URL });
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (!options) {
  console.log(USAGE);
  process.exit(0);
}

const cleanup = createCleanup();
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\nbench: ${signal}: stopping everything it started …`);
    void cleanup.run().finally(() => process.exit(130));
  });
}

try {
  const clean = await main(options, cleanup);
  await cleanup.run();
  if (!clean) {
    console.error("bench: some requests failed (see the errors column); the figures above are not valid");
    process.exitCode = 1;
  }
} catch (error) {
  // After Ctrl-C the main path fails as its processes go away: that is no news.
  if (!interrupted) console.error(`bench: failed: ${error instanceof Error ? error.message : String(error)}`);
  await cleanup.run();
  process.exitCode = 1;
}
