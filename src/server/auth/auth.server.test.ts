import { request as httpRequest } from "node:http";

import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** Defects found by attacking the production build, each checked against the production server. */

let server: ProductionServer;

beforeAll(async () => {
  // Addresses come from X-Forwarded-For (the test is the trusted proxy), so a burst can come
  // from many addresses, as an attacker's would.
  server = await startProductionServer({
    postgresUrl: inject("serverTestPostgresUrl"),
    env: { TRUSTED_PROXIES: "127.0.0.1,::1" },
  });
});

afterAll(() => server.stop());

let addressCount = 0;
const nextAddress = () => `198.51.100.${(addressCount += 1) % 250}`;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl, "x-forwarded-for": nextAddress(), ...headers },
    body: JSON.stringify(body),
  });
}

/** A request whose path is sent exactly as written (fetch would resolve the dot segments). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const url = new URL(server.baseUrl);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("regression: JWT calls keep working after pages have been rendered", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  // Before the fix, the first page render left an auth instance that the API's bundle could
  // not find a JWT verifier for, and every JWT call answered 500 until a restart.
  for (const page of ["/", "/sign-in", "/tasks"]) {
    expect((await fetch(`${server.baseUrl}${page}`, { headers: { cookie: account.cookie }, redirect: "manual" })).status).toBeLessThan(500);
  }
  const token = await fetch(`${server.baseUrl}/api/auth/token`, { headers: { cookie: account.cookie } });
  const { token: jwt } = (await token.json()) as { token: string };
  const list = await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers: { authorization: `Bearer ${jwt}` } });
  expect(list.status).toBe(200);
});

test("regression: a burst of parallel guesses from many addresses gets no more than the free failures checked", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  const startedAt = Date.now();
  const statuses = await Promise.all(
    Array.from({ length: 24 }, async (_, index) => (await post("/api/auth/sign-in/email", { email: account.email, password: `wrong guess ${index}` })).status),
  );
  const seconds = Math.floor((Date.now() - startedAt) / 1000);
  // 5 free failures (the production default), then waits of 1 s, 2 s, 4 s …: a burst lasting
  // `seconds` can have at most that many more checked. Before the fix all 24 were.
  expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5 + seconds);
  const right = await post("/api/auth/sign-in/email", { email: account.email, password: account.password });
  expect(right.status).toBe(429);
  expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
});

test("regression: a session holder cannot test passwords: verify-password is off, change-password is throttled", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  const session = { cookie: account.cookie };
  expect((await post("/api/auth/verify-password", { password: account.password }, session)).status).toBe(404);
  const startedAt = Date.now();
  const statuses = await Promise.all(
    Array.from({ length: 12 }, async (_, guess) => {
      const response = await post("/api/auth/change-password", { currentPassword: `guess ${guess}`, newPassword: "a new long passphrase" }, session);
      return response.status;
    }),
  );
  // Before the fix every guess was checked (400); now only the free ones, and one more per
  // doubling wait the burst lasted.
  const seconds = Math.floor((Date.now() - startedAt) / 1000);
  expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(5 + seconds);
  expect(statuses).toContain(429);
});

test("regression: tokens and personal data are never cacheable", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  for (const path of ["/api/auth/token", "/api/auth/list-sessions", "/api/auth/list-accounts", "/api/auth/get-session", "/api/auth/jwks"]) {
    const response = await fetch(`${server.baseUrl}${path}`, { headers: { cookie: account.cookie } });
    expect(response.status, path).toBe(200);
    expect(response.headers.get("cache-control"), path).toBe("no-store");
  }
});

test("regression: a backend may check sessions far more often than 300 a minute from one address", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  const statuses: number[] = [];
  for (let round = 0; round < 16; round++) {
    const batch = Array.from({ length: 25 }, () =>
      fetch(`${server.baseUrl}/api/auth/get-session`, { headers: { cookie: account.cookie, "x-forwarded-for": "203.0.113.7" } }),
    );
    statuses.push(...(await Promise.all(batch)).map((response) => response.status));
  }
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
}, 120_000);

test("regression: a path with dot segments is served, and rate-limited, as the path it resolves to", async () => {
  const headers = { "content-type": "application/json", origin: server.baseUrl, "x-forwarded-for": "203.0.113.9" };
  const body = JSON.stringify({ email: "nobody-dots@example.com", password: "wrong password" });
  const plain = await rawRequest("POST", "/api/auth/sign-in/email", headers, body);
  const dotted = await rawRequest("POST", "/api/x/../auth/sign-in/email", headers, body);
  expect(dotted.status).toBe(plain.status);
  expect(dotted.headers["cache-control"]).toBe("no-store");
  // Sign-in's limit of 10 a minute per address counts both spellings together.
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 9; attempt++) {
    statuses.push((await rawRequest("POST", attempt % 2 ? "/api/trpc/../auth/sign-in/email" : "/api/auth/sign-in/email", headers, body)).status);
  }
  expect(statuses.at(-1)).toBe(429);
});

test("regression: a 90 kB name is refused at sign-up with a clear message", async () => {
  const response = await post("/api/auth/sign-up/email", { name: "n".repeat(90_000), email: "huge-name@example.com", password: "a long enough password" });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ code: "NAME_TOO_LONG", message: expect.stringContaining("100 characters") });
});
