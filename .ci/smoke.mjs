// Smoke test of the production build over real HTTP: sign-up → create task → list.
// Usage: node .ci/smoke.mjs [--postgres URL]   (default: a fresh PGlite directory)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import postgres from "postgres";

const serverUrlArg = process.argv.indexOf("--postgres");
const adminUrl = serverUrlArg === -1 ? null : process.argv[serverUrlArg + 1];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function check(condition, message) {
  if (!condition) throw new Error(`smoke: ${message}`);
}

async function waitForHealth(baseUrl, server) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`smoke: server exited with ${server.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return response.json();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("smoke: server not healthy within 60 s");
}

const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const dataParent = mkdtempSync(join(tmpdir(), "tasks-smoke-"));
const databaseName = `tasks_smoke_${randomBytes(6).toString("hex")}`;
const admin = adminUrl ? postgres(adminUrl, { max: 1, onnotice: () => {} }) : null;
let databaseUrl;
if (admin) {
  await admin.unsafe(`create database "${databaseName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
}

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  HOST: "127.0.0.1",
  PORT: String(port),
  BETTER_AUTH_SECRET: randomBytes(32).toString("base64"),
  BETTER_AUTH_URL: baseUrl,
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DATA_DIR: join(dataParent, "pglite") }),
};
// What `npm start` runs, started directly so the pid (for SIGTERM) is the server's own.
const server = spawn(process.execPath, [".next/tasks-server.mjs"], {
  env,
  stdio: ["ignore", "inherit", "inherit"],
});

try {
  const health = await waitForHealth(baseUrl, server);
  check(health.database === "ok", `health said ${JSON.stringify(health)}`);

  const email = `smoke-${Date.now()}@example.com`;
  const signUp = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ name: "Smoke Test", email, password: "smoke test password" }),
  });
  check(signUp.ok, `sign-up answered ${signUp.status}: ${await signUp.clone().text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  check(cookie.includes("session_token"), "sign-up set no session cookie");

  const create = await fetch(`${baseUrl}/api/trpc/task.create`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: baseUrl },
    body: JSON.stringify({ json: { title: "Smoke-tested task" } }),
  });
  check(create.ok, `task.create answered ${create.status}: ${await create.clone().text()}`);

  const list = await fetch(`${baseUrl}/api/trpc/task.list`, { headers: { cookie } });
  check(list.ok, `task.list answered ${list.status}`);
  const { result } = await list.json();
  const titles = result.data.json.items.map((task) => task.title);
  check(titles.length === 1 && titles[0] === "Smoke-tested task", `task.list returned ${JSON.stringify(titles)}`);

  const anonymous = await fetch(`${baseUrl}/api/trpc/task.list`);
  check(anonymous.status === 401, `task.list without a session answered ${anonymous.status}`);

  server.kill("SIGTERM");
  const exitCode = await new Promise((resolve) => server.once("exit", resolve));
  check(exitCode === 0, `the server exited with ${exitCode} on SIGTERM`);
  console.log(`smoke: ok on ${databaseUrl ? "PostgreSQL" : "PGlite"} (sign-up, task.create, task.list, 401 without session, clean SIGTERM)`);
} finally {
  if (server.exitCode === null) server.kill("SIGKILL");
  rmSync(dataParent, { recursive: true, force: true });
  if (admin) {
    await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
  }
}
