import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** The passkey endpoints' limits over HTTP; signing in with one is the browser test's (src/e2e/passkeys.test.ts). */

let server: ProductionServer;

beforeAll(async () => {
  // The test is the trusted proxy: each rule is tried from an address of its own.
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env: { TRUSTED_PROXIES: "127.0.0.1,::1" } });
});

afterAll(() => server.stop());

function call(path: string, { address, body, cookie }: { address: string; body?: unknown; cookie?: string }) {
  return fetch(`${server.baseUrl}/api/auth${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      origin: server.baseUrl,
      "x-forwarded-for": address,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(cookie ? { cookie } : {}),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

async function statuses(count: number, request: () => Promise<Response>) {
  const seen: number[] = [];
  for (let attempt = 0; attempt < count; attempt++) seen.push((await request()).status);
  return seen;
}

test("a sign-in challenge is handed out 30 times a minute per address", async () => {
  const seen = await statuses(31, () => call("/passkey/generate-authenticate-options", { address: "203.0.113.31" }));
  expect(seen.slice(0, 30)).toEqual(Array(30).fill(200));
  expect(seen[30]).toBe(429);
});

test("passkey sign-ins are answered 10 times a minute per address", async () => {
  const seen = await statuses(11, () => call("/passkey/verify-authentication", { address: "203.0.113.32", body: { response: {} } }));
  expect(seen.slice(0, 10)).toEqual(Array(10).fill(400));
  expect(seen[10]).toBe(429);
});

test("a passkey's name is limited to 100 characters, like a person's", async () => {
  const { cookie } = await signUpOverHttp(server.baseUrl);
  const response = await call("/passkey/verify-registration", { address: "203.0.113.33", cookie, body: { response: {}, name: "x".repeat(101) } });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { code?: string }).code).toBe("NAME_TOO_LONG");
});

test("passkeys are listed and removed only with a session", async () => {
  expect((await call("/passkey/list-user-passkeys", { address: "203.0.113.34" })).status).toBe(401);
  expect((await call("/passkey/delete-passkey", { address: "203.0.113.34", body: { id: "any" } })).status).toBe(401);
});
