import * as OTPAuth from "otpauth";
import type { Page } from "playwright-core";
import { expect } from "vitest";

import { accessibilityViolations, browserTest, signIn, signOut, signUp } from "./harness";

function twoFactorSection(page: Page) {
  return page.getByRole("region", { name: "Two-factor sign-in" });
}

/** Password first; the second step must then ask for a code before anything is shown. */
async function passwordStep(page: Page, person: { email: string; password: string }) {
  await signIn(page, person);
  await page.getByRole("heading", { name: "Two-factor sign-in" }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/sign-in");
}

async function enterCode(page: Page, code: string) {
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

browserTest("two-factor sign-in: turned on with the app's QR secret, then a code or a single-use backup code signs in", async ({ person }) => {
  const alice = await person({ name: "Alice" });
  await signUp(alice);
  const { page } = alice;
  await page.goto("/account");
  const section = twoFactorSection(page);
  await section.getByLabel("Password").fill(alice.password);
  await section.getByRole("button", { name: "Turn on two-factor sign-in" }).click();

  // The QR code is drawn by the page itself; the key beside it is what an app would scan.
  const qr = section.getByRole("img", { name: "QR code for your authenticator app" });
  await qr.waitFor();
  expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
  const secret = (await section.locator("code").innerText()).trim();
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
  expect(await accessibilityViolations(page)).toEqual([]);

  await section.getByLabel("Code from the app").fill("000000");
  await section.getByRole("button", { name: "Confirm and turn on" }).click();
  await section.getByText("That code isn’t right. Check the app and try again.").waitFor();
  await section.getByLabel("Code from the app").fill(totp.generate());
  await section.getByRole("button", { name: "Confirm and turn on" }).click();
  await section.getByText("Two-factor sign-in is on.").waitFor();
  const backupCodes = await section.getByRole("list", { name: "Backup codes" }).getByRole("listitem").allInnerTexts();
  expect(backupCodes).toHaveLength(10);
  await section.getByRole("button", { name: "I have saved my backup codes" }).click();
  await section.getByText("On: signing in asks for a code").waitFor();

  // With the app's code; the device is not trusted, so the next sign-in asks again.
  await signOut(page);
  await passwordStep(page, alice);
  await enterCode(page, "123 456");
  await page.getByText("That code isn’t right.").waitFor();
  await enterCode(page, totp.generate());
  await page.waitForURL("**/tasks");

  // With a backup code, which works once only.
  const [backupCode] = backupCodes;
  await signOut(page);
  await passwordStep(page, alice);
  await enterCode(page, backupCode!);
  await page.waitForURL("**/tasks");
  await signOut(page);
  await passwordStep(page, alice);
  await enterCode(page, backupCode!);
  await page.getByText("That backup code isn’t valid. Each backup code works only once.").waitFor();

  // Trusting the device skips the code next time.
  await enterCode(page, totp.generate());
  await page.waitForURL("**/tasks");
  await signOut(page);
  await passwordStep(page, alice);
  await page.getByLabel("Trust this device for 30 days").check();
  await enterCode(page, totp.generate());
  await page.waitForURL("**/tasks");
  await signOut(page);
  await signIn(page, alice);
  await page.waitForURL("**/tasks");

  // Turning it off needs the password; then the password alone signs in again.
  await page.goto("/account");
  await twoFactorSection(page).getByLabel("Password").fill("not my password");
  await twoFactorSection(page).getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await twoFactorSection(page).getByText("That password isn’t right.").waitFor();
  await twoFactorSection(page).getByLabel("Password").fill(alice.password);
  await twoFactorSection(page).getByRole("button", { name: "Turn off two-factor sign-in" }).click();
  await twoFactorSection(page).getByRole("button", { name: "Turn on two-factor sign-in" }).waitFor();
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await signIn(page, alice);
  await page.waitForURL("**/tasks");
  // Its own server: the test signs in more often than one address may per minute on the shared one.
}, { serverEnv: { RATE_LIMIT_MULTIPLIER: "100" }, timeout: 180_000 });
