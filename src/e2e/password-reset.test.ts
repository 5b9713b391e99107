import { afterAll, expect } from "vitest";

import { DEAD_SMTP_URL, linkIn, startTestMailbox } from "@/test/smtp";

import { browserTest, signIn, signUp } from "./harness";

/** Recovering an account by email, in Chromium, with mail over a real SMTP server. */

const mailbox = await startTestMailbox();
afterAll(() => mailbox.stop());

browserTest(
  "a forgotten password is reset from an emailed link that works once; other devices are signed out",
  async ({ person, newContext }) => {
    const ada = await person({ name: "Ada Lovelace" });
    await signUp(ada);
    const laptop = ada.page;
    const phone = await (await newContext()).newPage();
    const newPassword = "a different long passphrase";

    await phone.goto("/sign-in");
    await phone.getByRole("link", { name: "Forgot password?" }).click();
    await phone.waitForURL("**/forgot-password");
    await phone.getByLabel("Email").fill(ada.email);
    await phone.getByRole("button", { name: "Send me a link" }).click();
    await phone.getByRole("status").filter({ hasText: `If an account uses ${ada.email}, we have sent it a link` }).waitFor();

    const mail = await mailbox.next(ada.email);
    expect(mail.subject).toBe("Reset your Tasks password");
    const link = linkIn(mail);
    await phone.goto(link);
    await phone.waitForURL("**/reset-password?token=*");
    await phone.getByLabel("Email").fill(ada.email);
    await phone.getByLabel("New password").fill("password123");
    await phone.getByRole("button", { name: "Set new password" }).click();
    await phone.getByText("one of the most common ones").waitFor();
    await phone.getByLabel("New password").fill(newPassword);
    await phone.getByRole("button", { name: "Set new password" }).click();
    await phone.waitForURL("**/tasks");
    await phone.getByRole("heading", { name: "Your tasks" }).waitFor();

    // The session that was open elsewhere has ended.
    await laptop.reload();
    await laptop.waitForURL("**/sign-in?next=%2Ftasks");

    // The link worked once: now it says so, and offers a new one.
    await phone.goto(link);
    await phone.getByRole("alert").filter({ hasText: "This link has already been used or has expired" }).waitFor();
    await phone.getByRole("link", { name: "Send me a new link" }).click();
    await phone.waitForURL("**/forgot-password");

    // The old password is gone, the new one works.
    await laptop.goto("/sign-in");
    await signIn(laptop, { email: ada.email, password: ada.password });
    await laptop.getByRole("alert").filter({ hasText: "don’t match an account" }).waitFor();
    await signIn(laptop, { email: ada.email, password: newPassword });
    await laptop.waitForURL("**/tasks");
  },
  { serverEnv: { SMTP_URL: mailbox.url } },
);

browserTest(
  "an expired or unknown link says so and offers a new one",
  async ({ person, baseUrl }) => {
    const { page } = await person();
    // Better Auth sends an expired token and one it never issued to the same place (the
    // expiry itself is tested in src/server/auth/password-reset.test.ts).
    await page.goto(`${baseUrl}/api/auth/reset-password/expired0000000000000000?callbackURL=%2Freset-password`);
    await page.waitForURL("**/reset-password?error=INVALID_TOKEN");
    await page.getByRole("alert").filter({ hasText: "This link has already been used or has expired" }).waitFor();
    expect(await page.getByLabel("New password").count()).toBe(0);
    await page.getByRole("link", { name: "Send me a new link" }).click();
    await page.waitForURL("**/forgot-password");
  },
  { serverEnv: { SMTP_URL: mailbox.url } },
);

browserTest(
  "with the mail server down the person is told to try again, and the password still works",
  async ({ person }) => {
    const grace = await person();
    await signUp(grace);
    await grace.page.getByRole("button", { name: "Sign out" }).click();
    await grace.page.waitForURL("**/sign-in");
    await grace.page.getByRole("link", { name: "Forgot password?" }).click();
    await grace.page.waitForURL("**/forgot-password");
    await grace.page.getByLabel("Email").fill(grace.email);
    await grace.page.getByRole("button", { name: "Send me a link" }).click();
    await grace.page.getByRole("alert").filter({ hasText: "Could not send the email. Try again in a moment." }).waitFor();
    expect(await grace.page.getByRole("status").count()).toBe(0);

    await grace.page.goto("/sign-in");
    await signIn(grace.page, grace);
    await grace.page.waitForURL("**/tasks");
  },
  { serverEnv: { SMTP_URL: DEAD_SMTP_URL } },
);

browserTest(
  "with verification on, sign-in waits for the emailed link; the link can be sent again and signs the person in",
  async ({ person }) => {
    const linus = await person();
    const { page } = linus;
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(linus.name);
    await page.getByLabel("Email").fill(linus.email);
    await page.getByLabel("Password").fill(linus.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("status").filter({ hasText: `we sent a link to ${linus.email}` }).waitFor();
    await mailbox.next(linus.email);

    await page.goto("/sign-in");
    await signIn(page, linus);
    await page.getByRole("alert").filter({ hasText: "Confirm your email address first" }).waitFor();
    await page.getByRole("button", { name: "Send the link again" }).click();
    await page.getByText(`Sent. Check ${linus.email} for the new link.`).waitFor();

    await page.goto(linkIn(await mailbox.next(linus.email)));
    await page.waitForURL("**/tasks");
    await page.getByRole("heading", { name: "Your tasks" }).waitFor();
  },
  { serverEnv: { SMTP_URL: mailbox.url, REQUIRE_EMAIL_VERIFICATION: "true" } },
);

browserTest(
  "a new email address takes effect from the link sent to it, and the old address is told",
  async ({ person }) => {
    const ada = await person();
    await signUp(ada);
    const { page } = ada;
    const newEmail = `moved-${ada.email}`;
    await page.goto("/account");
    await page.getByLabel("New email").fill(newEmail);
    await page.getByRole("button", { name: "Change email" }).click();
    await page.getByRole("status").filter({ hasText: `Check ${newEmail}` }).waitFor();

    const notice = await mailbox.next(ada.email);
    expect(notice.text).toContain(newEmail);
    await page.reload();
    await page.getByText(`(${ada.email})`).waitFor();

    await page.goto(linkIn(await mailbox.next(newEmail)));
    await page.waitForURL("**/account");
    await page.getByText(`(${newEmail})`).waitFor();
  },
  { serverEnv: { SMTP_URL: mailbox.url } },
);
