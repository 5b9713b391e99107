import { expect, test } from "vitest";

import { contentSecurityPolicy, HSTS_VALUE, newNonce, pageSecurityHeaders } from "./security-headers";

const page = { nonce: "abc123", development: false, baseUrl: "http://localhost:3000", pathname: "/" };

test("HSTS is sent only when the app's base URL is https", () => {
  expect(pageSecurityHeaders({ ...page, baseUrl: "https://tasks.example.com" })["Strict-Transport-Security"]).toBe(HSTS_VALUE);
  expect(pageSecurityHeaders(page)).not.toHaveProperty("Strict-Transport-Security");
});

test("only development allows inline styles (next dev's overlay); production allows only nonced ones", () => {
  expect(contentSecurityPolicy(page)).toContain("style-src 'self' 'nonce-abc123';");
  expect(contentSecurityPolicy({ ...page, development: true })).toContain("style-src 'self' 'unsafe-inline';");
});

test("only development allows eval", () => {
  expect(contentSecurityPolicy(page)).not.toContain("unsafe-eval");
  expect(contentSecurityPolicy({ ...page, development: true })).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic' 'unsafe-eval'");
});

test("pages showing a person's data are never stored; public pages are left to Next.js", () => {
  expect(pageSecurityHeaders({ ...page, pathname: "/tasks" })["Cache-Control"]).toBe("no-store");
  expect(pageSecurityHeaders({ ...page, pathname: "/account" })["Cache-Control"]).toBe("no-store");
  expect(pageSecurityHeaders({ ...page, pathname: "/account/x" })["Cache-Control"]).toBe("no-store");
  expect(pageSecurityHeaders({ ...page, pathname: "/tasksx" })).not.toHaveProperty("Cache-Control");
  expect(pageSecurityHeaders(page)).not.toHaveProperty("Cache-Control");
});

test("nonces are unpredictable: 128 bits, never repeated", () => {
  const nonces = new Set(Array.from({ length: 1000 }, newNonce));
  expect(nonces.size).toBe(1000);
  for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
});
