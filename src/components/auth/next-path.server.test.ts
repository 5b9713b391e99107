import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { OPEN_REDIRECT_FORMS } from "@/test/open-redirects";
import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** The sign-in and sign-up pages' use of `next`, against the production server. */

let server: ProductionServer;
let cookie: string;

beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
  ({ cookie } = await signUpOverHttp(server.baseUrl));
});

afterAll(async () => {
  await server.stop();
});

const PAGES = ["/sign-in", "/sign-up"] as const;

function open(pathname: string, next: string, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}${pathname}?next=${encodeURIComponent(next)}`, { redirect: "manual", headers });
}

test("open redirect: signed in, both pages redirect every bypass form to a path of this site, never to //host or /\\host", async () => {
  for (const pathname of PAGES) {
    for (const next of OPEN_REDIRECT_FORMS) {
      const response = await open(pathname, next, { cookie });
      const location = response.headers.get("location") ?? "";
      const what = `${pathname}?next=${JSON.stringify(next)} → ${response.status} ${location}`;
      expect(response.status, what).toBe(307);
      expect(location, what).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, server.baseUrl).origin, what).toBe(server.baseUrl);
    }
  }
});

test("signed in, both pages still redirect to the page of this site people came from", async () => {
  for (const pathname of PAGES) {
    const response = await open(pathname, "/account", { cookie });
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/account");
  }
});

test("open redirect: signed out, both pages' links to each other never carry a bypass form along", async () => {
  for (const pathname of PAGES) {
    for (const next of OPEN_REDIRECT_FORMS) {
      const response = await open(pathname, next);
      expect(response.status).toBe(200);
      const other = pathname === "/sign-in" ? "/sign-up" : "/sign-in";
      const links = [...(await response.text()).matchAll(new RegExp(`href="(${other}[^"]*)"`, "g"))].map((match) => match[1]);
      expect(links, `${pathname}?next=${JSON.stringify(next)}`).toEqual([other]);
    }
  }
});
