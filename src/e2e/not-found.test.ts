import { browserTest } from "./harness";

// Next.js's default 404 page styles itself inline; under the app's CSP that shows up as a
// console error, which fails this test.
browserTest("a missing page shows the app's own 404 page, with nothing blocked", async ({ person }) => {
  const { page } = await person();
  await page.goto("/no-such-page");
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await page.getByRole("link", { name: "Create an account" }).waitFor();
});
