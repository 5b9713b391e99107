import { expect } from "vitest";

import { createTaskClient } from "@/client";

import { addTask, browserTest, recordEvents, signUp, taskCheckbox, taskId, waitUntilLive } from "./harness";

/** Milliseconds from now until `check` holds on the page. */
async function timeUntil(check: () => Promise<void>): Promise<number> {
  const started = Date.now();
  await check();
  return Date.now() - started;
}

browserTest("a change in one tab, or through the API with a JWT, shows in the person's other tab within a second; nobody else hears of it", async ({ person, baseUrl }) => {
  const [alice, bob] = await Promise.all([person({ name: "Alice" }), person({ name: "Bob" })]);
  await Promise.all([signUp(alice), signUp(bob)]);
  const first = alice.page;
  const second = await alice.context.newPage();
  const [firstEvents, secondEvents, bobEvents] = await Promise.all([recordEvents(first), recordEvents(second), recordEvents(bob.page)]);
  await Promise.all([first.reload(), second.goto("/tasks"), bob.page.reload()]);
  await Promise.all([waitUntilLive(first, firstEvents), waitUntilLive(second, secondEvents), waitUntilLive(bob.page, bobEvents)]);
  const bobsRequests: string[] = [];
  bob.context.on("request", (request) => bobsRequests.push(request.url()));

  // Added in the first tab: timed from the server's answer to the second tab showing it.
  const created = first.waitForResponse((response) => response.url().includes("task.create"));
  await addTask(first, "Water the plants");
  await created;
  expect(await timeUntil(() => taskCheckbox(second, "Water the plants").waitFor({ timeout: 1_000 }))).toBeLessThan(1_000);

  // Ticked in the second tab, it is ticked in the first.
  const updated = second.waitForResponse((response) => response.url().includes("task.update"));
  await taskCheckbox(second, "Water the plants").click();
  await updated;
  await expect.poll(() => taskCheckbox(first, "Water the plants").isChecked(), { timeout: 1_000 }).toBe(true);

  // Another program, with a 15-minute JWT, adds one: both tabs show it.
  const { token } = (await (await first.request.get("/api/auth/token")).json()) as { token: string };
  await createTaskClient({ baseUrl, token }).task.create.mutate({ title: "Added by a script" });
  expect(await timeUntil(() => taskCheckbox(first, "Added by a script").waitFor({ timeout: 1_000 }))).toBeLessThan(1_000);
  await taskCheckbox(second, "Added by a script").waitFor({ timeout: 1_000 });

  // Bob's page received no event and made no request because of any of it.
  const alicesTask = await taskId(first, "Water the plants");
  await bob.page.waitForTimeout(500);
  expect(bobEvents.filter((data) => !data.includes('"resync"'))).toEqual([]);
  expect(bobEvents.join("\n")).not.toContain(alicesTask);
  expect(bobsRequests).toEqual([]);
  expect(secondEvents.join("\n")).toContain(alicesTask);
});

browserTest("while the browser is offline the page says so, and back online it fetches what changed meanwhile", async ({ person, baseUrl }) => {
  const alice = await person({ name: "Alice" });
  await signUp(alice);
  const events = await recordEvents(alice.page);
  await alice.page.reload();
  await waitUntilLive(alice.page, events);
  const { token } = (await (await alice.page.request.get("/api/auth/token")).json()) as { token: string };

  await alice.context.setOffline(true);
  const offline = alice.page.getByRole("status").filter({ hasText: "Offline: reconnecting" });
  await offline.waitFor({ timeout: 5_000 });
  await createTaskClient({ baseUrl, token }).task.create.mutate({ title: "Added while offline" });

  await alice.context.setOffline(false);
  await offline.waitFor({ state: "detached", timeout: 5_000 });
  await taskCheckbox(alice.page, "Added while offline").waitFor({ timeout: 5_000 });
});
