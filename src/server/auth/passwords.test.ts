import { hashPassword as betterAuthScryptHash } from "better-auth/crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

import { account, session } from "@/server/db/schema/auth";
import { tasks } from "@/server/db/schema/tasks";
import { createTestApp, sessionHeaders, TEST_PASSWORD, type TestApp } from "@/test/app";

import { hashPassword, verifyPasswordHash } from "./password";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ auth: { signInThrottle: { freeFailures: 3, maxDelaySeconds: 2, windowSeconds: 60 } } });
});

afterAll(() => app.close());

async function storedHash(userId: string): Promise<string> {
  const [row] = await app.db.select({ password: account.password }).from(account).where(eq(account.userId, userId));
  return row?.password ?? "";
}

function signIn(email: string, password: string) {
  return app.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
}

test("new passwords are stored as Argon2id at OWASP's minimum cost (19 MiB, t=2, p=1)", async () => {
  const user = await app.signUp();
  expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
});

test("a hash from Better Auth's default scrypt still signs in", async () => {
  const user = await app.signUp();
  await app.db.update(account).set({ password: await betterAuthScryptHash(TEST_PASSWORD) }).where(eq(account.userId, user.id));
  await expect(signIn(user.email, "not the password")).rejects.toMatchObject({ statusCode: 401 });
  await expect(signIn(user.email, TEST_PASSWORD)).resolves.toBeDefined();
});

test.each(["password123", "Password123", "qwertyuiop", "iloveyou1"])("the common password %s is refused at sign-up", async (password) => {
  await expect(
    app.auth.api.signUpEmail({ body: { name: "Common", email: `common-${password}@example.com`, password } }),
  ).rejects.toMatchObject({ statusCode: 400, body: { code: "PASSWORD_TOO_COMMON", message: expect.stringContaining("most common") } });
});

test("a common password is refused as a new password too", async () => {
  const user = await app.signUp();
  await expect(
    app.auth.api.changePassword({ headers: user.headers, body: { currentPassword: TEST_PASSWORD, newPassword: "password1234" } }),
  ).rejects.toMatchObject({ statusCode: 400, body: { code: "PASSWORD_TOO_COMMON" } });
});

test("hashing runs off the event loop: timers fire while a burst of hashes is being computed", async () => {
  // A hasher that blocked the event loop would finish before any timer could run; the
  // test asks for that ordering, not for a timing that depends on how busy the machine is.
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 1);
  const hashes = Array.from({ length: 8 }, (_, index) => hashPassword(`burst password ${index}`));
  await Promise.race(hashes);
  const ticksBeforeFirstHash = ticks;
  const [first] = await Promise.all(hashes);
  clearInterval(timer);
  expect(await verifyPasswordHash({ hash: first!, password: "burst password 0" })).toBe(true);
  expect(ticksBeforeFirstHash).toBeGreaterThan(0);
});

test("failed sign-ins slow that account down, whoever tries, and a success clears the count", async () => {
  const user = await app.signUp();
  for (let attempt = 0; attempt < 3; attempt++) {
    await expect(signIn(user.email, "wrong guess")).rejects.toMatchObject({ statusCode: 401 });
  }
  // Past the free failures even the right password waits: no guess is checked while slowed.
  const throttled = await signIn(user.email, TEST_PASSWORD).catch((error: unknown) => error);
  expect(throttled).toMatchObject({ statusCode: 429, body: { code: "ACCOUNT_THROTTLED" } });
  expect((throttled as { headers: Record<string, string> }).headers).toMatchObject({ "retry-after": "1" });

  // Slowed, not locked: after the delay the owner gets in, and the count starts again.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await expect(signIn(user.email, TEST_PASSWORD)).resolves.toBeDefined();
  await expect(signIn(user.email, "wrong again")).rejects.toMatchObject({ statusCode: 401 });
  await expect(signIn(user.email, TEST_PASSWORD)).resolves.toBeDefined();
});

test("unknown emails are throttled like real ones, so throttling reveals no accounts", async () => {
  for (let attempt = 0; attempt < 3; attempt++) {
    await expect(signIn("nobody-here@example.com", "guess")).rejects.toMatchObject({ statusCode: 401 });
  }
  await expect(signIn("nobody-here@example.com", "guess")).rejects.toMatchObject({ statusCode: 429 });
});

