import { addTask, browserTest, signUp } from "./harness";

/**
 * `npm run dev` pages stay clean: the development CSP (eval, inline styles for Next's overlay)
 * once cost about 30 console errors a page. Chromium logs every CSP violation as a console
 * error, and the harness fails the test on any console error or uncaught page error.
 */
browserTest(
  "next dev: signing up, the task list with a task, the account page and signing out log no console error and no CSP violation",
  async ({ person }) => {
    const dee = await person({ name: "Dee" });
    const { page } = dee;
    await signUp(dee);
    await addTask(page, "Try the development server");

    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await page.goBack();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await page.getByLabel("Email").waitFor();
    // Late errors (hydration, HMR connecting) have a moment to show.
    await page.waitForLoadState("networkidle");
  },
  // A cold `next dev` compiles each page on first visit: a minute or more on a busy machine.
  { dev: true, timeout: 300_000 },
);
