import type { Page } from "playwright-core";
import { expect } from "vitest";

import { addTask, browserTest, isFocused, signUp, taskCheckbox } from "./harness";

const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

browserTest("n, / and ? reach the new-task field, the search and the shortcut list, but never while typing", async ({ person }) => {
  const kai = await person({ name: "Kai" });
  const { page } = kai;
  await signUp(kai);
  await addTask(page, "First");
  await blur(page);

  await page.keyboard.press("n");
  expect(await isFocused(page.getByLabel("New task"))).toBe(true);
  await page.keyboard.type("n/? are just letters here");
  expect(await page.getByLabel("New task").inputValue()).toBe("n/? are just letters here");
  expect(await page.getByRole("dialog").count()).toBe(0);
  await page.getByLabel("New task").fill("");

  await blur(page);
  await page.keyboard.press("/");
  expect(await isFocused(page.getByLabel("Search tasks"))).toBe(true);
  expect(await page.getByLabel("Search tasks").inputValue(), "the key itself is not typed").toBe("");
  await page.keyboard.type("n?");
  expect(await page.getByLabel("Search tasks").inputValue()).toBe("n?");
  await page.getByLabel("Search tasks").fill("");

  // On a checkbox nothing is typed, so the shortcuts work.
  await taskCheckbox(page, "First").focus();
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await dialog.waitFor();
  expect(await dialog.innerText()).toMatch(/n\s+New task[\s\S]*\/\s+Search[\s\S]*\?\s+Show these shortcuts/);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  expect(await taskCheckbox(page, "First").isChecked(), "no key reached the checkbox").toBe(false);
});
