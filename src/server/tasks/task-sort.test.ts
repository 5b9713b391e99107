import { afterAll, beforeAll, expect, test } from "vitest";

import { TASK_SORTS, type TaskSort, type TaskStatus } from "@/lib/validators/task";
import { createTestApp, type TestApp } from "@/test/app";

import { decodeCursor } from "./cursor";
import { createTaskRepository, type Task, type TaskRepository } from "./task-repository";

let app: TestApp;
let tasks: TaskRepository;
let stored: Task[];

// Few distinct values, so most tasks tie on the leading key and on creation time.
const CREATED = ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"].map((text) => new Date(text));
const DUE = [null, new Date("2026-03-01T00:00:00.000Z"), new Date("2026-02-01T00:00:00.000Z")];

beforeAll(async () => {
  app = await createTestApp();
  const user = await app.signUp();
  tasks = createTaskRepository(app.db, user.id);
  stored = [];
  for (let i = 0; i < 30; i += 1) {
    const task = {
      id: crypto.randomUUID(),
      title: `Task ${i}`,
      description: i % 5 === 0 ? `notes mention Groceries ${i}` : null,
      completed: i % 3 === 0,
      dueAt: DUE[i % DUE.length] ?? null,
      createdAt: CREATED[i % CREATED.length]!,
      updatedAt: CREATED[1]!,
      version: 1,
    };
    const result = await tasks.restore(task);
    if (result.status !== "created") throw new Error(`could not store task ${i}: ${result.status}`);
    stored.push(result.task);
  }
});

afterAll(() => app.close());

/** The order each sort promises, written out independently of the SQL. */
function expectedOrder(sort: TaskSort, status: TaskStatus, search = ""): string[] {
  const newestFirst = (a: Task, b: Task) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);
  const due = (task: Task) => task.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const compare = {
    newest: newestFirst,
    due: (a: Task, b: Task) => (due(a) === due(b) ? newestFirst(a, b) : due(a) < due(b) ? -1 : 1),
    completedLast: (a: Task, b: Task) => Number(a.completed) - Number(b.completed) || newestFirst(a, b),
  }[sort];
  const needle = search.toLowerCase();
  return stored
    .filter((task) => status === "all" || task.completed === (status === "completed"))
    .filter((task) => `${task.title}\n${task.description ?? ""}`.toLowerCase().includes(needle))
    .sort(compare)
    .map((task) => task.title);
}

async function pageThrough(sort: TaskSort, status: TaskStatus, search?: string): Promise<string[]> {
  const titles: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await tasks.list({ status, sort, search, limit: 4, cursor: cursor === null ? null : decodeCursor(cursor) });
    titles.push(...page.items.map((task) => task.title));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return titles;
}

test.each(TASK_SORTS.flatMap((sort) => (["all", "active", "completed"] as const).map((status) => [sort, status] as const)))(
  "paging through %s order (%s) in pages of 4 gives every task once, in order, despite ties and missing due dates",
  async (sort, status) => {
    expect(await pageThrough(sort, status)).toEqual(expectedOrder(sort, status));
  },
);

test("search finds words in the notes as well as the title, case-insensitively", async () => {
  const found = await pageThrough("due", "all", "groceries");
  expect(found).toEqual(expectedOrder("due", "all", "groceries"));
  expect(found).toHaveLength(6);
  expect(await pageThrough("newest", "all", "Task 1")).toEqual(expectedOrder("newest", "all", "Task 1"));
});

test("due order puts the soonest first and tasks without a due date last", async () => {
  const { items } = await tasks.list({ status: "all", sort: "due", limit: 100 });
  const dues = items.map((task) => task.dueAt?.toISOString() ?? "none");
  expect(dues.indexOf("none")).toBe(dues.lastIndexOf("2026-03-01T00:00:00.000Z") + 1);
  expect(dues[0]).toBe("2026-02-01T00:00:00.000Z");
});
