import { expect, test } from "vitest";

import { safeNextPath } from "./next-path";

test("sends people back to the page of this site they came from", () => {
  expect(safeNextPath("/tasks")).toBe("/tasks");
  expect(safeNextPath("/tasks?status=active#top")).toBe("/tasks?status=active#top");
});

test("never sends people to another site (open redirect)", () => {
  for (const next of ["https://evil.example/", "//evil.example/tasks", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "tasks"]) {
    expect(safeNextPath(next), next).toBe("/tasks");
  }
});

test("falls back to the task list when there is nowhere sensible to go", () => {
  expect(safeNextPath(undefined)).toBe("/tasks");
  expect(safeNextPath(["/a", "/b"])).toBe("/tasks");
  expect(safeNextPath("/sign-in?next=/tasks")).toBe("/tasks");
});
