import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { niceOf, processTree, schedulingPolicyOf } from "@/test/process-tree";
import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

import { MAX_AUTH_BODY_BYTES } from "./auth-process";

/** `/api/auth/*` answered by the low-priority auth process, on the production server over PostgreSQL. */

const postgresUrl = inject("serverTestPostgresUrl");
let server: ProductionServer;
let stopped = false;

beforeAll(async () => {
  if (!postgresUrl) return;
  server = await startProductionServer({ postgresUrl });
});

afterAll(async () => {
  if (!stopped) await server?.stop();
});

/** The server's auth processes, by their command line (Next.js may start processes of its own). */
function authProcesses(): number[] {
  return processTree(server.pid).filter((pid) => {
    try {
      return pid !== server.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("auth-process-entry.ts");
    } catch {
      return false; // it ended meanwhile
    }
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;
// Whether this machine lets a process put itself under SCHED_IDLE (chrt from util-linux).
const idlePolicyAvailable = spawnSync("chrt", ["--idle", "0", "true"], { stdio: "ignore" }).status === 0;

// A PGlite directory is one process's: there Next.js serves auth itself, on the event loop.
test.runIf(postgresUrl)("auth runs in one child process whose every thread is at the lowest priority; the server's are normal", async () => {
  await signUpOverHttp(server.baseUrl);
  const children = authProcesses();
  expect(children).toHaveLength(1);
  const [child] = children as [number];
  const threads = readdirSync(`/proc/${child}/task`);
  expect(threads.length).toBeGreaterThan(1);
  expect(threads.map((tid) => niceOf(`${child}/task/${tid}`))).toEqual(threads.map(() => 19));
  const policy = idlePolicyAvailable ? SCHED_IDLE : SCHED_OTHER;
  expect(threads.map((tid) => schedulingPolicyOf(`${child}/task/${tid}`))).toEqual(threads.map(() => policy));
  expect(niceOf(server.pid)).toBe(0);
  expect(schedulingPolicyOf(server.pid)).toBe(SCHED_OTHER);
});

test.runIf(postgresUrl)("a sign-up body over the limit is refused with 413 and creates no account", async () => {
  const email = `too-large-${Date.now()}@example.com`;
  const response = await fetch(`${server.baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ name: "x".repeat(MAX_AUTH_BODY_BYTES), email, password: "a long enough password" }),
  });
  expect(response.status).toBe(413);
  expect(await response.json()).toEqual({ code: "PAYLOAD_TOO_LARGE", message: "Request bodies are limited to 100 kB." });
  const signIn = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ email, password: "a long enough password" }),
  });
  expect(signIn.status).toBe(401);
});

test.runIf(postgresUrl)("responses from the auth process keep every cookie and the app's headers", async () => {
  const response = await fetch(`${server.baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ name: "Headers", email: `headers-${Date.now()}@example.com`, password: "a long enough password" }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith("better-auth.session_token="))).toBe(true);
  expect(response.headers.get("set-auth-token")).toBeTruthy();
  expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
});

test.runIf(postgresUrl)("a killed auth process is replaced and sign-ins work again; sessions it made stay valid", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  const [before] = authProcesses() as [number];
  process.kill(before, "SIGKILL");
  const deadline = Date.now() + 30_000;
  let status = 0;
  let unavailable = 0;
  while (Date.now() < deadline) {
    const response = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    status = response.status;
    if (status === 200) break;
    expect(status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    unavailable += 1;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(status).toBe(200);
  // The replacement starts 1 s after the crash: sign-ins meanwhile are told to retry.
  expect(unavailable).toBeGreaterThan(0);
  const after = authProcesses();
  expect(after).toHaveLength(1);
  expect(after).not.toContain(before);
  expect((await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers: { cookie: account.cookie } })).status).toBe(200);
  expect(server.output()).toContain('"event":"auth.process.exited"');
});

test.runIf(postgresUrl)("SIGTERM ends the auth process with the server", async () => {
  const children = authProcesses();
  expect(children.length).toBeGreaterThan(0);
  stopped = true;
  expect(await server.stop()).toBe(0);
  expect(children.filter(isRunning)).toEqual([]);
});
