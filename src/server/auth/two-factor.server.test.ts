import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { AuthRequestError, signIn } from "@/client";
import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** Two-factor sign-in over HTTP against the production server, as the CLI and scripts use it. */

let server: ProductionServer;

beforeAll(async () => {
  // Addresses come from X-Forwarded-For (the test is the trusted proxy), so per-address rate
  // limits stay out of the way of the per-account throttle, as they would for an attacker.
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env: { TRUSTED_PROXIES: "127.0.0.1,::1" } });
});

afterAll(() => server.stop());

let addressCount = 0;
const nextAddress = () => `198.51.100.${(addressCount += 1) % 250}`;

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.baseUrl}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl, "x-forwarded-for": nextAddress(), ...headers },
    body: JSON.stringify(body),
  });
}

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");

/** A new account with two-factor sign-in turned on and confirmed, as the account page does it. */
async function accountWithTwoFactor() {
  const account = await signUpOverHttp(server.baseUrl);
  const enabled = await post("/two-factor/enable", { password: account.password }, { cookie: account.cookie });
  expect(enabled.status).toBe(200);
  const { totpURI, backupCodes } = (await enabled.json()) as { totpURI: string; backupCodes: string[] };
  const totp = OTPAuth.URI.parse(totpURI);
  if (!(totp instanceof OTPAuth.TOTP)) throw new Error(`not a TOTP URI: ${totpURI}`);
  const confirmed = await post("/two-factor/verify-totp", { code: totp.generate() }, { cookie: account.cookie });
  expect(confirmed.status).toBe(200);
  return { ...account, totp, backupCodes };
}

/** Sign-in's first step: the right password; answers the challenge's cookies. */
async function passwordStep(account: { email: string; password: string }) {
  const response = await post("/sign-in/email", { email: account.email, password: account.password });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ twoFactorRedirect: true, twoFactorMethods: ["totp"] });
  expect(response.headers.get("set-auth-token"), "no session before the code").toBeNull();
  return cookiesOf(response);
}

test("a password alone gets no session; the app's code or a backup code (once) completes the sign-in", async () => {
  const account = await accountWithTwoFactor();
  await passwordStep(account);

  await expect(signIn({ baseUrl: server.baseUrl, email: account.email, password: account.password })).rejects.toThrow(
    "this account asks for a two-factor code",
  );
  const token = await signIn({ baseUrl: server.baseUrl, ...account, secondFactor: async () => account.totp.generate() });
  const session = await fetch(`${server.baseUrl}/api/auth/get-session`, { headers: { authorization: `Bearer ${token}` } });
  expect(((await session.json()) as { user: { email: string } }).user.email).toBe(account.email);

  const backupCode = account.backupCodes[0]!;
  expect(account.backupCodes).toHaveLength(10);
  await signIn({ baseUrl: server.baseUrl, ...account, secondFactor: async () => backupCode });
  const again = signIn({ baseUrl: server.baseUrl, ...account, secondFactor: async () => backupCode });
  await expect(again).rejects.toBeInstanceOf(AuthRequestError);
  await expect(again).rejects.toMatchObject({ status: 401 });
});

test("wrong codes count towards the account's throttle, which then holds back its password too", async () => {
  const account = await accountWithTwoFactor();
  const cookie = await passwordStep(account);
  const startedAt = Date.now();
  const refusals = await Promise.all(
    Array.from({ length: 8 }, async (_, guess) => {
      const response = await post("/two-factor/verify-totp", { code: String(100000 + guess) }, { cookie });
      return { status: response.status, code: ((await response.json()) as { code?: string }).code, retryAfter: response.headers.get("retry-after") };
    }),
  );
  const seconds = Math.floor((Date.now() - startedAt) / 1000);
  // The password step was the first of the 5 free checks; then waits of 1 s, 2 s …
  expect(refusals.filter(({ status }) => status !== 429).length).toBeLessThanOrEqual(4 + seconds);
  const throttled = refusals.find(({ code }) => code === "ACCOUNT_THROTTLED");
  expect(throttled).toMatchObject({ status: 429 });
  expect(Number(throttled?.retryAfter)).toBeGreaterThan(0);

  const password = await post("/sign-in/email", { email: account.email, password: account.password });
  expect(password.status).toBe(429);
  expect(((await password.json()) as { code?: string }).code).toBe("ACCOUNT_THROTTLED");
});

test("a code without a sign-in in progress is refused and signs nobody in", async () => {
  const response = await post("/two-factor/verify-totp", { code: "123456" });
  expect(response.status).toBe(401);
  expect(response.headers.get("set-auth-token")).toBeNull();
  expect(((await response.json()) as { code?: string }).code).toBe("INVALID_TWO_FACTOR_COOKIE");
});

test.each(["/two-factor/verify-totp", "/two-factor/verify-backup-code"])("%s allows 10 codes a minute per address", async (path) => {
  const address = { "x-forwarded-for": `203.0.113.${path.length}` };
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 11; attempt++) statuses.push((await post(path, { code: "123456" }, address)).status);
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses[10]).toBe(429);
});

test.each(["/two-factor/enable", "/two-factor/disable"])("%s allows 10 requests in 10 minutes per address", async (path) => {
  const address = { "x-forwarded-for": `203.0.113.${100 + path.length}` };
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 11; attempt++) statuses.push((await post(path, { password: "x" }, address)).status);
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses[10]).toBe(429);
});

test("turning two-factor sign-in on or off checks the password, and wrong ones are throttled", async () => {
  const account = await signUpOverHttp(server.baseUrl);
  const statuses = await Promise.all(
    Array.from({ length: 8 }, async (_, guess) => (await post("/two-factor/enable", { password: `guess ${guess}` }, { cookie: account.cookie })).status),
  );
  expect(statuses).toContain(400);
  expect(statuses).toContain(429);
});
