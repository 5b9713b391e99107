import { createServer, type AddressInfo } from "node:net";

import { afterAll, beforeAll, expect, test, vi } from "vitest";

import { DEAD_SMTP_URL, linkIn, startTestMailbox, type TestMailbox } from "@/test/smtp";

import { createMailer } from "./mailer";
import { resetPasswordMail } from "./messages";

let mailbox: TestMailbox;
beforeAll(async () => {
  mailbox = await startTestMailbox();
});
afterAll(() => mailbox.stop());

const LINK = "https://tasks.example.com/api/auth/reset-password/abc?callbackURL=%2Freset-password";

test("a mail goes out over SMTP with a plain-text and a simple HTML body, the link in both, no remote images", async () => {
  const mailer = createMailer({ smtpUrl: mailbox.url, from: "Tasks <no-reply@tasks.example.com>", withoutSmtp: "refuse" });
  await mailer.verify();
  await mailer.send(resetPasswordMail("ada@example.com", LINK));

  const mail = await mailbox.next("ada@example.com");
  expect(mail.from?.value[0]).toMatchObject({ name: "Tasks", address: "no-reply@tasks.example.com" });
  expect(mail.subject).toBe("Reset your Tasks password");
  expect(linkIn(mail)).toBe(LINK);
  expect(mail.html).toContain(`href="${LINK.replace(/&/g, "&amp;")}"`);
  expect(mail.html).not.toMatch(/<img|src=|url\(/i);
});

test("text a person typed cannot become markup in the HTML body", async () => {
  const mailer = createMailer({ smtpUrl: mailbox.url, from: "no-reply@tasks.example.com", withoutSmtp: "refuse" });
  await mailer.send(resetPasswordMail("grace@example.com", 'https://x.example/"><img src=//evil>'));
  const mail = await mailbox.next("grace@example.com");
  expect(mail.html).not.toContain("<img");
});

test("with the SMTP server down, verify and send both fail (and say so) instead of hanging", async () => {
  const mailer = createMailer({ smtpUrl: DEAD_SMTP_URL, from: "no-reply@x.example", withoutSmtp: "refuse" });
  await expect(mailer.verify()).rejects.toThrow();
  await expect(mailer.send(resetPasswordMail("ada@example.com", LINK))).rejects.toThrow();
});

test("without SMTP_URL, development prints each mail with its link to the log, and production refuses", async () => {
  const info = vi.spyOn(console, "info").mockImplementation(() => {});
  const logged = createMailer({ from: "no-reply@localhost", withoutSmtp: "log" });
  await logged.verify();
  await logged.send(resetPasswordMail("ada@example.com", LINK));
  const line = JSON.parse(String(info.mock.calls.at(-1)?.[0])) as { event: string; to: string; text: string };
  expect(line).toMatchObject({ event: "mail.logged", to: "ada@example.com" });
  expect(line.text).toContain(LINK);
  info.mockRestore();

  const refusing = createMailer({ from: "no-reply@localhost", withoutSmtp: "refuse" });
  await expect(refusing.verify()).rejects.toThrow("SMTP_URL is not set");
});

test("a server that accepts but never answers is given up on within 3 s, inside the request's own deadline", async () => {
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = silent.address() as AddressInfo;
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: "no-reply@x.example", withoutSmtp: "refuse" });
    const started = Date.now();
    await expect(mailer.verify()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_500);
  } finally {
    silent.close();
  }
});
