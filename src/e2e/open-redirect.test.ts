import type { Page } from "playwright-core";
import { expect } from "vitest";

import { OPEN_REDIRECT_CORE_FORMS } from "@/test/open-redirects";
import { signUpOverHttp } from "@/test/production-server";

import { browserTest, signIn } from "./harness";

// A server of its own: a sign-in per form would use up the shared server's per-address limit.
// One form takes about a second, more on a busy machine.
const OPTIONS = { serverEnv: { RATE_LIMIT_MULTIPLIER: "100" }, timeout: 180_000 };

const withNext = (pathname: "/sign-in" | "/sign-up", next: string) => `${pathname}?next=${encodeURIComponent(next)}`;

// Signed in, both pages answer with a redirect of their own: src/components/auth/next-path.server.test.ts.

/** Waits until the browser has left `pathname` (a redirect or a failed navigation elsewhere) and settled. */
async function whereItEnds(page: Page, pathname: string): Promise<URL> {
  await page.waitForURL((url) => url.pathname !== pathname);
  return new URL(page.url());
}

browserTest(
  "open redirect: signing in from /sign-in?next=<bypass form> ends on this site",
  async ({ baseUrl, newContext }) => {
    const account = await signUpOverHttp(baseUrl);
    const context = await newContext();
    const page = await context.newPage();
    for (const next of OPEN_REDIRECT_CORE_FORMS) {
      await context.clearCookies();
      await page.goto(withNext("/sign-in", next));
      await signIn(page, account);
      expect((await whereItEnds(page, "/sign-in")).origin, `signed in with next=${JSON.stringify(next)}`).toBe(baseUrl);
    }
  },
  OPTIONS,
);

browserTest(
  "open redirect: signing up from /sign-up?next=<bypass form> ends on this site",
  async ({ baseUrl, person }) => {
    const newcomer = await person();
    const { page, context } = newcomer;
    const [first, ...others] = OPEN_REDIRECT_CORE_FORMS;
    async function signUpWith(next: string) {
      await context.clearCookies();
      await page.goto(withNext("/sign-up", next));
      await page.getByLabel("Name").fill(newcomer.name);
      await page.getByLabel("Email").fill(newcomer.email);
      await page.getByLabel("Password").fill(newcomer.password);
      await page.getByRole("button", { name: "Create account" }).click();
      expect((await whereItEnds(page, "/sign-up")).origin, `signed up with next=${JSON.stringify(next)}`).toBe(baseUrl);
    }

    await signUpWith(first!);
    // The form goes where the page told it once the server says yes; a stand-in yes tests
    // that for every other form without creating an account each. (A null token would mean
    // "confirm your email first", which keeps the person on the page.)
    await page.route("**/api/auth/sign-up/email", (route) =>
      route.fulfill({ json: { token: "stand-in", user: { id: "stand-in", name: newcomer.name, email: newcomer.email, emailVerified: false } } }),
    );
    for (const next of others) await signUpWith(next);
  },
  OPTIONS,
);
