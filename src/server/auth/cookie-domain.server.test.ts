import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { startProductionServer, type ProductionServer } from "@/test/production-server";

/** AUTH_COOKIE_DOMAIN: the session cookie is offered to every site under that domain. */

let server: ProductionServer;

beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env: { AUTH_COOKIE_DOMAIN: "example.test" } });
});

afterAll(() => server.stop());

test("with AUTH_COOKIE_DOMAIN the session cookie names that domain, so sibling sites receive it", async () => {
  const response = await fetch(`${server.baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ name: "Sibling", email: "sibling@example.com", password: "a long enough password" }),
  });
  expect(response.status).toBe(200);
  const sessionCookie = response.headers.getSetCookie().find((line) => line.startsWith("better-auth.session_token="));
  expect(sessionCookie).toMatch(/; Domain=example\.test(;|$)/i);
  // Still SameSite=Lax and HttpOnly: shared with sibling sites, never with unrelated ones or scripts.
  expect(sessionCookie).toMatch(/; SameSite=Lax/i);
  expect(sessionCookie).toMatch(/; HttpOnly/i);
});

test("without it the cookie stays with the app's own host", async () => {
  const plain = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
  try {
    const response = await fetch(`${plain.baseUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: plain.baseUrl },
      body: JSON.stringify({ name: "Alone", email: "alone@example.com", password: "a long enough password" }),
    });
    expect(response.headers.getSetCookie().join("\n")).not.toMatch(/Domain=/i);
  } finally {
    await plain.stop();
  }
}, 120_000);
