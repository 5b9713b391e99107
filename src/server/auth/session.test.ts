import { createHmac } from "node:crypto";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { session, user } from "@/server/db/schema/auth";
import { tasks } from "@/server/db/schema/tasks";
import { createTestApp, sessionHeaders, TEST_PASSWORD, TEST_SECRET, type TestApp, type TestUser } from "@/test/app";

import { createAuth } from "./auth";
import { resolveSession } from "./session";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(() => app.close());

test("a new account's cookie identifies its user", async () => {
  const alice = await app.signUp({ name: "Alice", email: "alice-session@example.com" });
  expect(await resolveSession(app.auth, alice.headers)).toMatchObject({
    user: { id: alice.id, name: "Alice", email: "alice-session@example.com" },
  });
});

test("signing in with the right password gives a working session", async () => {
  const { email } = await app.signUp();
  const { headers } = await app.auth.api.signInEmail({ body: { email, password: TEST_PASSWORD }, returnHeaders: true });
  expect(await app.caller(sessionHeaders(headers)).task.stats()).toEqual({ total: 0, active: 0, completed: 0 });
});

test("a wrong password is refused", async () => {
  const { email } = await app.signUp();
  await expect(
    app.auth.api.signInEmail({ body: { email, password: "not the password" } }),
  ).rejects.toMatchObject({ statusCode: 401 });
});

test.each([
  ["7 characters", "x".repeat(7)],
  ["129 characters", "x".repeat(129)],
])("a password of %s is refused at sign-up", async (_label, password) => {
  await expect(
    app.auth.api.signUpEmail({ body: { name: "Short", email: `pw-${password.length}@example.com`, password } }),
  ).rejects.toMatchObject({ statusCode: 400 });
});

test("passwords of 8 and 128 characters are accepted", async () => {
  for (const password of ["x".repeat(8), "y".repeat(128)]) {
    await expect(app.signUp({ password })).resolves.toMatchObject({ id: expect.any(String) });
  }
});

