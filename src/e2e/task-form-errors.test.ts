import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

import { addTask, browserTest, signUp, taskCheckbox } from "./harness";

/** The text of the message a field names in aria-describedby: what a screen reader reads with it. */
async function describedBy(page: Page, field: Locator): Promise<string> {
  const id = await field.getAttribute("aria-describedby");
  if (!id) return "";
  return page.locator(`[id="${id}"]`).innerText();
}

browserTest("the task forms explain a bad title or notes next to the field, and send nothing", async ({ person }) => {
  const ada = await person({ name: "Ada" });
  const { page } = ada;
  await signUp(ada);
  const writes: string[] = [];
  page.on("request", (request) => {
    if (/task\.(create|update)/.test(request.url())) writes.push(request.url());
  });

  // New task: the API's own schema answers in the browser.
  const newTitle = page.getByLabel("New task");
  await newTitle.press("Enter");
  await page.getByText("Title is required").waitFor();
  expect(await newTitle.getAttribute("aria-invalid")).toBe("true");
  expect(await describedBy(page, newTitle)).toBe("Title is required");

  await newTitle.fill("x".repeat(201));
  await newTitle.press("Enter");
  await page.getByText("Title must be at most 200 characters").waitFor();
  expect(await describedBy(page, newTitle)).toBe("Title must be at most 200 characters");

  await page.getByText("Notes and due date").click();
  await newTitle.fill("Write the report");
  const notes = page.getByLabel("Notes (optional)");
  await notes.fill("n".repeat(10_001));
  await newTitle.press("Enter");
  await page.getByText("Notes must be at most 10,000 characters").waitFor();
  expect(await notes.getAttribute("aria-invalid")).toBe("true");
  expect(await describedBy(page, notes)).toBe("Notes must be at most 10,000 characters");
  expect(await newTitle.getAttribute("aria-invalid"), "a title now valid is no longer marked").toBeNull();
  expect(writes).toEqual([]);

  // Editing: the same rules, in the edit form.
  await notes.fill("");
  await addTask(page, "Water the plants");
  await page.getByRole("button", { name: "Edit “Water the plants”" }).click();
  const editTitle = page.getByRole("form", { name: "Edit “Water the plants”" }).getByLabel("Title", { exact: true });
  await editTitle.fill("   ");
  await editTitle.press("Enter");
  await page.getByRole("form", { name: "Edit “Water the plants”" }).getByText("Title is required").waitFor();
  expect(await editTitle.getAttribute("aria-invalid")).toBe("true");
  expect(await describedBy(page, editTitle)).toBe("Title is required");
  expect(writes.filter((url) => url.includes("task.update"))).toEqual([]);
  await editTitle.press("Escape");
  await taskCheckbox(page, "Water the plants").waitFor();
});
