import type { Page } from "playwright-core";
import { expect } from "vitest";

import { addTask, browserTest, callApi, filterCount, signUp, taskCheckbox, taskId, taskRow, visibleTitles } from "./harness";

/** The task as the API stores it, every field (id, timestamps, version) included. */
async function stored(page: Page, id: string): Promise<unknown> {
  return (await callApi(page, "task.byId", { id }, "query")).body;
}

const undoMessage = (page: Page) => page.getByRole("status", { name: "Deleted task" });

browserTest("Undo brings a deleted task back exactly as it was, in its place", async ({ person }) => {
  const uma = await person({ name: "Uma" });
  const { page } = uma;
  await signUp(uma);
  await addTask(page, "Oldest");
  await page.getByText("Notes and due date").click();
  await page.getByLabel("Notes (optional)").fill("ring first");
  await page.getByLabel("Due date (optional)").fill("2031-05-06");
  await addTask(page, "Middle");
  await addTask(page, "Newest");
  await taskCheckbox(page, "Middle").click();
  await expect.poll(() => filterCount(page, "Completed")).toBe("1");
  await page.waitForLoadState("networkidle");
  const id = await taskId(page, "Middle");
  const before = await stored(page, id);
  const rowText = await taskRow(page, "Middle").innerText();

  await page.getByRole("button", { name: "Delete “Middle”" }).click();
  await undoMessage(page).filter({ hasText: "Deleted “Middle”." }).waitFor();
  expect(await visibleTitles(page)).toEqual(["Newest", "Oldest"]);
  // Still offered after five seconds.
  await page.waitForTimeout(5_200);
  expect(await undoMessage(page).isVisible()).toBe(true);
  await undoMessage(page).getByRole("button", { name: "Undo" }).click();

  await expect.poll(() => visibleTitles(page)).toEqual(["Newest", "Middle", "Oldest"]);
  expect(await taskCheckbox(page, "Middle").isChecked()).toBe(true);
  expect(await taskRow(page, "Middle").innerText()).toBe(rowText);
  expect(await filterCount(page, "All")).toBe("3");
  expect(await stored(page, id), "same id, fields, timestamps and version").toEqual(before);
  await page.waitForLoadState("networkidle");
  await page.reload();
  expect(await visibleTitles(page)).toEqual(["Newest", "Middle", "Oldest"]);

  // Left alone, the offer goes away and the delete stands.
  await page.getByRole("button", { name: "Delete “Newest”" }).click();
  await undoMessage(page).waitFor();
  await undoMessage(page).waitFor({ state: "detached", timeout: 15_000 });
  await page.reload();
  expect(await visibleTitles(page)).toEqual(["Middle", "Oldest"]);
});

browserTest("closing the tab while Undo is offered loses nothing: the delete has happened, nothing else", async ({ person }) => {
  const cy = await person({ name: "Cy" });
  const { page, context } = cy;
  await signUp(cy);
  await addTask(page, "Keep me");
  await addTask(page, "Throw away");
  await page.waitForLoadState("networkidle");

  await page.getByRole("button", { name: "Delete “Throw away”" }).click();
  await undoMessage(page).waitFor();
  await page.close();

  const again = await context.newPage();
  await again.goto("/tasks");
  expect(await visibleTitles(again)).toEqual(["Keep me"]);
  expect(await filterCount(again, "All")).toBe("1");
});
