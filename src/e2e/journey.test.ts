import { expect } from "vitest";

import {
  addTask,
  browserTest,
  filterCount,
  isFocused,
  screenshot,
  signIn,
  signUp,
  taskCheckbox,
  taskRow,
  visibleTitles,
} from "./harness";

browserTest("a person signs up, manages tasks, signs out, and finds them again after signing in", async ({ person }) => {
  const ada = await person({ name: "Ada Lovelace" });
  const { page } = ada;

  await page.goto("/");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.waitForURL("**/sign-up");
  await signUp(ada);
  await page.getByText(`Signed in as ${ada.name} (${ada.email})`).waitFor();
  await page.getByText("You have no tasks yet").waitFor();

  await addTask(page, "Buy milk");
  expect(await isFocused(page.getByLabel("New task")), "focus stays in the add field").toBe(true);
  expect(await page.getByLabel("New task").inputValue()).toBe("");

  // Notes and a due date long past: the task is overdue.
  await page.getByLabel("New task").fill("Write report");
  await page.getByText("Notes and due date").click();
  await page.getByLabel("Notes (optional)").fill("Quarterly numbers");
  await page.getByLabel("Due date (optional)").fill("2020-01-15");
  await page.getByLabel("New task").press("Enter");
  await taskCheckbox(page, "Write report").waitFor();
  await addTask(page, "Call plumber");

  expect(await visibleTitles(page), "newest first").toEqual(["Call plumber", "Write report", "Buy milk"]);
  const report = taskRow(page, "Write report");
  expect(await report.innerText()).toContain("Overdue · Due Wed, Jan 15, 2020");
  expect(await report.innerText()).toContain("Quarterly numbers");
  expect(await taskRow(page, "Buy milk").innerText()).not.toContain("Overdue");
  expect([await filterCount(page, "All"), await filterCount(page, "Active"), await filterCount(page, "Completed")]).toEqual(["3", "3", "0"]);

  // Complete one.
  await taskCheckbox(page, "Buy milk").click();
  await expect.poll(() => taskCheckbox(page, "Buy milk").isChecked()).toBe(true);
  await expect.poll(() => filterCount(page, "Completed")).toBe("1");
  expect(await filterCount(page, "Active")).toBe("2");

  // Filter.
  await page.getByRole("button", { name: /^Active/ }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Call plumber", "Write report"]);
  await page.getByRole("button", { name: /^Completed/ }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Buy milk"]);
  expect(await taskCheckbox(page, "Buy milk").isChecked()).toBe(true);
  await page.getByRole("button", { name: /^All/ }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Call plumber", "Write report", "Buy milk"]);

  // Search (debounced, case-insensitive), and the empty state it can lead to.
  await page.getByLabel("Search tasks").fill("REPORT");
  await expect.poll(() => visibleTitles(page)).toEqual(["Write report"]);
  await page.getByLabel("Search tasks").fill("dentist");
  await page.getByText("No tasks match “dentist”.").waitFor();
  await page.getByRole("button", { name: "Clear search" }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Call plumber", "Write report", "Buy milk"]);

  // Edit the title inline: Escape cancels, Enter saves.
  await page.getByRole("button", { name: "Edit “Call plumber”" }).click();
  const titleField = page.getByLabel("Title", { exact: true });
  expect(await isFocused(titleField), "editing starts in the title").toBe(true);
  await titleField.fill("Something else");
  await titleField.press("Escape");
  await taskCheckbox(page, "Call plumber").waitFor();
  expect(await isFocused(page.getByRole("button", { name: "Edit “Call plumber”" })), "focus returns to Edit").toBe(true);

  await page.getByRole("button", { name: "Edit “Call plumber”" }).click();
  await titleField.fill("Call the plumber");
  await page.getByLabel("Notes", { exact: true }).fill("Kitchen sink drips");
  await page.getByLabel("Due date", { exact: true }).fill("2099-03-01");
  await titleField.press("Enter");
  await taskCheckbox(page, "Call the plumber").waitFor();
  const plumber = taskRow(page, "Call the plumber");
  expect(await plumber.innerText()).toContain("Kitchen sink drips");
  expect(await plumber.innerText()).toContain("Due Sun, Mar 1, 2099");
  expect(await plumber.innerText()).not.toContain("Overdue");

  // Delete: the task goes, the counts follow, focus lands on the next task.
  await page.getByRole("button", { name: "Delete “Buy milk”" }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Call the plumber", "Write report"]);
  expect(await isFocused(taskCheckbox(page, "Write report")), "focus moves to the neighbour").toBe(true);
  await expect.poll(() => filterCount(page, "Completed")).toBe("0");
  expect(await filterCount(page, "All")).toBe("2");

  // Reload: everything was saved, and the first HTML already holds the list.
  await page.waitForLoadState("networkidle");
  await page.reload();
  expect(await visibleTitles(page)).toEqual(["Call the plumber", "Write report"]);
  expect(await taskRow(page, "Call the plumber").innerText()).toContain("Kitchen sink drips");
  expect(await taskRow(page, "Write report").innerText()).toContain("Overdue");
  const html = await (await page.request.get("/tasks")).text();
  expect(html).toContain("Call the plumber");
  expect(html).not.toContain("Loading your tasks");
  await screenshot(page, "journey-tasks");

  // Sign out: the task page is closed to this browser until it signs in again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in");
  await page.goto("/tasks");
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/sign-in?next=%2Ftasks");

  await signIn(page, { email: ada.email, password: "not the password" });
  await page.getByRole("alert").filter({ hasText: "That email and password don’t match an account" }).waitFor();
  await signIn(page, ada);
  await page.waitForURL("**/tasks");
  await expect.poll(() => visibleTitles(page)).toEqual(["Call the plumber", "Write report"]);

  // Signed in, the landing and sign-in pages send the person on to their tasks.
  for (const path of ["/", "/sign-in"]) {
    await page.goto(path);
    expect(new URL(page.url()).pathname).toBe("/tasks");
  }
});
