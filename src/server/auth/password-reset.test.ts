import { afterAll, beforeAll, expect, test } from "vitest";

import { MAIL_NOT_SENT_MESSAGE } from "@/server/auth/auth";
import { createMailer } from "@/server/mail/mailer";
import { createTestApp, TEST_BASE_URL, TEST_PASSWORD, type TestApp } from "@/test/app";
import { takeConsoleErrors } from "@/test/console";
import { DEAD_SMTP_URL, linkIn, startTestMailbox, type TestMailbox } from "@/test/smtp";

/** Password reset through Better Auth's HTTP handler, with mail over a real SMTP server. */

let mailbox: TestMailbox;
let app: TestApp;
const NEW_PASSWORD = "a brand new passphrase";

beforeAll(async () => {
  mailbox = await startTestMailbox();
  app = await createTestApp({ auth: { mailer: createMailer({ smtpUrl: mailbox.url, from: "no-reply@localhost", withoutSmtp: "refuse" }) } });
});
afterAll(async () => {
  await app.close();
  await mailbox.stop();
});

function call(target: TestApp, path: string, body?: unknown, headers?: Headers) {
  const init: RequestInit = { headers: new Headers(headers) };
  if (body !== undefined) {
    init.method = "POST";
    init.body = JSON.stringify(body);
    (init.headers as Headers).set("content-type", "application/json");
    (init.headers as Headers).set("origin", TEST_BASE_URL);
  }
  return target.auth.handler(new Request(new URL(path, TEST_BASE_URL), init));
}

const requestReset = (target: TestApp, email: string) => call(target, "/api/auth/request-password-reset", { email, redirectTo: "/reset-password" });

/** Follows the emailed link as a browser would and returns where it lands. */
async function follow(link: string): Promise<URL> {
  const response = await app.auth.handler(new Request(link));
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

test("a reset link by email sets a new password once, ends every session, and the old password stops working", async () => {
  const user = await app.signUp();
  expect((await requestReset(app, user.email)).status).toBe(200);
  const link = linkIn(await mailbox.next(user.email));
  expect(link.startsWith(`${TEST_BASE_URL}/api/auth/reset-password/`)).toBe(true);

  const landing = await follow(link);
  expect(`${landing.origin}${landing.pathname}`).toBe(`${TEST_BASE_URL}/reset-password`);
  const token = landing.searchParams.get("token");
  expect(token).toBeTruthy();

  // The same strength rules as sign-up, and a refusal does not use the link up.
  const common = await call(app, "/api/auth/reset-password", { token, newPassword: "password123" });
  expect(common.status).toBe(400);
  expect(await common.json()).toMatchObject({ code: "PASSWORD_TOO_COMMON" });

  expect((await call(app, "/api/auth/reset-password", { token, newPassword: NEW_PASSWORD })).status).toBe(200);
  expect(await (await call(app, "/api/auth/get-session", undefined, user.headers)).json()).toBeNull();
  expect((await call(app, "/api/auth/sign-in/email", { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
  expect((await call(app, "/api/auth/sign-in/email", { email: user.email, password: NEW_PASSWORD })).status).toBe(200);

  // Used once: the link now lands on the "used or expired" page, and the token is refused.
  const reused = await call(app, "/api/auth/reset-password", { token, newPassword: "yet another passphrase" });
  expect(reused.status).toBe(400);
  expect(await reused.json()).toMatchObject({ code: "INVALID_TOKEN" });
  expect((await follow(link)).searchParams.get("error")).toBe("INVALID_TOKEN");
});

test("an unknown address gets exactly the answer a known one gets, and no mail goes anywhere", async () => {
  const user = await app.signUp();
  const known = await requestReset(app, user.email);
  const unknown = await requestReset(app, "nobody-here@example.com");
  expect(unknown.status).toBe(known.status);
  expect(await unknown.text()).toBe(await known.text());
  await mailbox.next(user.email);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(mailbox.messages.filter((mail) => mail.text?.includes("nobody-here"))).toEqual([]);
  expect(mailbox.messages.some((mail) => JSON.stringify(mail.to).includes("nobody-here"))).toBe(false);
});

test("reset mails to one address are slowed after three, known or not, whoever asks", async () => {
  const user = await app.signUp();
  for (const email of [user.email, "never-registered@example.com"]) {
    for (let attempt = 0; attempt < 3; attempt++) expect((await requestReset(app, email)).status).toBe(200);
    const slowed = await requestReset(app, email);
    expect(slowed.status).toBe(429);
    expect(await slowed.json()).toMatchObject({ code: "RESET_THROTTLED" });
    expect(Number(slowed.headers.get("retry-after"))).toBeGreaterThan(0);
  }
});

test("an expired link says so, like a used one", async () => {
  const shortLived = await createTestApp({
    auth: { mailer: createMailer({ smtpUrl: mailbox.url, from: "no-reply@localhost", withoutSmtp: "refuse" }), resetLinkLifetimeSeconds: 1 },
  });
  try {
    const user = await shortLived.signUp();
    await requestReset(shortLived, user.email);
    const link = linkIn(await mailbox.next(user.email));
    const token = new URL(link).pathname.split("/").at(-1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const landing = new URL((await shortLived.auth.handler(new Request(link))).headers.get("location")!);
    expect(landing.searchParams.get("error")).toBe("INVALID_TOKEN");
    const refused = await call(shortLived, "/api/auth/reset-password", { token, newPassword: NEW_PASSWORD });
    expect(await refused.json()).toMatchObject({ code: "INVALID_TOKEN" });
  } finally {
    await shortLived.close();
  }
});

test("with the mail server down the person is told to try again, and nothing changed", async () => {
  const down = await createTestApp({
    auth: { mailer: createMailer({ smtpUrl: DEAD_SMTP_URL, from: "no-reply@localhost", withoutSmtp: "refuse" }) },
  });
  try {
    const user = await down.signUp();
    for (const email of [user.email, "nobody-at-all@example.com"]) {
      const response = await requestReset(down, email);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: "EMAIL_NOT_SENT", message: MAIL_NOT_SENT_MESSAGE });
    }
    // Logged for the operator, with the reason.
    const logged = takeConsoleErrors();
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('"event":"mail.unavailable"');
    expect(logged[0]).toContain("ECONNREFUSED");
    expect(await (await call(down, "/api/auth/get-session", undefined, user.headers)).json()).not.toBeNull();
    expect((await call(down, "/api/auth/sign-in/email", { email: user.email, password: TEST_PASSWORD })).status).toBe(200);
  } finally {
    await down.close();
  }
});
