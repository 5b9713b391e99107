import postgres from "postgres";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { startPrivatePostgres, type PrivatePostgres } from "@/test/private-postgres";
import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/**
 * A database restart under load, on a private PostgreSQL server this file may stop: requests
 * and pages fail fast (503) while it is down, the app recovers by itself, and its one pool never holds
 * more connections than DATABASE_POOL_MAX (plus one for migrations).
 */

const POOL_MAX = 3;
const postgresUrl = inject("serverTestPostgresUrl");
const undo: (() => Promise<void> | void)[] = [];
let database: PrivatePostgres;
let server: ProductionServer;

beforeAll(async () => {
  if (!postgresUrl) return;
  database = await startPrivatePostgres({ directoryPrefix: "tasks-restart-", settings: {}, cleanup: { defer: (_, step) => void undo.push(step) } });
  server = await startProductionServer({
    postgresUrl: database.url,
    env: { DATABASE_POOL_MAX: String(POOL_MAX), RATE_LIMIT_MULTIPLIER: "100" },
  });
});

afterAll(async () => {
  await server?.stop();
  for (const step of undo.reverse()) await step();
});

interface Outcome {
  status: number;
  ms: number;
  /** When it was answered (ms since the epoch). */
  at: number;
}

/** Creates and lists from `workers` loops until `done()`, like clients of the app. */
async function load(cookie: string, workers: number, done: () => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const headers = { cookie, origin: server.baseUrl, "content-type": "application/json" };
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let sequence = 0; !done(); sequence++) {
        const started = Date.now();
        const response =
          sequence % 2 === 0
            ? await fetch(`${server.baseUrl}/api/trpc/task.create`, { method: "POST", headers, body: JSON.stringify({ json: { title: `w${worker}-${sequence}` } }) })
            : await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers });
        await response.arrayBuffer();
        outcomes.push({ status: response.status, ms: Date.now() - started, at: Date.now() });
        if (response.status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }),
  );
  return outcomes;
}

const statuses = (outcomes: Outcome[]) => [...new Set(outcomes.map((outcome) => outcome.status))].sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.runIf(postgresUrl)("after a database restart the app recovers by itself, answering 503 meanwhile, within its connection budget", { timeout: 120_000 }, async () => {
  const account = await signUpOverHttp(server.baseUrl);
  // Counts the app's connections on the server, reconnecting after the restart.
  const watcher = postgres(database.url, { max: 1, backoff: () => 0, onnotice: () => {} });
  let most = 0;
  const sampler = setInterval(() => {
    void watcher<{ count: number }[]>`select count(*)::int as count from pg_stat_activity where application_name = 'tasks'`
      .then(([row]) => (most = Math.max(most, row?.count ?? 0)))
      .catch(() => undefined);
  }, 50);
  try {
    let phase: "before" | "down" | "after" = "before";
    const running = load(account.cookie, 8, () => phase === "after");
    await sleep(2_000);
    await database.stop();
    phase = "down";
    const outage = load(account.cookie, 4, () => phase !== "down");
    const signIn = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    const page = await fetch(`${server.baseUrl}/tasks`, { headers: { cookie: account.cookie }, redirect: "manual" });
    await sleep(3_000);
    const startingAt = Date.now();
    await database.start();
    const restartedAt = Date.now();
    phase = "after";
    const [during, outageOutcomes] = await Promise.all([running, outage]);
    const down = outageOutcomes.filter((outcome) => outcome.at < startingAt);

    expect(signIn.status).toBe(503);
    expect(signIn.headers.get("retry-after")).toBe("5");
    // A page says what is going on, as a 503 a load balancer or monitor understands.
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    expect(await page.text()).toContain("We cannot reach our database right now");
    // While the server is down: 503 and nothing else, each within the request deadline.
    expect(down.length).toBeGreaterThan(10);
    expect(statuses(down)).toEqual([503]);
    expect(Math.max(...down.map((outcome) => outcome.ms))).toBeLessThan(4_500);
    expect(statuses(during).every((code) => code === 200 || code === 503)).toBe(true);

    // Back within seconds, without a restart of the app.
    let recovered = false;
    while (!recovered) {
      expect(Date.now() - restartedAt).toBeLessThan(10_000);
      const response = await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers: { cookie: account.cookie } });
      recovered = response.status === 200;
      if (!recovered) await sleep(100);
    }
    phase = "before";
    let again = false;
    const after = await Promise.all([load(account.cookie, 8, () => again), sleep(2_000).then(() => (again = true))]);
    expect(statuses(after[0])).toEqual([200]);
    expect((await fetch(`${server.baseUrl}/tasks`, { headers: { cookie: account.cookie }, redirect: "manual" })).status).toBe(200);

    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(POOL_MAX + 1);
    expect(server.output()).not.toMatch(/uncaught|unhandled/i);
  } finally {
    clearInterval(sampler);
    await watcher.end({ timeout: 1 });
  }
});
