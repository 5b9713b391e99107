import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** Which browsers may call the production server from which origins, with real HTTP. */

const TRUSTED = "https://admin.example.com";
const UNTRUSTED = "https://evil.example";

let server: ProductionServer;
let account: Awaited<ReturnType<typeof signUpOverHttp>>;

beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env: { TRUSTED_ORIGINS: `${TRUSTED}, https://other.example.com` } });
  account = await signUpOverHttp(server.baseUrl);
});

afterAll(() => server.stop());

function preflight(path: string, origin: string) {
  return fetch(`${server.baseUrl}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
}

function createTask(origin: string, title: string) {
  return fetch(`${server.baseUrl}/api/trpc/task.create`, {
    method: "POST",
    headers: { origin, cookie: account.cookie, "content-type": "application/json" },
    body: JSON.stringify({ json: { title } }),
  });
}

async function titles(): Promise<string[]> {
  const response = await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers: { cookie: account.cookie } });
  const body = (await response.json()) as { result: { data: { json: { items: { title: string }[] } } } };
  return body.result.data.json.items.map((task) => task.title);
}

test.each(["/api/trpc/task.create", "/api/auth/sign-in/email"])("a trusted origin's preflight to %s is allowed with credentials", async (path) => {
  const response = await preflight(path, TRUSTED);
  expect(response.status).toBe(204);
  expect(response.headers.get("access-control-allow-origin")).toBe(TRUSTED);
  expect(response.headers.get("access-control-allow-credentials")).toBe("true");
  expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  expect(response.headers.get("access-control-allow-headers")).toContain("content-type");
});

test("a trusted origin's cookie-carrying mutation succeeds, with CORS headers on the response", async () => {
  const response = await createTask(TRUSTED, "from the admin app");
  expect(response.status).toBe(200);
  expect(response.headers.get("access-control-allow-origin")).toBe(TRUSTED);
  expect(response.headers.get("access-control-allow-credentials")).toBe("true");
  expect(response.headers.get("access-control-expose-headers")).toContain("set-auth-token");
  expect(await titles()).toContain("from the admin app");
});

test.each(["/api/trpc/task.create", "/api/auth/sign-in/email"])("an untrusted origin's preflight to %s gets no CORS headers", async (path) => {
  const response = await preflight(path, UNTRUSTED);
  for (const [name] of response.headers) expect(name).not.toMatch(/^access-control-/);
});

test("an untrusted origin's cookie-carrying mutation is refused and changes nothing", async () => {
  const response = await createTask(UNTRUSTED, "planted by another site");
  expect(response.status).toBe(403);
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
  expect(await titles()).not.toContain("planted by another site");
});

test("an untrusted origin cannot sign the user out through Better Auth", async () => {
  const response = await fetch(`${server.baseUrl}/api/auth/sign-out`, {
    method: "POST",
    headers: { origin: UNTRUSTED, cookie: account.cookie, "content-type": "application/json" },
    body: "{}",
  });
  expect(response.status).toBe(403);
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
  expect(await titles()).toContain("from the admin app");
});

test("an untrusted origin's read gets no CORS headers, so its page cannot read the answer", async () => {
  const response = await fetch(`${server.baseUrl}/api/trpc/task.list`, { headers: { origin: UNTRUSTED, cookie: account.cookie } });
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
});

test("session cookies are HttpOnly and SameSite=Lax (and not Secure over plain http)", async () => {
  const response = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { origin: server.baseUrl, "content-type": "application/json" },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  const sessionCookie = response.headers.getSetCookie().find((cookie) => cookie.includes("session_token="));
  expect(sessionCookie).toMatch(/HttpOnly/i);
  expect(sessionCookie).toMatch(/SameSite=Lax/i);
  expect(sessionCookie).not.toMatch(/Secure/i);
});
