import { expect } from "vitest";

import { startProductionServer } from "@/test/production-server";

import { addTask, browserTest, recordEvents, signUp, taskCheckbox, type Person, waitUntilLive } from "./harness";

/**
 * Live updates between two production instances on one PostgreSQL database (LISTEN/NOTIFY
 * across processes), and a page catching up after its instance restarts. Needs
 * TEST_DATABASE_URL; skipped without it.
 */

/** Long enough for a loaded two-core machine; the server tests time the delivery itself (< 1 s). */
const SOON = { timeout: 3_000 };

/** The person's tasks open on a second page, served by `baseUrl`, hearing changes. */
async function openOn(person: Person, baseUrl: string) {
  const page = await person.context.newPage();
  const events = await recordEvents(page);
  await page.goto(`${baseUrl}/tasks`);
  await waitUntilLive(page, events);
  return page;
}

browserTest(
  "a page on each instance: a task created, edited, ticked or deleted on either shows on the other within seconds, without reload",
  async ({ person, instances: [first, second] }) => {
    const ana = await person({ name: "Ana" });
    await signUp(ana);
    const onFirst = await openOn(ana, first!.baseUrl);
    const onSecond = await openOn(ana, second!.baseUrl);
    await ana.page.close();

    await addTask(onFirst, "Fix the bike");
    await taskCheckbox(onSecond, "Fix the bike").waitFor(SOON);
    await addTask(onSecond, "Book the dentist");
    await taskCheckbox(onFirst, "Book the dentist").waitFor(SOON);

    await onFirst.getByRole("button", { name: "Edit “Fix the bike”" }).click();
    await onFirst.getByLabel("Title", { exact: true }).fill("Fix the bike's brakes");
    await onFirst.getByLabel("Title", { exact: true }).press("Enter");
    await taskCheckbox(onSecond, "Fix the bike's brakes").waitFor(SOON);

    // A click, as elsewhere: the tick shows once the optimistic update has rendered, a moment
    // after the click, and check() fails when it looks sooner (it did, under CI's load).
    await taskCheckbox(onSecond, "Book the dentist").click();
    await expect.poll(() => taskCheckbox(onSecond, "Book the dentist").isChecked()).toBe(true);
    await expect.poll(() => taskCheckbox(onFirst, "Book the dentist").isChecked(), SOON).toBe(true);

    await onFirst.getByRole("button", { name: "Delete “Fix the bike's brakes”" }).click();
    await taskCheckbox(onSecond, "Fix the bike's brakes").waitFor({ state: "detached", ...SOON });
  },
  { twoInstances: true },
);

browserTest(
  "when its instance restarts, the page says it is reconnecting, then shows what changed meanwhile, without reload",
  async ({ person, instances: [first, second] }) => {
    const ana = await person({ name: "Ana" });
    await signUp(ana);
    await addTask(ana.page, "Water the plants");
    const page = await openOn(ana, second!.baseUrl);

    expect(await second!.stop(), "SIGTERM ends the instance cleanly").toBe(0);
    const reconnecting = page.getByRole("status").filter({ hasText: "Offline: reconnecting" });
    await reconnecting.waitFor({ timeout: 10_000 });

    // Changed through the other instance while this page's server is gone.
    // A click, not check(): this tab is behind the other, so its re-render may lag the click.
    await taskCheckbox(ana.page, "Water the plants").click();
    await expect.poll(() => taskCheckbox(ana.page, "Water the plants").isChecked()).toBe(true);
    await addTask(ana.page, "Added during the restart");
    await ana.page.waitForLoadState("networkidle");

    const restarted = await startProductionServer({ shareDatabaseWith: first!, port: Number(new URL(second!.baseUrl).port) });
    try {
      await reconnecting.waitFor({ state: "detached", timeout: 15_000 });
      await taskCheckbox(page, "Added during the restart").waitFor(SOON);
      expect(await taskCheckbox(page, "Water the plants").isChecked()).toBe(true);
    } finally {
      await restarted.stop();
    }
  },
  { twoInstances: true },
);
