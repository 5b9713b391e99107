/**
 * `npm run cluster`: the app as production teams run it. A private PostgreSQL server, Debian's
 * PgBouncer (1.18) in transaction mode in front of it, HAProxy balancing over three production
 * instances started at the same moment on an empty database, and a steady load of creates and
 * reads through HAProxy, while four faults happen one after the other:
 *
 * 1. kill -9 of one instance, then a replacement on its port;
 * 2. a rolling restart: SIGTERM to each instance in turn, the next one only once HAProxy
 *    routes to its replacement;
 * 3. a database restart (stopped for a few seconds);
 * 4. overload: `app.tasks` locked for 12 s while writes keep arriving.
 *
 * Prints one column per phase and exits non-zero when a control failed: every acknowledged
 * write is stored, no request hangs, no instance holds more connections than its budget, the
 * only errors are those the fault explains, and the cluster recovers within seconds.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import postgres from "postgres";

import { hasPgBouncer, startPgBouncer } from "@/test/pgbouncer";
import { withDatabase } from "@/test/postgres-url";
import { startPrivatePostgres } from "@/test/private-postgres";
import { processTree, procStatFields, tcpConnectionsTo } from "@/test/process-tree";
import { ensureProductionBuild, freePort, signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

import { controls, count, missingWrites, REQUEST_TIMEOUT_MS, runLoad, type Outcome } from "./load";

const POOL_MAX = 10;
/** Per instance: its pool, its LISTEN session, and one more while it migrates at start-up. */
const BUDGET = POOL_MAX + 2;
const WORKERS = 6;
/** While the table is locked: more clients than the instances' pools hold, so requests queue. */
const OVERLOAD_WORKERS = 3 * POOL_MAX + 6;
const RECOVERY_LIMIT_MS = 5_000;
const HAPROXY_BIN = "/usr/sbin/haproxy";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { expectThat, finish } = controls("Cluster check");

interface HaProxy {
  url: string;
  /** Resolves once HAProxy's health checks see all `servers` up. */
  waitUntilAllUp(): Promise<void>;
  stop(): void;
}

/**
 * HAProxy on a free port, round robin over `ports`, routing by readiness (`/api/health`) checked
 * every 250 ms: down after 2 failures (under the app's 1 s SHUTDOWN_DELAY_MS), up after 2 passes.
 * A refused connection is retried on another instance; a request already sent is never
 * retried (the default `retry-on conn-failure`), since a create is not idempotent.
 */
async function startHaProxy(ports: number[]): Promise<HaProxy> {
  const dir = mkdtempSync(join(tmpdir(), "tasks-haproxy-"));
  const port = await freePort();
  const socket = join(dir, "admin.sock");
  const config = join(dir, "haproxy.cfg");
  writeFileSync(
    config,
    [
      "global",
      `  stats socket ${socket}`,
      "defaults",
      "  mode http",
      "  timeout connect 1s",
      "  timeout client 30s",
      "  timeout server 30s",
      "  timeout check 2s",
      "  retries 2",
      "  option redispatch 1",
      "frontend app",
      `  bind 127.0.0.1:${port}`,
      "  option forwardfor",
      "  default_backend instances",
      "backend instances",
      "  balance roundrobin",
      "  option httpchk GET /api/health",
      "  http-check expect status 200",
      "  default-server inter 250ms fall 2 rise 2",
      ...ports.map((serverPort, index) => `  server i${index} 127.0.0.1:${serverPort} check`),
      "",
    ].join("\n"),
  );
  const child = spawn(HAPROXY_BIN, ["-f", config, "-db"], { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const stop = () => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  // `show stat` answers CSV: proxy name, server name, … status (field 18).
  const statuses = () =>
    new Promise<string[]>((resolve) => {
      let output = "";
      const connection = connect(socket);
      connection.on("data", (chunk: Buffer) => (output += chunk.toString()));
      connection.on("end", () =>
        resolve(output.split("\n").map((line) => line.split(",")).filter((fields) => fields[0] === "instances" && /^i\d$/.test(fields[1] ?? "")).map((fields) => fields[17] ?? "")),
      );
      connection.on("error", () => resolve([]));
      connection.write("show stat\n");
    });
  const waitUntilAllUp = async () => {
    const deadline = Date.now() + 30_000;
    while ((await statuses()).filter((status) => status === "UP").length < ports.length) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`HAProxy did not see every instance up: ${(await statuses()).join(", ")} ${errors}`);
      await sleep(100);
    }
  };
  return { url: `http://127.0.0.1:${port}`, waitUntilAllUp, stop };
}

