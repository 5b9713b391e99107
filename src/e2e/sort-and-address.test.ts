import type { Page } from "playwright-core";
import { expect } from "vitest";

import { browserTest, callApi, signUp, visibleTitles } from "./harness";

const order = (page: Page) => page.getByLabel("Order");
const search = (page: Page) => page.getByLabel("Search tasks");
const query = (page: Page) => new URL(page.url()).search;

browserTest("order, filter and search live in the address: reload, back and forward keep them", async ({ person }) => {
  const ola = await person({ name: "Ola" });
  const { page } = ola;
  await signUp(ola);
  const create = (title: string, extra: object = {}) => callApi(page, "task.create", { title, ...extra });
  await create("No date");
  await create("Due in March", { dueAt: new Date("2031-03-01T00:00:00.000Z") });
  await create("Due in February", { dueAt: new Date("2031-02-01T00:00:00.000Z"), description: "buy Groceries on the way" });
  const { body } = await create("Done already");
  const done = (body as { result: { data: { json: { id: string } } } }).result.data.json.id;
  expect((await callApi(page, "task.update", { id: done, completed: true })).status).toBe(200);
  await page.reload();
  expect(await visibleTitles(page)).toEqual(["Done already", "Due in February", "Due in March", "No date"]);

  await order(page).selectOption("due");
  await expect.poll(() => visibleTitles(page)).toEqual(["Due in February", "Due in March", "Done already", "No date"]);
  expect(query(page)).toBe("?sort=due");

  await order(page).selectOption("completedLast");
  await expect.poll(() => visibleTitles(page)).toEqual(["Due in February", "Due in March", "No date", "Done already"]);

  await page.getByRole("button", { name: /^Active/ }).click();
  await expect.poll(() => visibleTitles(page)).toEqual(["Due in February", "Due in March", "No date"]);
  await search(page).fill("groceries");
  await expect.poll(() => visibleTitles(page), { message: "search reads the notes" }).toEqual(["Due in February"]);
  await expect.poll(() => query(page)).toBe("?sort=completedLast&status=active&q=groceries");

  await page.reload();
  expect(await order(page).inputValue()).toBe("completedLast");
  expect(await page.getByRole("button", { name: /^Active/ }).getAttribute("aria-pressed")).toBe("true");
  expect(await search(page).inputValue()).toBe("groceries");
  expect(await visibleTitles(page)).toEqual(["Due in February"]);

  // Typing replaced the address; choosing a tab or an order added to the history.
  await page.goBack();
  await expect.poll(() => query(page)).toBe("?sort=completedLast");
  await expect.poll(() => visibleTitles(page)).toEqual(["Due in February", "Due in March", "No date", "Done already"]);
  expect(await search(page).inputValue()).toBe("");
  await page.goBack();
  await expect.poll(() => visibleTitles(page)).toEqual(["Due in February", "Due in March", "Done already", "No date"]);
  expect(await order(page).inputValue()).toBe("due");
  await page.goForward();
  await page.goForward();
  await expect.poll(() => visibleTitles(page)).toEqual(["Due in February"]);
  expect(await search(page).inputValue()).toBe("groceries");

  // A link to a view opens that view.
  await page.goto("/tasks?sort=due&status=completed");
  expect(await visibleTitles(page)).toEqual(["Done already"]);
});
