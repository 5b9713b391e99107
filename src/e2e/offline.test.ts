import { expect } from "vitest";

import { addTask, browserTest, filterCount, signUp, taskCheckbox, visibleTitles } from "./harness";

browserTest("offline, a new task keeps its title and says it was not saved; a tick is undone and explained", async ({ person }) => {
  const oz = await person({ name: "Oz" });
  const { page, context } = oz;
  await signUp(oz);
  await addTask(page, "Saved while online");
  await page.waitForLoadState("networkidle");

  await context.setOffline(true);
  await page.getByLabel("New task").fill("Buy stamps");
  await page.getByLabel("New task").press("Enter");
  await page.getByRole("alert").filter({ hasText: "Your task was not added: Could not reach the server." }).waitFor();
  expect(await page.getByLabel("New task").inputValue()).toBe("Buy stamps");
  expect(await page.getByRole("button", { name: "Add task" }).isVisible(), "not stuck on “Adding…”").toBe(true);

  await taskCheckbox(page, "Saved while online").click();
  await page
    .getByRole("alert")
    .filter({ hasText: "Could not reach the server, so your change to “Saved while online” was undone." })
    .waitFor();
  expect(await taskCheckbox(page, "Saved while online").isChecked()).toBe(false);
  expect(await filterCount(page, "Completed")).toBe("0");

  // Back online, the kept title goes through with one key.
  await context.setOffline(false);
  await page.getByLabel("New task").press("Enter");
  await taskCheckbox(page, "Buy stamps").waitFor();
  expect(await visibleTitles(page)).toEqual(["Buy stamps", "Saved while online"]);
});