/**
 * The most connections each instance held, sampled every 100 ms from /proc: the TCP
 * connections its process has open to PgBouncer or to PostgreSQL directly (its pool, its
 * LISTEN session, its migration). Instances are this process's `node` children, so an
 * instance is counted from the moment it is spawned, start-up included. Also the most
 * client backends PostgreSQL itself had (PgBouncer's server connections and the direct ones).
 */
function connectionSampler(ports: Set<number>, serverUrl: string) {
  let perInstance = new Map<number, number>();
  let backends = 0;
  const watcher = postgres(serverUrl, { max: 1, backoff: () => 0, connect_timeout: 1, onnotice: () => {} });
  const instancePids = () =>
    processTree(process.pid).filter((pid) => {
      if (procStatFields(pid)?.[1] !== String(process.pid)) return false;
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "node";
      } catch {
        return false;
      }
    });
  const timer = setInterval(() => {
    for (const pid of instancePids()) perInstance.set(pid, Math.max(perInstance.get(pid) ?? 0, tcpConnectionsTo(processTree(pid), ports)));
    void watcher<{ count: number }[]>`select count(*)::int as count from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`
      .then(([row]) => (backends = Math.max(backends, row?.count ?? 0)))
      .catch(() => undefined);
  }, 100);
  return {
    /** The figures since the last call, and a fresh start. */
    take() {
      const result = { mostPerInstance: Math.max(0, ...perInstance.values()), instances: perInstance.size, backends };
      perInstance = new Map();
      backends = 0;
      return result;
    },
    async stop() {
      clearInterval(timer);
      await watcher.end({ timeout: 1 });
    },
  };
}

interface Fault {
  /** When the fault began and when it was over (ms since the epoch). */
  began: number;
  ended: number;
}

await ensureProductionBuild();
if (!hasPgBouncer) throw new Error("PgBouncer is missing: apt-get install pgbouncer");
if (!existsSync(HAPROXY_BIN)) throw new Error("HAProxy is missing: apt-get install haproxy");

