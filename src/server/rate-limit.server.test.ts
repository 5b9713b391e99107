import { request } from "node:http";

import { afterEach, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** Abuse controls that exist only in production, tested against the production server. */

const servers: ProductionServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function start(env: Record<string, string> = {}) {
  const server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env });
  servers.push(server);
  return server;
}

/** A failed sign-in for an address that exists nowhere: only the per-address limit applies. */
function signInAttempt(server: ProductionServer, index: number, forwardedFor?: string) {
  return fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: server.baseUrl,
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
    body: JSON.stringify({ email: `nobody-${index}@example.com`, password: "wrong password" }),
  });
}

const SIGN_IN_LIMIT = 10;

test("sign-in attempts are limited per address, and a forged X-Forwarded-For does not reset the count", async () => {
  const server = await start();
  for (let index = 0; index < SIGN_IN_LIMIT; index++) {
    expect((await signInAttempt(server, index, `198.51.100.${index}`)).status).toBe(401);
  }
  const limited = await signInAttempt(server, 99, "203.0.113.250");
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
});

test("behind a trusted proxy, X-Forwarded-For names the client and each client has its own count", async () => {
  const server = await start({ TRUSTED_PROXIES: "127.0.0.1, ::1" });
  for (let index = 0; index < SIGN_IN_LIMIT; index++) {
    expect((await signInAttempt(server, index, "198.51.100.1")).status).toBe(401);
  }
  expect((await signInAttempt(server, 50, "198.51.100.1")).status).toBe(429);
  // Another client behind the same proxy is unaffected; a prepended forgery changes nothing.
  expect((await signInAttempt(server, 51, "198.51.100.2")).status).toBe(401);
  expect((await signInAttempt(server, 52, "198.51.100.2, 198.51.100.1")).status).toBe(429);
});

interface Outcome {
  status?: number;
  error?: string;
}

function listTasks(server: ProductionServer, cookie: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(server.baseUrl);
    // One connection per request (no keep-alive pool), as separate clients would.
    const call = request({ hostname, port, path: "/api/trpc/task.list", headers: { cookie }, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode }));
    });
    call.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    call.end();
  });
}

test("on SIGTERM the server finishes the requests in flight, refuses new ones, and exits 0", async () => {
  const server = await start({ SHUTDOWN_DELAY_MS: "2000" });
  const { cookie } = await signUpOverHttp(server.baseUrl);
  const inFlight = Array.from({ length: 40 }, () => listTasks(server, cookie));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const exited = server.stop();
  // While draining, the health check tells load balancers to go elsewhere (as soon as the
  // busy server has handled the signal).
  let health = 200;
  for (let poll = 0; poll < 30 && health === 200; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    health = (await fetch(`${server.baseUrl}/api/health`)).status;
  }
  expect(health).toBe(503);

  const outcomes = await Promise.all(inFlight);
  expect(await exited).toBe(0);
  servers.splice(servers.indexOf(server), 1);
  expect(outcomes).toEqual(Array.from({ length: 40 }, () => ({ status: 200 })));
  // Once it has stopped, connections are refused.
  expect((await listTasks(server, cookie)).error).toBe("ECONNREFUSED");
});
