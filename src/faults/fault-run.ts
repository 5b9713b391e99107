/**
 * `npm run faults`: what the production server does when its database goes away, and when
 * it is told to stop, under load. Starts a private PostgreSQL server (stopped and started
 * at will), the production build over it, and a load of creates and reads; prints the
 * figures and exits non-zero when a control failed:
 *
 * 1. Outage: the database is stopped for a few seconds mid-load. Every create acknowledged
 *    with success must be in the database afterwards; errors during the outage must be 503
 *    (never another 5xx); no request may hang; the app must recover within 5 s by itself.
 * 2. Deploy: SIGTERM mid-load. No request the server had taken may fail.
 */
import { parseArgs } from "node:util";

import { startPrivatePostgres } from "@/test/private-postgres";
import { ensureProductionBuild, signUpOverHttp, startProductionServer } from "@/test/production-server";

import { controls, count, missingWrites, REQUEST_TIMEOUT_MS, runLoad } from "./load";

const { values } = parseArgs({
  options: {
    "outage-seconds": { type: "string", default: "4" },
    workers: { type: "string", default: "8" },
    "pg-bin": { type: "string", default: "/usr/lib/postgresql/15/bin" },
  },
});
const outageMs = Number(values["outage-seconds"]) * 1000;
const workers = Number(values.workers);
const RECOVERY_LIMIT_MS = 5_000;
const { expectThat, finish } = controls("Fault run");

await ensureProductionBuild();
// Undoes the private server (stops it, removes its directory), also when it failed to start.
const teardown: (() => Promise<void> | void)[] = [];
try {
  const database = await startPrivatePostgres({
    directoryPrefix: "tasks-faults-pg-",
    // The data is thrown away, and the outage is a clean stop that still hands every
    // acknowledged write to the OS: the writes survive it without fsync.
    settings: { fsync: "off" },
    binDir: values["pg-bin"],
    cleanup: {
      defer(_description, step) {
        // Last registered, first undone.
        teardown.unshift(step);
      },
    },
  });
  // Phase 1: the database goes away under load.
  const server = await startProductionServer({ postgresUrl: database.url, env: { RATE_LIMIT_MULTIPLIER: "1000" } });
  const { cookie } = await signUpOverHttp(server.baseUrl);
  let stopLoad = false;
  const load = runLoad({ baseUrl: server.baseUrl, cookie, workers, prefix: "fault-run", until: () => stopLoad, stopWhenDraining: true });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const outageStarted = Date.now();
  await database.stop();
  await new Promise((resolve) => setTimeout(resolve, outageMs));
  await database.start();
  const databaseBack = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  stopLoad = true;
  const { outcomes, acknowledged } = await load;

  const lost = await missingWrites(server.databaseUrl!, "fault-run", acknowledged);
  const firstSuccessAfterRestart = outcomes.filter((outcome) => outcome.status === 200 && outcome.at >= databaseBack).sort((a, b) => a.at - b.at)[0];
  const recoveryMs = firstSuccessAfterRestart ? firstSuccessAfterRestart.at - databaseBack : Number.POSITIVE_INFINITY;
  const duringOutage = outcomes.filter((outcome) => outcome.at >= outageStarted && outcome.at < databaseBack);
  const other5xx = count(outcomes, (outcome) => (outcome.status ?? 0) >= 500 && outcome.status !== 503);
  const hung = count(outcomes, (outcome) => outcome.error === "TIMEOUT");
  const slowest = Math.max(...outcomes.map((outcome) => outcome.ms));
  await server.stop();

  console.log("\nOutage under load");
  console.table({
    requests: outcomes.length,
    "acknowledged writes": acknowledged.length,
    "acknowledged writes found": acknowledged.length - lost.length,
    "answered during the outage": duringOutage.length,
    "503 responses": count(outcomes, (outcome) => outcome.status === 503),
    "5xx other than 503": other5xx,
    "other failures": count(outcomes, (outcome) => outcome.error !== undefined),
    "hung past 10 s": hung,
    "slowest request (ms)": slowest,
    "recovery after the database returned (s)": Number((recoveryMs / 1000).toFixed(2)),
  });
  expectThat(lost.length === 0, `${lost.length} acknowledged writes are missing: ${lost.slice(0, 5).join(", ")}`);
  expectThat(other5xx === 0, `${other5xx} responses were 5xx other than 503`);
  expectThat(duringOutage.some((outcome) => outcome.status === 503), "no request was answered 503 during the outage");
  expectThat(duringOutage.every((outcome) => outcome.status === 503 || outcome.status === 200), "a request during the outage was answered with neither 200 nor 503");
  const hungDetails = outcomes
    .filter((outcome) => outcome.error === "TIMEOUT")
    .map((outcome) => `${outcome.path} sent ${((outcome.sentAt - outageStarted) / 1000).toFixed(1)} s after the outage began`);
  expectThat(hung === 0, `${hung} requests hung past ${REQUEST_TIMEOUT_MS / 1000} s: ${hungDetails.join("; ")}`);
  expectThat(recoveryMs <= RECOVERY_LIMIT_MS, `recovery took ${recoveryMs} ms (limit ${RECOVERY_LIMIT_MS})`);

  // Phase 2: SIGTERM under load.
  const deploying = await startProductionServer({ postgresUrl: database.url, env: { RATE_LIMIT_MULTIPLIER: "1000" } });
  const session = await signUpOverHttp(deploying.baseUrl);
  let stopped = false;
  const deployLoad = runLoad({ baseUrl: deploying.baseUrl, cookie: session.cookie, workers, prefix: "fault-run", until: () => stopped, stopWhenDraining: true });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const exitCode = await deploying.stop();
  stopped = true;
  const deploy = await deployLoad;
  // The load stops sending once the health check reports the drain, as a load balancer does;
  // everything sent before that must succeed.
  const failedInFlight = count(deploy.outcomes, (outcome) => outcome.error !== undefined && outcome.error !== "ECONNREFUSED");
  const non200 = count(deploy.outcomes, (outcome) => outcome.status !== undefined && outcome.status !== 200);
  console.log("\nSIGTERM under load");
  console.table({
    requests: deploy.outcomes.length,
    "answered 200": count(deploy.outcomes, (outcome) => outcome.status === 200),
    "answered otherwise": non200,
    "failed after being sent (reset, timeout)": failedInFlight,
    "refused (sent after the listener closed)": count(deploy.outcomes, (outcome) => outcome.error === "ECONNREFUSED"),
    "exit code": exitCode,
  });
  expectThat(exitCode === 0, `the server exited with ${exitCode}`);
  expectThat(failedInFlight === 0 && non200 === 0, `${failedInFlight + non200} requests failed during the shutdown`);
} finally {
  for (const step of teardown) await step();
}

finish();