const teardown: (() => Promise<unknown> | unknown)[] = [];
const columns: Record<string, Record<string, string | number>> = {};
const instancesEver: ProductionServer[] = [];
try {
  const database = await startPrivatePostgres({
    directoryPrefix: "tasks-cluster-pg-",
    // Thrown away afterwards; a clean stop still hands every acknowledged write to the OS.
    settings: { fsync: "off" },
    cleanup: { defer: (_description, step) => void teardown.unshift(step) },
  });
  const admin = postgres(database.url, { max: 1, backoff: () => 0, onnotice: () => {} });
  teardown.unshift(() => admin.end({ timeout: 1 }));
  await admin`create database tasks_cluster`;
  const direct = withDatabase(database.url, "tasks_cluster");
  // After a failed login to the server (one that is starting up), PgBouncer refuses every
  // client for `server_login_retry`, 15 s by default: 1 s lets the cluster recover in seconds.
  const pooler = await startPgBouncer(database.url, { poolSize: 3 * BUDGET, settings: { server_login_retry: 1 } });
  teardown.unshift(() => pooler.stop());
  const pooled = pooler.url(direct);
  const ports = [await freePort(), await freePort(), await freePort()];
  const balancer = await startHaProxy(ports);
  teardown.unshift(() => balancer.stop());
  const sampler = connectionSampler(new Set([Number(new URL(pooled).port), Number(new URL(direct).port)]), database.url);
  teardown.unshift(() => sampler.stop());

  // The documented production setup: the pool through the pooler, migrations and LISTEN direct.
  const secret = randomBytes(32).toString("base64");
  const startInstance = async (port: number) => {
    const instance = await startProductionServer({
      port,
      databaseUrl: pooled,
      env: {
        DATABASE_URL_UNPOOLED: direct,
        DATABASE_POOL_MAX: String(POOL_MAX),
        BETTER_AUTH_SECRET: secret,
        BETTER_AUTH_URL: balancer.url,
        TRUSTED_PROXIES: "127.0.0.1",
        RATE_LIMIT_MULTIPLIER: "1000",
      },
    });
    instancesEver.push(instance);
    return instance;
  };

  // Start-up: three instances at the same moment on the empty database.
  const startedAt = Date.now();
  const instances = await Promise.all(ports.map(startInstance));
  await balancer.waitUntilAllUp();
  const readyMs = Date.now() - startedAt;
  const journal = JSON.parse(readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: unknown[] };
  const check = postgres(direct, { max: 1, onnotice: () => {} });
  const [applied] = await check<{ rows: number; distinct: number }[]>`select count(*)::int as rows, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`;
  const [locks] = await check<{ count: number }[]>`select count(*)::int as count from pg_locks where locktype = 'advisory'`;
  await check.end();
  const startup = sampler.take();
  columns["start-up"] = {
    "migrations applied (of the journal's)": `${applied?.rows} (${journal.entries.length})`,
    "advisory locks left": locks?.count ?? -1,
    "most connections of one instance": startup.mostPerInstance,
    "most PostgreSQL client backends": startup.backends,
    "recovery (s)": Number((readyMs / 1000).toFixed(1)),
  };
  expectThat(applied?.rows === journal.entries.length && applied.distinct === applied.rows, `migrations applied: ${JSON.stringify(applied)}, expected ${journal.entries.length} once each`);
  expectThat(locks?.count === 0, `${locks?.count} advisory locks were left behind by the migrations`);
  expectThat(startup.mostPerInstance <= BUDGET, `start-up: an instance held ${startup.mostPerInstance} connections (budget ${BUDGET})`);

  /**
   * Runs `fault` under load through HAProxy from `workers` clients, with an account of the
   * phase's own; `allowed` says which failed outcomes the fault explains.
   */
  const phase = async (name: string, fault: () => Promise<Fault>, allowed: (outcome: Outcome, fault: Fault) => boolean, workers = WORKERS) => {
    const { cookie } = await signUpOverHttp(balancer.url);
    const prefix = `cluster-${name.replace(/\W+/g, "-")}`;
    sampler.take();
    let stop = false;
    const load = runLoad({ baseUrl: balancer.url, cookie, workers, prefix, until: () => stop });
    await sleep(2_000);
    const times = await fault();
    await sleep(5_000);
    stop = true;
    const { outcomes, acknowledged } = await load;
    const lost = await missingWrites(direct, prefix, acknowledged);
    const connections = sampler.take();
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    const byStatus = new Map<string, number>();
    for (const outcome of failed) byStatus.set(String(outcome.status ?? outcome.error), (byStatus.get(String(outcome.status ?? outcome.error)) ?? 0) + 1);
    const unexplained = failed.filter((outcome) => !allowed(outcome, times));
    const hung = count(outcomes, (outcome) => outcome.error === "TIMEOUT");
    const firstSuccess = outcomes.filter((outcome) => outcome.status === 200 && outcome.at >= times.ended).sort((a, b) => a.at - b.at)[0];
    const recoveryMs = firstSuccess ? firstSuccess.at - times.ended : Number.POSITIVE_INFINITY;
    columns[name] = {
      clients: workers,
      requests: outcomes.length,
      "errors by status": [...byStatus].map(([status, number]) => `${status}: ${number}`).join(", ") || "none",
      "errors the fault does not explain": unexplained.length,
      "acknowledged writes": acknowledged.length,
      "acknowledged writes found": acknowledged.length - lost.length,
      [`hung (no answer in ${REQUEST_TIMEOUT_MS / 1000} s)`]: hung,
      "slowest request (ms)": Math.max(...outcomes.map((outcome) => outcome.ms)),
      "most connections of one instance": connections.mostPerInstance,
      "most PostgreSQL client backends": connections.backends,
      "recovery (s)": Number((recoveryMs / 1000).toFixed(2)),
    };
    expectThat(lost.length === 0, `${name}: ${lost.length} acknowledged writes are missing: ${lost.slice(0, 5).join(", ")}`);
    expectThat(unexplained.length === 0, `${name}: ${unexplained.length} failures the fault does not explain: ${JSON.stringify(unexplained.slice(0, 3))}`);
    expectThat(hung === 0, `${name}: ${hung} requests hung past ${REQUEST_TIMEOUT_MS / 1000} s`);
    expectThat(connections.mostPerInstance <= BUDGET, `${name}: an instance held ${connections.mostPerInstance} connections (budget ${BUDGET})`);
    expectThat(recoveryMs <= RECOVERY_LIMIT_MS, `${name}: the first success came ${recoveryMs} ms after the fault ended (limit ${RECOVERY_LIMIT_MS})`);
  };

  // A killed instance loses what it had in flight, which HAProxy answers 502 (or cuts off, when
  // the answer had begun); anything sent after it died must succeed on the others.
  await phase(
    "kill -9",
    async () => {
      const victim = instances[0]!;
      const began = Date.now();
      process.kill(victim.pid, "SIGKILL");
      await victim.stop();
      // Until its exit is seen, the instance may still have accepted a request.
      const dead = Date.now();
      await sleep(2_000);
      instances[0] = await startInstance(ports[0]!);
      await balancer.waitUntilAllUp();
      return { began, ended: dead };
    },
    (outcome, { ended }) => (outcome.status === 502 || outcome.error === "ECONNRESET") && outcome.sentAt < ended,
  );

  // A deploy: each instance drains (readiness 503, then the listener closes); nothing may fail.
  await phase(
    "rolling SIGTERM",
    async () => {
      const began = Date.now();
      for (const [index, port] of ports.entries()) {
        const exitCode = await instances[index]!.stop();
        expectThat(exitCode === 0, `rolling SIGTERM: instance ${index} exited with ${exitCode}`);
        instances[index] = await startInstance(port);
        await balancer.waitUntilAllUp();
      }
      return { began, ended: Date.now() };
    },
    () => false,
  );

  // The database goes away: 503 (retry later) until it is back, nothing else.
  await phase(
    "database restart",
    async () => {
      const began = Date.now();
      await database.stop();
      await sleep(4_000);
      await database.start();
      return { began, ended: Date.now() };
    },
    (outcome) => outcome.status === 503,
  );

  // Overload: every write (and read) of tasks waits on the lock, from more clients than the
  // pools hold; requests answer 503 at the app's 4 s deadline, and no pool may grow meanwhile.
  await phase(
    "table locked 12 s",
    async () => {
      const locker = postgres(direct, { max: 1, onnotice: () => {} });
      let began = 0;
      await locker.begin(async (sql) => {
        await sql`lock table app.tasks in access exclusive mode`;
        began = Date.now();
        await sleep(12_000);
      });
      const ended = Date.now();
      await locker.end();
      return { began, ended };
    },
    (outcome) => outcome.status === 503,
    OVERLOAD_WORKERS,
  );
} catch (error) {
  // The figures so far are still printed.
  expectThat(false, `the check stopped: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  for (const instance of instancesEver) await instance.stop();
  for (const step of teardown) await step();
}

// What the instances logged that is a defect, printed so that a failed run says why: a 500
// (the app logs it as a JSON line), or an error Next.js printed as text, such as an uncaught
// exception or unhandled rejection, which it logs and carries on (postgres.js 3.4.x logged one
// here during the database restart: porsager/postgres#1154).
const isDefect = (line: string) => {
  try {
    const entry = JSON.parse(line) as { event?: string; code?: string };
    return entry.event === "auth.error" || (entry.event === "trpc.error" && entry.code === "INTERNAL_SERVER_ERROR");
  } catch {
    return /error|uncaught|unhandled|⨯/i.test(line);
  }
};
const defects = instancesEver.flatMap((instance) => instance.output().split("\n").filter(isDefect));
expectThat(defects.length === 0, `the instances logged ${defects.length} errors:\n${defects.slice(0, 5).join("\n")}`);

console.log(
  `\nCluster: 3 instances (DATABASE_POOL_MAX=${POOL_MAX}, budget ${BUDGET} connections each: pool + LISTEN + migration) behind HAProxy,` +
    ` through PgBouncer (transaction mode); recovery = first success after the fault ended (start-up: until all three are ready)`,
);
// One row per figure, one column per phase.
const figures = [...new Set(Object.values(columns).flatMap((column) => Object.keys(column)))];
console.table(Object.fromEntries(figures.map((figure) => [figure, Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, column[figure] ?? ""]))])));
finish();
