import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

import { browserTest, filterCount, isFocused, taskCheckbox, visibleTitles } from "./harness";

/** Presses Tab until `target` has focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 30): Promise<void> {
  const visited: string[] = [];
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press("Tab");
    if (await isFocused(target)) return;
    visited.push(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? "nothing"));
  }
  throw new Error(`Tab never reached the target; visited:\n${visited.join("\n")}`);
}

/** The focused element shows a visible focus ring. */
async function focusRingWidth(page: Page): Promise<number> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element) return 0;
    const style = getComputedStyle(element);
    return style.outlineStyle === "none" ? 0 : Number.parseFloat(style.outlineWidth);
  });
}

browserTest("someone using only the keyboard signs up, adds, edits, completes and deletes a task", async ({ person }) => {
  const kim = await person({ name: "Kim Keys" });
  const { page } = kim;

  await page.goto("/sign-up");
  await tabTo(page, page.getByLabel("Name"));
  await page.keyboard.type(kim.name);
  await page.keyboard.press("Tab");
  await page.keyboard.type(kim.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(kim.password);
  await page.keyboard.press("Enter");
  await page.waitForURL("**/tasks");
  await page.getByRole("heading", { name: "Your tasks" }).waitFor();

  // Coming back later: the skip link is the first stop and leads straight into the content.
  await page.reload();
  await page.keyboard.press("Tab");
  expect(await isFocused(page.getByRole("link", { name: "Skip to main content" }))).toBe(true);
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("New task"), 3);
  expect(await focusRingWidth(page), "focus is visible").toBeGreaterThanOrEqual(2);

  // Add two tasks back to back with Enter: focus stays in the field, and the second is not
  // lost while the first is still being saved (a bug once dropped it).
  await page.keyboard.type("Renew passport");
  await page.keyboard.press("Enter");
  await page.keyboard.type("Pay rent");
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await visibleTitles(page)).sort()).toEqual(["Pay rent", "Renew passport"]);
  expect(await isFocused(page.getByLabel("New task"))).toBe(true);
  expect(await page.getByLabel("New task").inputValue()).toBe("");

  // Edit: Escape leaves it as it was, Enter saves; focus comes back to the Edit button.
  const edit = page.getByRole("button", { name: "Edit “Pay rent”" });
  await tabTo(page, edit);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.type(" today");
  await page.keyboard.press("Escape");
  await taskCheckbox(page, "Pay rent").waitFor();
  expect(await isFocused(edit)).toBe(true);
  await page.keyboard.press("Enter");
  await page.keyboard.press("End");
  await page.keyboard.type(" for May");
  await page.keyboard.press("Enter");
  await taskCheckbox(page, "Pay rent for May").waitFor();
  expect(await isFocused(page.getByRole("button", { name: "Edit “Pay rent for May”" }))).toBe(true);

  // Complete with Space.
  await tabTo(page, taskCheckbox(page, "Renew passport"));
  await page.keyboard.press("Space");
  await expect.poll(() => taskCheckbox(page, "Renew passport").isChecked()).toBe(true);
  await expect.poll(() => filterCount(page, "Completed")).toBe("1");
  expect(await focusRingWidth(page), "focus is visible").toBeGreaterThanOrEqual(2);

  // Delete with Enter; focus moves to the remaining task, then to the add field once none is left.
  await tabTo(page, page.getByRole("button", { name: "Delete “Renew passport”" }));
  await page.keyboard.press("Enter");
  await expect.poll(() => visibleTitles(page)).toEqual(["Pay rent for May"]);
  expect(await isFocused(taskCheckbox(page, "Pay rent for May"))).toBe(true);
  await tabTo(page, page.getByRole("button", { name: "Delete “Pay rent for May”" }));
  await page.keyboard.press("Enter");
  await page.getByText("You have no tasks yet").waitFor();
  expect(await isFocused(page.getByLabel("New task"))).toBe(true);
  await expect.poll(() => filterCount(page, "All")).toBe("0");
});
