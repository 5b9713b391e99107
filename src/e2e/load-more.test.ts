import { expect } from "vitest";

import { browserTest, callApi, isFocused, signUp, taskCheckbox, visibleTitles } from "./harness";

browserTest("a long list arrives a page at a time with “Load more tasks”", async ({ person }) => {
  const max = await person({ name: "Max" });
  const { page } = max;
  await signUp(max);
  for (let n = 1; n <= 23; n += 1) {
    expect((await callApi(page, "task.create", { title: `Task ${String(n).padStart(2, "0")}` })).status).toBe(200);
  }

  await page.reload();
  const firstPage = await visibleTitles(page);
  expect(firstPage).toHaveLength(20);
  expect(firstPage[0]).toBe("Task 23");
  expect(firstPage.at(-1)).toBe("Task 04");

  await page.getByRole("button", { name: "Load more tasks" }).click();
  await expect.poll(() => visibleTitles(page)).toHaveLength(23);
  expect((await visibleTitles(page)).slice(19)).toEqual(["Task 04", "Task 03", "Task 02", "Task 01"]);
  expect(await isFocused(taskCheckbox(page, "Task 03")), "focus moves to the first task loaded").toBe(true);
  expect(await page.getByRole("button", { name: "Load more tasks" }).count(), "nothing more to load").toBe(0);

  // Tasks from the second page change like any other.
  await taskCheckbox(page, "Task 01").click();
  await page.getByRole("button", { name: /^Completed/ }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Task 01"]);
});
