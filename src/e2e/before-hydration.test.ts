import type { Page } from "playwright-core";
import { expect } from "vitest";

import { addTask, browserTest, signUp, taskCheckbox } from "./harness";

/** Holds back the page's scripts, as a slow network does, until the returned function is called. */
async function holdScripts(page: Page): Promise<() => void> {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

browserTest("before the page's script has run, a form sends nothing and no password reaches the address; then it works", async ({ person }) => {
  const ada = await person({ name: "Ada" });
  const { page } = ada;
  const addresses: string[] = [];
  page.on("request", (request) => addresses.push(request.url()));
  const release = await holdScripts(page);

  await page.goto("/sign-up", { waitUntil: "commit" });
  await page.getByLabel("Name").fill(ada.name);
  await page.getByLabel("Email").fill(ada.email);
  await page.getByLabel("Password").fill(ada.password);
  await page.getByLabel("Password").press("Enter");
  // `force`: click as a person would, without waiting for the button to be enabled.
  await page.getByRole("button", { name: "Create account" }).click({ force: true });
  await page.waitForTimeout(500);
  expect(new URL(page.url()).search, "the form did not submit itself").toBe("");
  expect(addresses.filter((address) => address.includes("password")), "no address carries the password").toEqual([]);

  release();
  // What was typed is still there, and the form now works.
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/tasks");
});

browserTest("before the task page's script has run, a tick cannot be made that would not be saved, nor Sign out clicked in vain", async ({ person }) => {
  const grace = await person({ name: "Grace" });
  await signUp(grace);
  await addTask(grace.page, "Compile the compiler");
  const { page } = grace;
  const release = await holdScripts(page);

  await page.reload({ waitUntil: "commit" });
  await taskCheckbox(page, "Compile the compiler").click({ force: true });
  expect(await taskCheckbox(page, "Compile the compiler").isChecked(), "the tick did not show").toBe(false);
  expect(await page.getByRole("button", { name: "Sign out" }).isDisabled(), "nor does Sign out look usable").toBe(true);

  release();
  // Loading the scripts and hydrating can take seconds on a busy machine (expect.poll waits 1 s by default).
  await expect.poll(() => taskCheckbox(page, "Compile the compiler").isEnabled(), { timeout: 10_000 }).toBe(true);
  await page.reload();
  expect(await taskCheckbox(page, "Compile the compiler").isChecked(), "nor was it saved").toBe(false);
  await taskCheckbox(page, "Compile the compiler").click();
  await expect.poll(() => taskCheckbox(page, "Compile the compiler").isChecked()).toBe(true);
});
