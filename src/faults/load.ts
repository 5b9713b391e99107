/**
 * What the fault run (`npm run faults`) and the cluster check (`npm run cluster`) share: the
 * load of creates and reads, the check that every acknowledged create is stored, and the
 * list of failed controls.
 */
import { request } from "node:http";

import postgres from "postgres";

/** No request may take longer: the app answers 503 after its 4 s database deadline. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface Outcome {
  path: string;
  status?: number;
  error?: string;
  ms: number;
  /** When it was sent, and when it ended (ms since the epoch). */
  sentAt: number;
  at: number;
}

/** One request on its own connection, as separate clients send them. */
export function call(baseUrl: string, cookie: string, path: string, body?: string): Promise<Outcome> {
  const started = Date.now();
  const sent = { path, sentAt: started };
  return new Promise((resolve) => {
    const fail = (error: NodeJS.ErrnoException) => resolve({ ...sent, error: error.code ?? error.message, ms: Date.now() - started, at: Date.now() });
    const { hostname, port } = new URL(baseUrl);
    const headers: Record<string, string> = { cookie, origin: baseUrl };
    if (body) headers["content-type"] = "application/json";
    const req = request(
      { hostname, port, path, method: body ? "POST" : "GET", headers, agent: false, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ ...sent, status: response.statusCode, ms: Date.now() - started, at: Date.now() }));
        // Cut off after the headers (an instance killed mid-answer): no "end" comes, and
        // without this the load would wait for it forever.
        response.on("error", fail);
      },
    );
    req.on("timeout", () => req.destroy(new Error("TIMEOUT")));
    req.on("error", fail);
    req.end(body);
  });
}

export interface LoadOptions {
  baseUrl: string;
  cookie: string;
  workers: number;
  /** Start of every created title, so the check finds this load's tasks. */
  prefix: string;
  until: () => boolean;
  /**
   * Also stop once the server's health check says it is shutting down, as a load balancer
   * would (for a load sent to one instance directly).
   */
  stopWhenDraining?: boolean;
}

/** Creates and reads from `workers` loops until `until()`; remembers every acknowledged create. */
export async function runLoad({ baseUrl, cookie, workers, prefix, until, stopWhenDraining = false }: LoadOptions) {
  const outcomes: Outcome[] = [];
  const acknowledged: string[] = [];
  let sequence = 0;
  let draining = false;
  const watcher = stopWhenDraining
    ? setInterval(() => {
        void fetch(`${baseUrl}/api/health`)
          .then(async (response) => {
            if (response.status === 503 && ((await response.json()) as { status?: string }).status === "shutting-down") draining = true;
          })
          .catch(() => undefined);
      }, 100)
    : undefined;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!until() && !draining) {
        const write = sequence % 2 === 0;
        const title = `${prefix} ${sequence++}`;
        const outcome = write
          ? await call(baseUrl, cookie, "/api/trpc/task.create", JSON.stringify({ json: { title } }))
          : await call(baseUrl, cookie, "/api/trpc/task.list");
        outcomes.push(outcome);
        if (write && outcome.status === 200) acknowledged.push(title);
        // Failures come back at once; pausing keeps the loop from spinning on them.
        if (outcome.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
  clearInterval(watcher);
  return { outcomes, acknowledged };
}

/** The acknowledged titles that are not in `app.tasks` (read as the superuser, past row-level security). */
export async function missingWrites(databaseUrl: string, prefix: string, acknowledged: string[]): Promise<string[]> {
  const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await check<{ title: string }[]>`select title from app.tasks where starts_with(title, ${`${prefix} `})`;
    const stored = new Set(found.map((row) => row.title));
    return acknowledged.filter((title) => !stored.has(title));
  } finally {
    await check.end();
  }
}

export const count = (outcomes: Outcome[], test: (outcome: Outcome) => boolean) => outcomes.filter(test).length;

/** The controls that failed; `finish()` prints them and sets the exit code. */
export function controls(name: string) {
  const failures: string[] = [];
  return {
    expectThat(ok: boolean, message: string) {
      if (!ok) failures.push(message);
    },
    finish() {
      if (failures.length > 0) {
        console.error(`\n${name} FAILED:\n- ${failures.join("\n- ")}`);
        process.exitCode = 1;
      } else {
        console.log(`\n${name} passed.`);
      }
    },
  };
}