test("signing out makes the old session cookie useless at once", async () => {
  const alice = await app.signUp();
  await app.caller(alice.headers).task.create({ title: "before sign-out" });
  await app.auth.api.signOut({ headers: alice.headers });
  expect(await resolveSession(app.auth, alice.headers)).toBeNull();
  // The next request with the same cookie, as a browser or script would send it.
  await expect(app.caller(alice.headers).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("deleting a user deletes that user's tasks, and only theirs", async () => {
  const alice = await app.signUp();
  const bob = await app.signUp();
  await app.caller(alice.headers).task.create({ title: "Alice's" });
  await app.caller(bob.headers).task.create({ title: "Bob's" });

  await app.db.delete(user).where(eq(user.id, alice.id));

  expect(await app.db.select().from(tasks).where(eq(tasks.userId, alice.id))).toEqual([]);
  expect(await app.db.select().from(tasks).where(eq(tasks.userId, bob.id))).toHaveLength(1);
});

test("session cookies are Secure, HttpOnly and SameSite=Lax when the app is served over https", async () => {
  const httpsAuth = createAuth(app.db, { baseURL: "https://tasks.example.com", secret: TEST_SECRET });
  const { headers } = await httpsAuth.api.signUpEmail({
    body: { name: "Secure", email: "secure-cookie@example.com", password: TEST_PASSWORD },
    returnHeaders: true,
  });
  const sessionCookie = headers.getSetCookie().find((cookie) => cookie.includes("session_token="));
  expect(sessionCookie).toMatch(/; Secure/i);
  expect(sessionCookie).toMatch(/HttpOnly/i);
  expect(sessionCookie).toMatch(/SameSite=Lax/i);
});

describe("the session fast path answers exactly as Better Auth's getSession", () => {
  /** What Better Auth itself says about these headers: the user's id, or null. */
  async function betterAuthSays(headers: Headers): Promise<string | null> {
    return (await app.auth.api.getSession({ headers }))?.user.id ?? null;
  }

  function cookieValue(headers: Headers): string {
    const value = /better-auth\.session_token=([^;]+)/.exec(headers.get("cookie") ?? "")?.[1];
    if (!value) throw new Error("no session cookie");
    return value;
  }

  test.each<[string, (alice: TestUser, bob: TestUser) => Headers]>([
    ["the cookie", (alice) => alice.headers],
    ["no credentials", () => new Headers()],
    ["a cookie whose signature is changed", (alice) => new Headers({ cookie: `better-auth.session_token=${cookieValue(alice.headers).replace(/^./, (c) => (c === "a" ? "b" : "a"))}` })],
    ["a token without its signature", (alice) => new Headers({ cookie: `better-auth.session_token=${decodeURIComponent(cookieValue(alice.headers)).split(".")[0]}` })],
    ["a signature from another secret", (alice) => {
      const token = decodeURIComponent(cookieValue(alice.headers)).split(".")[0] ?? "";
      const forged = createHmac("sha256", "another secret that is long enough 000").update(token).digest("base64");
      return new Headers({ cookie: `better-auth.session_token=${encodeURIComponent(`${token}.${forged}`)}` });
    }],
    ["the signed token as a bearer", (alice) => new Headers({ authorization: `Bearer ${cookieValue(alice.headers)}` })],
    ["an unsigned bearer token", (alice) => new Headers({ authorization: `Bearer ${decodeURIComponent(cookieValue(alice.headers)).split(".")[0]}` })],
    ["a bearer that wins over the cookie", (alice, bob) => new Headers({ authorization: `Bearer ${cookieValue(bob.headers)}`, cookie: alice.headers.get("cookie") ?? "" })],
    ["a wrongly signed bearer, which leaves the cookie", (alice, bob) => new Headers({ authorization: `Bearer ${cookieValue(bob.headers).slice(0, -6)}AAAA%3D`, cookie: alice.headers.get("cookie") ?? "" })],
    ["the cookie twice, the first one counting", (alice, bob) => new Headers({ cookie: `${alice.headers.get("cookie")}; ${bob.headers.get("cookie")}` })],
  ])("%s", async (_case, headersFor) => {
    const alice = await app.signUp();
    const bob = await app.signUp();
    const headers = headersFor(alice, bob);
    const expected = await betterAuthSays(headers);
    expect((await resolveSession(app.auth, headers))?.user.id ?? null).toBe(expected);
  });

  test("a signed-in user is found without Better Auth's endpoint, and sees the same profile", async () => {
    const alice = await app.signUp({ name: "Alice Fast" });
    const fast = await resolveSession(app.auth, alice.headers);
    const reference = await app.auth.api.getSession({ headers: alice.headers });
    expect(fast).toEqual({
      user: { id: reference?.user.id, name: "Alice Fast", email: reference?.user.email },
      sessionId: reference?.session.id,
      expiresAt: reference?.session.expiresAt,
    });
  });

  test("an expired session is refused and removed, as Better Auth does", async () => {
    const alice = await app.signUp();
    await app.db.update(session).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(session.userId, alice.id));
    expect(await resolveSession(app.auth, alice.headers)).toBeNull();
    expect(await app.db.select().from(session).where(eq(session.userId, alice.id))).toEqual([]);
  });

  test("a session due for its sliding refresh is extended, as Better Auth does", async () => {
    const alice = await app.signUp();
    // Better Auth's defaults: sessions last 7 days and are extended once a day of use.
    const inTwoDays = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await app.db.update(session).set({ expiresAt: inTwoDays }).where(eq(session.userId, alice.id));
    const resolved = await resolveSession(app.auth, alice.headers);
    expect(resolved?.user.id).toBe(alice.id);
    const [stored] = await app.db.select({ expiresAt: session.expiresAt }).from(session).where(eq(session.userId, alice.id));
    expect(stored?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600 * 1000);
  });

  test("a session not yet due for refresh is read, not written", async () => {
    const alice = await app.signUp();
    const [before] = await app.db.select().from(session).where(eq(session.userId, alice.id));
    await resolveSession(app.auth, alice.headers);
    const [after] = await app.db.select().from(session).where(eq(session.userId, alice.id));
    expect(after).toEqual(before);
  });

  test("the cookie is found under its __Secure- name when the app is served over https", async () => {
    const httpsAuth = createAuth(app.db, { baseURL: "https://tasks.example.com", secret: TEST_SECRET });
    const { headers, response } = await httpsAuth.api.signUpEmail({
      body: { name: "Secure", email: "secure-fast-path@example.com", password: TEST_PASSWORD },
      returnHeaders: true,
    });
    const cookies = sessionHeaders(headers);
    expect(cookies.get("cookie")).toMatch(/^__Secure-better-auth\.session_token=/);
    expect((await resolveSession(httpsAuth, cookies))?.user.id).toBe(response.user.id);
  });
});
