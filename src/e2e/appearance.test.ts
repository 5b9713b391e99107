import { expect } from "vitest";

import { accessibilityViolations, browserTest, callApi, DESKTOP, PHONE, screenshot, signUp, taskCheckbox } from "./harness";

const SCHEMES = ["light", "dark"] as const;
const SIZES = [
  { name: "desktop", viewport: DESKTOP },
  { name: "390", viewport: PHONE },
];

browserTest("pages pass WCAG 2.1 AA checks and fit from 360 px to desktop, in light and dark", async ({ person, newContext }) => {
  const sam = await person({ name: "Sam Example", email: "sam@example.com" });
  const { page } = sam;
  await signUp(sam);
  const today = new Date();
  const tasks = [
    { title: "Send the invoice to Northwind", dueAt: new Date(Date.UTC(today.getUTCFullYear() - 1, 2, 14)) },
    { title: "Plan the team offsite", description: "Venue, dates and a rough budget", dueAt: new Date(Date.UTC(today.getUTCFullYear() + 1, 5, 2)) },
    { title: "Renew the domain name" },
    { title: "Water the office plants", description: "The fern needs less than you think" },
  ];
  for (const task of tasks) expect((await callApi(page, "task.create", task)).status).toBe(200);
  await page.reload();
  await taskCheckbox(page, "Renew the domain name").click();
  await page.waitForLoadState("networkidle");

  const visitor = await (await newContext()).newPage();
  const pages = [
    { page: visitor, path: "/", name: "landing" },
    { page: visitor, path: "/sign-in", name: "sign-in" },
    { page: visitor, path: "/sign-up", name: "sign-up" },
    { page, path: "/tasks", name: "tasks" },
  ];

  for (const target of pages) {
    await target.page.goto(target.path);
    for (const colorScheme of SCHEMES) {
      await target.page.emulateMedia({ colorScheme });
      for (const size of SIZES) {
        await target.page.setViewportSize(size.viewport);
        if (target.name !== "sign-up") await screenshot(target.page, `${target.name}-${colorScheme}-${size.name}`);
        expect(await accessibilityViolations(target.page), `${target.path}, ${colorScheme}, ${size.name}`).toEqual([]);
      }
    }
    // The narrowest phone in use: nothing may stick out sideways.
    await target.page.setViewportSize({ width: 360, height: 740 });
    const overflow = await target.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${target.path} at 360 px`).toBe(0);
  }
});