test("changing the password signs out every other session, whatever the client asks", async () => {
  const user = await app.signUp();
  const other = sessionHeaders((await signIn(user.email, TEST_PASSWORD)).headers);
  const { headers } = await app.auth.api.changePassword({
    headers: user.headers,
    body: { currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase", revokeOtherSessions: false },
    returnHeaders: true,
  });
  await expect(app.caller(other).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  // The device that changed it carries on, with the fresh session it was handed.
  await expect(app.caller(sessionHeaders(headers)).task.list()).resolves.toBeDefined();
});

test("deleting the account needs the password, and removes its tasks and sessions", async () => {
  const user = await app.signUp();
  await app.caller(user.headers).task.create({ title: "soon gone" });
  await expect(app.auth.api.deleteUser({ headers: user.headers, body: {} })).rejects.toMatchObject({
    statusCode: 400,
    body: { code: "PASSWORD_REQUIRED" },
  });
  await expect(app.auth.api.deleteUser({ headers: user.headers, body: { password: "wrong password" } })).rejects.toMatchObject({
    statusCode: 400,
  });
  expect(await app.db.select().from(tasks).where(eq(tasks.userId, user.id))).toHaveLength(1);

  await app.auth.api.deleteUser({ headers: user.headers, body: { password: TEST_PASSWORD } });
  expect(await app.db.select().from(tasks).where(eq(tasks.userId, user.id))).toEqual([]);
  expect(await app.db.select().from(session).where(eq(session.userId, user.id))).toEqual([]);
  await expect(app.caller(user.headers).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("regression: parallel guesses are all counted first, so none past the free failures is checked", async () => {
  const user = await app.signUp();
  // Before the fix every guess of a burst was checked, and the right password inside it got in.
  const guesses = Array.from({ length: 24 }, (_, index) => (index === 12 ? TEST_PASSWORD : `wrong guess ${index}`));
  const outcomes = await Promise.allSettled(guesses.map((password) => signIn(user.email, password)));
  const checked = outcomes.filter((outcome) => outcome.status === "fulfilled" || outcome.reason.statusCode !== 429);
  expect(checked.length).toBeLessThanOrEqual(3);
  expect(outcomes.filter((outcome) => outcome.status === "rejected" && outcome.reason.statusCode === 429).length).toBeGreaterThanOrEqual(21);
});

test("regression: wrong passwords to change-password and delete-user count towards the account's throttle", async () => {
  const user = await app.signUp();
  const changePassword = (currentPassword: string) =>
    app.auth.api.changePassword({ headers: user.headers, body: { currentPassword, newPassword: "another long passphrase" } });
  for (const guess of ["guess one", "guess two"]) {
    await expect(changePassword(guess)).rejects.toMatchObject({ statusCode: 400 });
  }
  await expect(app.auth.api.deleteUser({ headers: user.headers, body: { password: "guess three" } })).rejects.toMatchObject({ statusCode: 400 });
  // Now even the right password waits, on every endpoint that checks one.
  await expect(changePassword(TEST_PASSWORD)).rejects.toMatchObject({ statusCode: 429, body: { code: "ACCOUNT_THROTTLED" } });
  await expect(signIn(user.email, TEST_PASSWORD)).rejects.toMatchObject({ statusCode: 429 });
  await expect(app.auth.api.deleteUser({ headers: user.headers, body: { password: TEST_PASSWORD } })).rejects.toMatchObject({ statusCode: 429 });
});

test("regression: verify-password, which let a session holder test passwords unthrottled, is switched off", async () => {
  const user = await app.signUp();
  const response = await app.auth.handler(
    new Request("http://localhost:3000/api/auth/verify-password", {
      method: "POST",
      headers: { cookie: user.headers.get("cookie") ?? "", "content-type": "application/json", origin: "http://localhost:3000" },
      body: JSON.stringify({ password: TEST_PASSWORD }),
    }),
  );
  expect(response.status).toBe(404);
});

test("regression: a name longer than 100 characters is refused at sign-up and on update", async () => {
  await expect(
    app.auth.api.signUpEmail({ body: { name: "n".repeat(101), email: "long-name@example.com", password: TEST_PASSWORD } }),
  ).rejects.toMatchObject({ statusCode: 400, body: { code: "NAME_TOO_LONG" } });
  const user = await app.signUp({ name: "n".repeat(100) });
  await expect(app.auth.api.updateUser({ headers: user.headers, body: { name: "m".repeat(90_000) } })).rejects.toMatchObject({
    statusCode: 400,
    body: { code: "NAME_TOO_LONG" },
  });
});
