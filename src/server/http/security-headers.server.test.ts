import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** The headers as the production server really sends them (proxy, next.config.ts, Next.js). */

let server: ProductionServer;
let cookie: string;

beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
  ({ cookie } = await signUpOverHttp(server.baseUrl));
});

afterAll(async () => {
  await server.stop();
});

function get(path: string, signedIn = false) {
  return fetch(`${server.baseUrl}${path}`, { headers: signedIn ? { cookie } : {}, redirect: "manual" });
}

function cspNonce(csp: string | null): string {
  const match = csp?.match(/script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'(;|$)/);
  if (!match?.[1]) throw new Error(`no nonce in script-src of: ${csp}`);
  return match[1];
}

function directives(csp: string | null): Map<string, string> {
  return new Map(
    (csp ?? "").split(";").map((directive) => {
      const [name = "", ...values] = directive.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
}

test.each([
  ["/", false],
  ["/sign-in", false],
  ["/sign-up", false],
  ["/tasks", true],
  ["/account", true],
])("%s has a strict Content-Security-Policy", async (path, signedIn) => {
  const response = await get(path, signedIn);
  expect(response.status).toBe(200);
  const csp = response.headers.get("content-security-policy");
  const nonce = cspNonce(csp);
  const policy = directives(csp);
  expect(policy.get("script-src")).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
  expect(policy.get("style-src")).toBe(`'self' 'nonce-${nonce}'`);
  expect(policy.get("frame-ancestors")).toBe("'none'");
  expect(policy.get("object-src")).toBe("'none'");
  expect(policy.get("base-uri")).toBe("'self'");
  expect(policy.get("form-action")).toBe("'self'");
  expect(policy.get("connect-src")).toBe("'self'");
  expect(policy.get("img-src")).toBe("'self' data:");
  expect(policy.get("default-src")).toBe("'self'");

  // Every script of the page carries this request's nonce; none runs without it.
  const html = await response.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
});

test("every page load gets a new nonce", async () => {
  const [first, second] = await Promise.all([get("/sign-in"), get("/sign-in")]);
  const [a, b] = [cspNonce(first.headers.get("content-security-policy")), cspNonce(second.headers.get("content-security-policy"))];
  expect(a).not.toBe(b);
  expect(await second.text()).toContain(`nonce="${b}"`);
});

test.each([
  ["/", false],
  ["/tasks", true],
  ["/api/health", false],
  ["/api/trpc/task.stats", true],
  ["/api/auth/get-session", true],
])("%s sends nosniff and a referrer policy, and no HSTS over http", async (path, signedIn) => {
  const response = await get(path, signedIn);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(response.headers.get("strict-transport-security")).toBeNull();
});

test.each(["/tasks", "/account"])("%s, a signed-in page, may not be stored", async (path) => {
  const response = await get(path, true);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toContain("no-store");
});

test("the API's answers may not be stored", async () => {
  const response = await get("/api/trpc/task.stats", true);
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toContain("no-store");
});

test("served over https, pages and the API both send HSTS", async () => {
  // The base URL is what the app is served at behind a TLS-terminating proxy; the test talks to it directly.
  const https = await startProductionServer({
    postgresUrl: inject("serverTestPostgresUrl"),
    env: { BETTER_AUTH_URL: "https://tasks.example.com" },
  });
  try {
    for (const path of ["/sign-in", "/api/health", "/api/trpc/task.list"]) {
      const response = await fetch(`${https.baseUrl}${path}`, { redirect: "manual" });
      expect(response.headers.get("strict-transport-security"), path).toBe("max-age=63072000; includeSubDomains");
    }
  } finally {
    await https.stop();
  }
});
