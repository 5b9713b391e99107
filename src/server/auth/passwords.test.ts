import { readdirSync, readFileSync } from "node:fs";

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

test("a hash from Better Auth's default scrypt still signs in, and is upgraded to Argon2id", async () => {
  const user = await app.signUp();
  await app.db.update(account).set({ password: await betterAuthScryptHash(TEST_PASSWORD) }).where(eq(account.userId, user.id));
  expect(await storedHash(user.id)).not.toMatch(/^\$argon2/);

  await expect(signIn(user.email, "not the password")).rejects.toMatchObject({ statusCode: 401 });
  expect(await storedHash(user.id)).not.toMatch(/^\$argon2/);

  await signIn(user.email, TEST_PASSWORD);
  expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
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

test.skipIf(process.platform !== "linux")("hashing runs on threads at the lowest CPU priority, the app's own thread unchanged", async () => {
  await hashPassword("priority check password");
  const niceOf = (task: string) => {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
    // Fields after the command name; nice is the 19th field of the file, the 17th after it.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  };
  const tasks = readdirSync("/proc/self/task");
  expect(niceOf(String(process.pid))).toBe(0);
  expect(tasks.map(niceOf)).toContain(19);
});
