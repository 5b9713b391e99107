import type { Response as PlaywrightResponse } from "playwright-core";
import { expect } from "vitest";

import { tryAgainIn } from "@/components/auth/auth-form-errors";

import { browserTest, isFocused, signIn, signUp } from "./harness";

browserTest("sign-up and sign-in explain every problem in plain words, next to the field it concerns", async ({ person }) => {
  const grace = await person({ name: "Grace Hopper" });
  const { page } = grace;
  const authRequests: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/auth/sign-")) authRequests.push(new URL(request.url()).pathname);
  });

  // The shared schemas answer in the browser, before anything is sent.
  await page.goto("/sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Enter your name").waitFor();
  expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
  expect(await isFocused(page.getByLabel("Name")), "focus goes to the first field to fix").toBe(true);
  await page.getByLabel("Name").fill(grace.name);
  await page.getByLabel("Email").fill("grace at navy");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Enter an email address like name@example.com").waitFor();
  await page.getByText("Use at least 8 characters").waitFor();
  expect(await page.getByText("Enter your name").count()).toBe(0);
  expect(authRequests).toEqual([]);

  await signUp(grace);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in");

  // The server's refusals, in words.
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(grace.email);
  await page.getByLabel("Password").fill("another long password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("An account with this email already exists").waitFor();
  expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");

  // While a sign-in is on its way the button says so and cannot send it twice.
  await page.goto("/sign-in");
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/auth/sign-in/email", async (route) => {
    await released;
    await route.continue();
  });
  await signIn(page, { email: grace.email, password: "not the password" });
  const busyButton = page.getByRole("button", { name: "Signing in…" });
  await busyButton.waitFor();
  expect(await busyButton.isDisabled()).toBe(true);
  await page.getByLabel("Password").press("Enter");
  release();
  await page.getByRole("alert").filter({ hasText: "That email and password don’t match an account" }).waitFor();
  await page.unroute("**/api/auth/sign-in/email");

  // Repeated wrong passwords are slowed down by the server, and the form says so, and for
  // how long: the refusal's Retry-After, in words.
  const slowedDown = page.getByRole("alert").filter({ hasText: "Too many" });
  let attempts = 1;
  let refusal: PlaywrightResponse | undefined;
  while (!(await slowedDown.isVisible())) {
    expect(attempts, "sign-in attempts before the server slows them down").toBeLessThan(12);
    [refusal] = await Promise.all([
      page.waitForResponse("**/api/auth/sign-in/email"),
      signIn(page, { email: grace.email, password: `wrong guess ${attempts}` }),
    ]);
    attempts += 1;
  }
  expect(refusal?.status()).toBe(429);
  const retryAfter = refusal?.headers()["retry-after"];
  expect(retryAfter).toMatch(/^\d+$/);
  await slowedDown.filter({ hasText: tryAgainIn(Number(retryAfter)) }).waitFor();
  expect(await slowedDown.innerText()).toMatch(/Try again in \d+ seconds?\./);
  expect(page.url()).toContain("/sign-in");
  expect(authRequests.filter((path) => path === "/api/auth/sign-up/email")).toHaveLength(2);
  expect(authRequests.filter((path) => path === "/api/auth/sign-in/email"), "one request per attempt").toHaveLength(attempts);
});
