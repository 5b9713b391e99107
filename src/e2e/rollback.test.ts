import { expect } from "vitest";

import { addTask, browserTest, filterCount, signUp, taskCheckbox, visibleTitles } from "./harness";

browserTest("a change the server refuses is undone on screen and explained", async ({ person }) => {
  const lin = await person({ name: "Lin" });
  const { page, context } = lin;
  // This tab hears no live updates (as when its stream is down), so its copy can go stale.
  await page.route("**/api/trpc/task.onChange*", (route) => route.abort());
  await signUp(lin);
  await addTask(page, "Water the plants");
  await addTask(page, "Defrost the freezer");
  await page.waitForLoadState("networkidle");

  // A second tab renames the task, so the first tab's copy is now a stale version.
  const otherTab = await context.newPage();
  await otherTab.goto("/tasks");
  await otherTab.getByRole("button", { name: "Edit “Water the plants”" }).click();
  await otherTab.getByLabel("Title", { exact: true }).fill("Water the plants twice");
  await Promise.all([
    otherTab.waitForResponse((response) => response.url().includes("task.update") && response.ok()),
    otherTab.getByLabel("Title", { exact: true }).press("Enter"),
  ]);
  await otherTab.close();

  // Back in the first tab, completing the stale copy shows at once (the request is held
  // back to prove it), then the server's CONFLICT undoes it and says why.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/trpc/task.update*", async (route) => {
    await released;
    await route.continue();
  });
  await taskCheckbox(page, "Water the plants").click();
  // The update renders after the click returns; the request is still held, so this is optimistic.
  await expect.poll(() => taskCheckbox(page, "Water the plants").isChecked(), { message: "optimistic: checked before the server answers" }).toBe(true);
  await expect.poll(() => filterCount(page, "Completed")).toBe("1");
  const conflict = page.waitForResponse((response) => response.url().includes("task.update"));
  release();
  expect((await conflict).status()).toBe(409);
  await page
    .getByRole("alert")
    .filter({ hasText: "“Water the plants” was changed in another tab or on another device, so your change was not saved." })
    .waitFor();
  // The fresh version replaces the stale one, still not completed.
  await taskCheckbox(page, "Water the plants twice").waitFor();
  expect(await taskCheckbox(page, "Water the plants twice").isChecked()).toBe(false);
  await expect.poll(() => filterCount(page, "Completed")).toBe("0");
  await page.unroute("**/api/trpc/task.update*");

  // With the fresh version, the same change goes through.
  await page.getByRole("button", { name: "Dismiss message" }).click();
  await taskCheckbox(page, "Water the plants twice").click();
  await expect.poll(() => filterCount(page, "Completed")).toBe("1");
  await page.waitForLoadState("networkidle");
  await page.reload();
  expect(await taskCheckbox(page, "Water the plants twice").isChecked()).toBe(true);

  // A delete that never reaches the server puts the task back where it was.
  await page.route("**/api/trpc/task.delete*", (route) => route.abort("internetdisconnected"));
  await page.getByRole("button", { name: "Delete “Defrost the freezer”" }).click();
  await page.getByRole("alert").filter({ hasText: "Could not reach the server, so your change to “Defrost the freezer” was undone." }).waitFor();
  expect(await visibleTitles(page)).toEqual(["Defrost the freezer", "Water the plants twice"]);
  expect(await filterCount(page, "All")).toBe("2");
});
