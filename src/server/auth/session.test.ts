import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

import { session, user } from "@/server/db/schema/auth";
import { tasks } from "@/server/db/schema/tasks";
import { createTestApp, sessionHeaders, TEST_PASSWORD, TEST_SECRET, type TestApp } from "@/test/app";

import { createAuth } from "./auth";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(() => app.close());

test("a new account's cookie identifies its user", async () => {
  const alice = await app.signUp({ name: "Alice", email: "alice-session@example.com" });
  expect(await app.auth.api.getSession({ headers: alice.headers })).toMatchObject({
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
  expect(await app.auth.api.getSession({ headers: alice.headers })).toBeNull();
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
  const { auth: httpsAuth } = createAuth(app.db, { baseURL: "https://tasks.example.com", secret: TEST_SECRET });
  const { headers } = await httpsAuth.api.signUpEmail({
    body: { name: "Secure", email: "secure-cookie@example.com", password: TEST_PASSWORD },
    returnHeaders: true,
  });
  const sessionCookie = headers.getSetCookie().find((cookie) => cookie.includes("session_token="));
  expect(sessionCookie).toMatch(/; Secure/i);
  expect(sessionCookie).toMatch(/HttpOnly/i);
  expect(sessionCookie).toMatch(/SameSite=Lax/i);
});

test("an expired session is refused", async () => {
  const alice = await app.signUp();
  await app.db.update(session).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(session.userId, alice.id));
  await expect(app.caller(alice.headers).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});
