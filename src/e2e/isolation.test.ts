import { expect } from "vitest";

import { addTask, browserTest, callApi, filterCount, signUp, taskId, visibleTitles } from "./harness";

browserTest("two people signed in at once each see only their own tasks", async ({ person }) => {
  const [alice, bob] = await Promise.all([person({ name: "Alice" }), person({ name: "Bob" })]);
  await Promise.all([signUp(alice), signUp(bob)]);

  await Promise.all([addTask(alice.page, "Alice: plan the surprise party"), addTask(bob.page, "Bob: buy a gift")]);
  await addTask(alice.page, "Alice: book the venue");

  await Promise.all([alice.page.reload(), bob.page.reload()]);
  expect(await visibleTitles(alice.page)).toEqual(["Alice: book the venue", "Alice: plan the surprise party"]);
  expect(await visibleTitles(bob.page)).toEqual(["Bob: buy a gift"]);
  expect(await filterCount(bob.page, "All")).toBe("1");

  // Searching cannot reach the other person's tasks either.
  await bob.page.getByLabel("Search tasks").fill("party");
  await bob.page.getByText("No tasks match “party”.").waitFor();

  // Nor can the API, by id: someone else's task does not exist for Bob.
  const alicesTask = await taskId(alice.page, "Alice: plan the surprise party");
  const read = await callApi(bob.page, "task.byId", { id: alicesTask }, "query");
  expect(read.status).toBe(404);
  const write = await callApi(bob.page, "task.update", { id: alicesTask, title: "Bob was here" });
  expect(write.status).toBe(404);
  const remove = await callApi(bob.page, "task.delete", { id: alicesTask });
  expect(remove.status).toBe(404);

  await alice.page.reload();
  expect(await visibleTitles(alice.page)).toEqual(["Alice: book the venue", "Alice: plan the surprise party"]);
});
