import type { Page } from "playwright-core";
import { expect } from "vitest";

import { accessibilityViolations, addTask, browserTest, signIn, signUp } from "./harness";

function sessionItems(page: Page) {
  return page.getByRole("list", { name: "Active sessions" }).getByRole("listitem");
}

/** Signs in on a page of another browser context and waits for the task list. */
async function signInElsewhere(page: Page, person: { email: string; password: string }) {
  await page.goto("/sign-in");
  await signIn(page, person);
  await page.waitForURL("**/tasks");
}

/** Whether the next navigation of `page` still finds it signed in. */
async function stillSignedIn(page: Page): Promise<boolean> {
  await page.goto("/tasks");
  return new URL(page.url()).pathname === "/tasks";
}

browserTest("the account page lists sessions, signs other devices out, changes the password and deletes the account", async ({ person, newContext }) => {
  const alice = await person({ name: "Alice" });
  await signUp(alice);
  await addTask(alice.page, "Alice: water the plants");
  const laptop = await (await newContext()).newPage();
  await signInElsewhere(laptop, alice);

  const { page } = alice;
  await page.getByRole("link", { name: "Account" }).click();
  await page.waitForURL("**/account");
  await page.getByRole("heading", { name: "Your account" }).waitFor();
  await expect.poll(() => sessionItems(page).count()).toBe(2);
  expect(await sessionItems(page).filter({ hasText: "This device" }).count()).toBe(1);
  expect(await sessionItems(page).first().innerText()).toContain("Chrome on Linux");
  expect(await accessibilityViolations(page)).toEqual([]);

  // Revoking the other session signs that browser out on its next navigation.
  await page.getByRole("button", { name: /^Sign out Chrome on Linux, last used/ }).click();
  await page.getByText("Signed out on that device.").waitFor();
  await expect.poll(() => sessionItems(page).count()).toBe(1);
  expect(await stillSignedIn(laptop)).toBe(false);
  expect(await stillSignedIn(page)).toBe(true);

  // "Sign out everywhere else" does the same for every other session at once.
  await signInElsewhere(laptop, alice);
  await page.goto("/account");
  await expect.poll(() => sessionItems(page).count()).toBe(2);
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByText("Signed out on every other device.").waitFor();
  expect(await stillSignedIn(laptop)).toBe(false);

  // A wrong current password is refused next to the field; the right one ends other sessions.
  await signInElsewhere(laptop, alice);
  await page.goto("/account");
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password").fill("a brand new passphrase 42");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("That password isn’t right. Check it and try again.").waitFor();
  await page.getByLabel("Current password").fill(alice.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed. Every other device has been signed out.").waitFor();
  await expect.poll(() => sessionItems(page).count()).toBe(1);
  expect(await stillSignedIn(laptop)).toBe(false);
  expect(await stillSignedIn(page)).toBe(true);
  const newPassword = "a brand new passphrase 42";

  // Deleting needs the password, signs out and lands on the home page; the account is gone.
  await page.goto("/account");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await page.getByText("Enter your password to delete your account").waitFor();
  await page.getByRole("region", { name: "Delete account" }).getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.getByRole("status").filter({ hasText: "Your account has been deleted, with all its tasks and sessions." }).waitFor();
  await page.getByRole("link", { name: "Create an account" }).waitFor();
  expect(await stillSignedIn(page)).toBe(false);
  await signIn(page, { email: alice.email, password: newPassword });
  await page.getByText("That email and password don’t match an account. Check both and try again.").waitFor();
});
