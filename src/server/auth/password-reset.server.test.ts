import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";
import { startTestMailbox, type TestMailbox } from "@/test/smtp";

/** Password reset and the mail endpoints on the production server, with mail over real SMTP. */

let mailbox: TestMailbox;
const servers: ProductionServer[] = [];

beforeAll(async () => {
  mailbox = await startTestMailbox();
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});
afterAll(() => mailbox.stop());

async function start(env: Record<string, string> = {}) {
  const server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env: { SMTP_URL: mailbox.url, ...env } });
  servers.push(server);
  return server;
}

function post(server: ProductionServer, path: string, body: unknown, cookie?: string) {
  return fetch(`${server.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** One request, timed; `answer` is what must not tell a known address from an unknown one. */
async function timed(server: ProductionServer, path: string, body: unknown, answer: (response: Response) => Promise<string>) {
  const started = performance.now();
  const response = await post(server, path, body);
  const shown = await answer(response);
  return { ms: performance.now() - started, answer: `${response.status} ${shown}` };
}

const TRIES = 30;

/**
 * Times `request` for known and unknown addresses, alternating so a slow moment of the machine
 * falls on both sides; the answers must be alike and the medians within 20% of each other.
 */
async function expectIndistinguishable(
  label: string,
  request: (email: string) => Promise<{ ms: number; answer: string }>,
  known: string[],
  unknown: (index: number) => string,
) {
  // Warm both paths up: the first requests compile and connect.
  for (let index = 0; index < 3; index++) {
    await request(`warm-up-${label}-${index}@example.com`);
    await request(known[index]!);
  }
  const knownTimes: number[] = [];
  const unknownTimes: number[] = [];
  const answers = new Set<string>();
  for (let index = 0; index < TRIES; index++) {
    const unknownOne = await request(unknown(index));
    const knownOne = await request(known[index]!);
    unknownTimes.push(unknownOne.ms);
    knownTimes.push(knownOne.ms);
    answers.add(unknownOne.answer).add(knownOne.answer);
  }
  expect([...answers]).toHaveLength(1);
  expect([...answers][0]).toMatch(/^200 /);
  const [knownMedian, unknownMedian] = [median(knownTimes), median(unknownTimes)];
  console.info(`${label} medians over ${TRIES}: known ${knownMedian.toFixed(1)} ms, unknown ${unknownMedian.toFixed(1)} ms`);
  expect(Math.abs(knownMedian - unknownMedian) / Math.min(knownMedian, unknownMedian)).toBeLessThan(0.2);
}

test("reset requests for known and unknown addresses answer alike, in about the same time (medians of 30 within 20%)", async () => {
  const server = await start({ RATE_LIMIT_MULTIPLIER: "1000" });
  const known = await Promise.all(Array.from({ length: TRIES }, () => signUpOverHttp(server.baseUrl)));
  const request = (email: string) =>
    timed(server, "/request-password-reset", { email, redirectTo: "/reset-password" }, (response) => response.text());
  await expectIndistinguishable("reset request", request, known.map((account) => account.email), (index) => `unknown-${index}@example.com`);
  // The known addresses did get their mail, after the answers.
  await mailbox.next(known[TRIES - 1]!.email);
}, 180_000);

test("with verification on, sign-ups with taken and new addresses answer alike, in about the same time (medians of 30 within 20%)", async () => {
  const server = await start({ RATE_LIMIT_MULTIPLIER: "1000", REQUIRE_EMAIL_VERIFICATION: "true" });
  const taken = Array.from({ length: TRIES }, (_, index) => `taken-${index}@example.com`);
  const signUp = (email: string) =>
    timed(server, "/sign-up/email", { name: "Mallory", email, password: "a long passphrase for timing" }, async (response) => {
      // The new account's id and dates differ by nature; what it is made of must not.
      const body = (await response.json()) as { token: unknown; user: Record<string, unknown> };
      return JSON.stringify({ token: body.token, user: Object.keys(body.user).sort(), cookies: response.headers.getSetCookie().length });
    });
  for (const email of taken) await signUp(email);
  await expectIndistinguishable("sign-up", signUp, taken, (index) => `new-${index}@example.com`);
}, 240_000);

test("each mail endpoint has its per-address rate limit", async () => {
  const server = await start();
  const { cookie } = await signUpOverHttp(server.baseUrl);
  const rules: [path: string, limit: number, body: (index: number) => unknown][] = [
    // Different addresses, so the per-account throttle (3 per address) stays out of it.
    ["/request-password-reset", 5, (index) => ({ email: `limit-${index}@example.com`, redirectTo: "/reset-password" })],
    ["/reset-password", 10, (index) => ({ token: `not-a-token-${index}`, newPassword: "a long new passphrase" })],
    ["/send-verification-email", 5, (index) => ({ email: `verify-${index}@example.com` })],
    ["/change-email", 10, (index) => ({ newEmail: `moved-${index}@example.com` })],
  ];
  for (const [path, limit, body] of rules) {
    for (let index = 0; index < limit; index++) {
      expect((await post(server, path, body(index), cookie)).status, `${path} #${index + 1}`).not.toBe(429);
    }
    const limited = await post(server, path, body(limit), cookie);
    expect(limited.status, `${path} past its limit`).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  }
}, 120_000);

test("in production without SMTP_URL nothing is promised: reset says the email could not be sent", async () => {
  const server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
  servers.push(server);
  const response = await post(server, "/request-password-reset", { email: "someone@example.com", redirectTo: "/reset-password" });
  expect(response.status).toBe(503);
  expect(await response.json()).toMatchObject({ code: "EMAIL_NOT_SENT", message: "Could not send the email. Try again in a moment." });
  expect(server.output()).toContain("SMTP_URL is not set");
}, 90_000);
