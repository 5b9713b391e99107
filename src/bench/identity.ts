/**
 * `npm run bench:identity [-- --pglite] [--iterations N]`: what resolving the caller costs
 * per request, with a JWT (verified locally) and with a session cookie (read from the
 * database), side by side, measured in the same process on the same database.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";

import { createAuth } from "@/server/auth/auth";
import { resolveCaller, resolveSession } from "@/server/auth/session";
import { connectPostgres, openPgliteFromDump, type DatabaseHandle } from "@/server/db/client";
import { migratePglite } from "@/server/db/migrate";

const { values } = parseArgs({
  options: {
    pglite: { type: "boolean", default: false },
    iterations: { type: "string", default: "10000" },
    "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const iterations = Number(values.iterations);
if (!Number.isInteger(iterations) || iterations < 100) throw new Error("--iterations must be a whole number ≥ 100");

async function openDatabase(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void>; label: string }> {
  if (values.pglite) {
    const pglite = await PGlite.create();
    await migratePglite(pglite);
    const dump = await pglite.dumpDataDir("none");
    await pglite.close();
    const handle = await openPgliteFromDump(dump);
    return { handle, drop: () => handle.close(), label: "PGlite (in memory)" };
  }
  const adminUrl = values["database-url"];
  const name = `tasks_bench_identity_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = connectPostgres(url.toString());
  await handle.migrate();
  return {
    handle,
    label: `PostgreSQL at ${url.host}`,
    drop: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

async function measure(run: () => Promise<unknown>): Promise<number[]> {
  for (let warmup = 0; warmup < Math.min(500, iterations / 10); warmup++) await run();
  const durations = new Array<number>(iterations);
  for (let index = 0; index < iterations; index++) {
    const started = performance.now();
    await run();
    durations[index] = performance.now() - started;
  }
  return durations.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const micros = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

const { handle, drop, label } = await openDatabase();
try {
  const baseURL = "http://localhost:3000";
  const auth = createAuth(handle.db, { baseURL, secret: randomBytes(32).toString("hex") });
  const { headers } = await auth.api.signUpEmail({
    body: { name: "Bench", email: "bench@example.com", password: "bench password 123" },
    returnHeaders: true,
  });
  const cookie = new Headers({ cookie: headers.getSetCookie().map((value) => value.split(";")[0]).join("; ") });
  const { token } = await auth.api.getToken({ headers: cookie });
  const jwt = new Headers({ authorization: `Bearer ${token}` });

  const viaJwt = await measure(async () => {
    if (!(await resolveCaller(auth, jwt, () => Promise.resolve(null)))) throw new Error("JWT refused");
  });
  const viaSession = await measure(async () => {
    if (!(await resolveCaller(auth, cookie, () => resolveSession(auth, cookie)))) throw new Error("session refused");
  });

  console.log(`Identity cost per request, ${iterations.toLocaleString("en")} resolutions each, on ${label}\n`);
  console.log("| identity            |   median |      p99 | median vs session |");
  console.log("|---------------------|----------|----------|-------------------|");
  const sessionMedian = quantile(viaSession, 0.5);
  for (const [name, sorted] of [["JWT (local verify)", viaJwt], ["session (database)", viaSession]] as const) {
    const median = quantile(sorted, 0.5);
    console.log(
      `| ${name.padEnd(19)} | ${micros(median).padStart(8)} | ${micros(quantile(sorted, 0.99)).padStart(8)} | ${`${(median / sessionMedian).toFixed(2)}×`.padStart(17)} |`,
    );
  }
} finally {
  await drop();
}
