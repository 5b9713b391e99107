import { afterAll, beforeAll, expect, test } from "vitest";

import { MAIL_NOT_SENT_MESSAGE } from "@/server/auth/auth";
import { createMailer } from "@/server/mail/mailer";
import { createTestApp, TEST_BASE_URL, TEST_PASSWORD, type TestApp } from "@/test/app";
import { takeConsoleErrors } from "@/test/console";
import { DEAD_SMTP_URL, linkIn, startTestMailbox, type TestMailbox } from "@/test/smtp";

/** Email verification switched on and off, and changing the address, with mail over real SMTP. */

let mailbox: TestMailbox;
let strict: TestApp;
let relaxed: TestApp;

beforeAll(async () => {
  mailbox = await startTestMailbox();
  const mailer = createMailer({ smtpUrl: mailbox.url, from: "no-reply@localhost", withoutSmtp: "refuse" });
  [strict, relaxed] = await Promise.all([
    createTestApp({ auth: { mailer, requireEmailVerification: true } }),
    createTestApp({ auth: { mailer } }),
  ]);
});
afterAll(async () => {
  await Promise.all([strict.close(), relaxed.close()]);
  await mailbox.stop();
});

function post(app: TestApp, path: string, body: unknown, headers?: Headers) {
  const requestHeaders = new Headers(headers);
  requestHeaders.set("content-type", "application/json");
  requestHeaders.set("origin", TEST_BASE_URL);
  return app.auth.handler(new Request(new URL(path, TEST_BASE_URL), { method: "POST", headers: requestHeaders, body: JSON.stringify(body) }));
}

const signUp = (app: TestApp, email: string, name = "Ada") =>
  post(app, "/api/auth/sign-up/email", { name, email, password: TEST_PASSWORD, callbackURL: "/tasks" });
const signIn = (app: TestApp, email: string) => post(app, "/api/auth/sign-in/email", { email, password: TEST_PASSWORD });

/** The answer with what differs between any two sign-ups (ids, timestamps) masked. */
async function shape(response: Response) {
  const body = (await response.json()) as { token: unknown; user: Record<string, unknown> };
  return { status: response.status, cookies: response.headers.getSetCookie().length, token: body.token, keys: Object.keys(body.user).sort() };
}

test("with verification on, sign-in waits for the emailed link, which then signs the person in", async () => {
  const email = "verify-me@example.com";
  const signedUp = await signUp(strict, email);
  expect(signedUp.status).toBe(200);
  expect(((await signedUp.json()) as { token: unknown }).token).toBeNull();

  const refused = await signIn(strict, email);
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ code: "EMAIL_NOT_VERIFIED" });

  // "Send the link again" sends a second mail whose link works (the first is never followed).
  await mailbox.next(email);
  expect((await post(strict, "/api/auth/send-verification-email", { email, callbackURL: "/tasks" })).status).toBe(200);
  const again = linkIn(await mailbox.next(email));

  const verified = await strict.auth.handler(new Request(again));
  expect(verified.status).toBe(302);
  expect(verified.headers.get("location")).toBe("/tasks");
  expect(verified.headers.getSetCookie().some((cookie) => cookie.includes("session_token"))).toBe(true);
  expect((await signIn(strict, email)).status).toBe(200);
});

test("with verification on, signing up with a taken address answers like a new sign-up and mails the owner", async () => {
  const owner = "owner@example.com";
  await signUp(strict, owner);
  await mailbox.next(owner);

  const fresh = await signUp(strict, "brand-new@example.com", "Mallory");
  const taken = await signUp(strict, owner, "Mallory");
  expect(await shape(taken)).toEqual(await shape(fresh));

  const warning = await mailbox.next(owner);
  expect(warning.subject).toBe("Someone tried to sign up to Tasks with your address");
  expect(linkIn(warning)).toBe(`${TEST_BASE_URL}/sign-in`);
  // The owner's password is unchanged, and the attempt made no second account.
  expect((await signIn(strict, owner)).status).toBe(403);
});

test("with verification off, sign-up signs in at once and sends nothing", async () => {
  const email = "relaxed@example.com";
  const response = await signUp(relaxed, email);
  expect(((await response.json()) as { token: unknown }).token).toEqual(expect.any(String));
  expect((await signIn(relaxed, email)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(mailbox.messages.some((mail) => JSON.stringify(mail.to).includes(email))).toBe(false);
});

test("changing the address waits for the new one's link, and the old one is told", async () => {
  const user = await relaxed.signUp({ email: "old-address@example.com" });
  const response = await post(relaxed, "/api/auth/change-email", { newEmail: "new-address@example.com", callbackURL: "/account" }, user.headers);
  expect(response.status).toBe(200);

  const notice = await mailbox.next("old-address@example.com");
  expect(notice.text).toContain("new-address@example.com");
  const link = linkIn(await mailbox.next("new-address@example.com"));
  // Nothing changes before the link is followed.
  expect((await signIn(relaxed, "old-address@example.com")).status).toBe(200);

  expect((await relaxed.auth.handler(new Request(link, { headers: user.headers }))).status).toBe(302);
  expect((await signIn(relaxed, "old-address@example.com")).status).toBe(401);
  expect((await signIn(relaxed, "new-address@example.com")).status).toBe(200);
});

test("with verification on and the mail server down, sign-up says to try again and makes no account", async () => {
  const mailer = createMailer({ smtpUrl: DEAD_SMTP_URL, from: "no-reply@localhost", withoutSmtp: "refuse" });
  const down = await createTestApp({ auth: { mailer, requireEmailVerification: true } });
  try {
    const response = await signUp(down, "unlucky@example.com");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "EMAIL_NOT_SENT", message: MAIL_NOT_SENT_MESSAGE });
    expect(takeConsoleErrors().join("\n")).toContain("mail.unavailable");
    // No account: the address signs in as unknown.
    expect((await signIn(down, "unlucky@example.com")).status).toBe(401);
  } finally {
    await down.close();
  }
});
