import { describe, expect, test } from "vitest";

import { adjustStats, applyPatch, matchesFilters, removeTask, upsertTask } from "./task-cache";
import type { Task, TaskListData } from "./task-list-query";

function task(n: number, overrides: Partial<Task> = {}): Task {
  const createdAt = new Date(Date.UTC(2025, 0, n));
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    title: `Task ${n}`,
    description: null,
    completed: false,
    dueAt: null,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...overrides,
  };
}

/** Pages of tasks, newest first, as the server sends them. */
function pages(...items: Task[][]): TaskListData {
  return {
    pages: items.map((page, index) => ({ items: page, nextCursor: index < items.length - 1 ? `cursor-${index}` : null })),
    pageParams: items.map((_, index) => (index === 0 ? null : `cursor-${index - 1}`)),
  };
}

const titles = (data: TaskListData) => data.pages.map((page) => page.items.map((item) => item.title));
const all = { status: "all", search: "", sort: "newest" } as const;

describe("upsertTask", () => {
  test("replaces a changed task in place", () => {
    const data = pages([task(3), task(2)], [task(1)]);
    const next = upsertTask(data, { ...task(2), title: "Renamed" }, all);
    expect(titles(next)).toEqual([["Task 3", "Renamed"], ["Task 1"]]);
    expect(titles(data), "the cached data is not mutated").toEqual([["Task 3", "Task 2"], ["Task 1"]]);
  });

  test("takes a task out of a list it no longer matches, and puts it back in order when it matches again", () => {
    const active = { status: "active", search: "", sort: "newest" } as const;
    const data = pages([task(3), task(2), task(1)]);
    const completed = upsertTask(data, task(2, { completed: true }), active);
    expect(titles(completed)).toEqual([["Task 3", "Task 1"]]);
    expect(titles(upsertTask(completed, task(2), active))).toEqual([["Task 3", "Task 2", "Task 1"]]);
  });

  test("inserts a new task at the top and a restored one where the server would list it", () => {
    const data = pages([task(5), task(3)], [task(2)]);
    expect(titles(upsertTask(data, task(6), all))).toEqual([["Task 6", "Task 5", "Task 3"], ["Task 2"]]);
    expect(titles(upsertTask(data, task(4), all))).toEqual([["Task 5", "Task 4", "Task 3"], ["Task 2"]]);
    expect(titles(upsertTask(data, task(1), all)), "after everything, on the last page").toEqual([["Task 5", "Task 3"], ["Task 2", "Task 1"]]);
  });

  test("leaves a task that sorts after every loaded one to the pages not loaded yet", () => {
    const data = pages([task(5), task(4)]);
    const withMore: TaskListData = { ...data, pages: data.pages.map((page) => ({ ...page, nextCursor: "more" })) };
    expect(titles(upsertTask(withMore, task(1), all))).toEqual([["Task 5", "Task 4"]]);
  });

  test("orders tasks created at the same instant by id, like the server", () => {
    const same = new Date(Date.UTC(2025, 5, 1));
    const a = task(1, { createdAt: same, title: "a" });
    const b = task(2, { createdAt: same, title: "b" });
    expect(titles(upsertTask(pages([b]), a, all))).toEqual([["b", "a"]]);
  });

  test("respects the search: a renamed task leaves a list searched for its old title", () => {
    const search = { status: "all", search: "milk", sort: "newest" } as const;
    const data = pages([task(1, { title: "Buy milk" })]);
    expect(titles(upsertTask(data, task(1, { title: "Buy bread" }), search))).toEqual([[]]);
  });
});

describe("upsertTask in the other orders", () => {
  const byDue = { status: "all", search: "", sort: "due" } as const;
  const day = (d: number) => new Date(Date.UTC(2025, 5, d));

  test("a new due date moves the task to its place; no due date goes last", () => {
    const data = pages([task(1, { dueAt: day(1) }), task(2, { dueAt: day(2) }), task(3)]);
    expect(titles(upsertTask(data, task(3, { dueAt: day(1) }), byDue))).toEqual([["Task 3", "Task 1", "Task 2"]]);
    expect(titles(upsertTask(data, task(1, { dueAt: null }), byDue))).toEqual([["Task 2", "Task 3", "Task 1"]]);
  });

  test("completing a task moves it below the open ones, or out of the loaded pages", () => {
    const completedLast = { status: "all", search: "", sort: "completedLast" } as const;
    const data = pages([task(3), task(2), task(1)]);
    expect(titles(upsertTask(data, task(3, { completed: true }), completedLast))).toEqual([["Task 2", "Task 1", "Task 3"]]);
    const more = pages([task(3), task(2)], [task(1)]);
    const moved = upsertTask({ ...more, pages: [more.pages[0]!] }, task(3, { completed: true }), completedLast);
    expect(titles(moved), "later pages bring it").toEqual([["Task 2"]]);
  });
});

test("removeTask drops the task from whichever page holds it", () => {
  expect(titles(removeTask(pages([task(3)], [task(2), task(1)]), task(2).id))).toEqual([["Task 3"], ["Task 1"]]);
});

test("matchesFilters searches titles and notes case-insensitively", () => {
  expect(matchesFilters(task(1, { title: "Write REPORT" }), { status: "all", search: "report" })).toBe(true);
  expect(matchesFilters(task(1, { description: "Call the BANK first" }), { status: "all", search: "bank" })).toBe(true);
  expect(matchesFilters(task(1, { description: null }), { status: "all", search: "bank" })).toBe(false);
  expect(matchesFilters(task(1, { completed: true }), { status: "active", search: "" })).toBe(false);
  expect(matchesFilters(task(1, { completed: true }), { status: "completed", search: "" })).toBe(true);
});

test("adjustStats moves one task between the counts, and undoing is the same call reversed", () => {
  const stats = { total: 3, active: 2, completed: 1 };
  const done = adjustStats(stats, task(1), task(1, { completed: true }));
  expect(done).toEqual({ total: 3, active: 1, completed: 2 });
  expect(adjustStats(done, task(1, { completed: true }), task(1))).toEqual(stats);
  expect(adjustStats(stats, task(1), null), "deleted").toEqual({ total: 2, active: 1, completed: 1 });
  expect(adjustStats(stats, null, task(9)), "created").toEqual({ total: 4, active: 3, completed: 1 });
});

test("applyPatch changes only the fields given; null clears notes and due date", () => {
  const original = task(1, { description: "notes", dueAt: new Date(Date.UTC(2025, 1, 1)) });
  expect(applyPatch(original, { title: "New" })).toEqual({ ...original, title: "New" });
  expect(applyPatch(original, { description: null, dueAt: null })).toEqual({ ...original, description: null, dueAt: null });
});
