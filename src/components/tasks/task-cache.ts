import type { TaskSort } from "@/lib/validators/task";

import type { Task, TaskListData, TaskListFilters, TaskStats } from "./task-list-query";

/**
 * Pure edits of cached task lists and counts, so the screen can change before the server
 * answers. Each edit concerns one task; undoing it is the same edit with the task's earlier
 * state, so undoing one change never disturbs another still in flight.
 */

/** A change to a task's own fields, already validated by the shared schemas. */
export interface TaskPatch {
  title?: string;
  description?: string | null;
  completed?: boolean;
  dueAt?: Date | null;
}

/** `task` as the server will return it after `patch` (apart from the timestamps). */
export function applyPatch(task: Task, patch: TaskPatch): Task {
  return {
    ...task,
    title: patch.title ?? task.title,
    description: patch.description === undefined ? task.description : patch.description,
    completed: patch.completed ?? task.completed,
    dueAt: patch.dueAt === undefined ? task.dueAt : patch.dueAt,
  };
}

/** Whether a list with these filters shows `task` (the server's rule: case-insensitive substring of title or notes). */
export function matchesFilters(task: Task, { status, search }: Pick<TaskListFilters, "status" | "search">): boolean {
  if (status === "active" && task.completed) return false;
  if (status === "completed" && !task.completed) return false;
  const needle = search.toLocaleLowerCase();
  return (
    search === "" ||
    task.title.toLocaleLowerCase().includes(needle) ||
    (task.description?.toLocaleLowerCase().includes(needle) ?? false)
  );
}

/** Whether `a` comes before `b` in the server's order `sort` (see the repository's `sortKeys`). */
function comesBefore(a: Task, b: Task, sort: TaskSort): boolean {
  if (sort === "due") {
    const due = (task: Task) => task.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
    if (due(a) !== due(b)) return due(a) < due(b);
  }
  if (sort === "completedLast" && a.completed !== b.completed) return !a.completed;
  const byCreation = b.createdAt.getTime() - a.createdAt.getTime();
  return byCreation !== 0 ? byCreation < 0 : a.id > b.id;
}

/**
 * Puts `task` where a list with `filters` would show it: replaced in place, inserted in
 * order, or taken out when it no longer matches. A task that sorts after everything loaded
 * while more pages remain is left for those pages to bring.
 */
export function upsertTask(data: TaskListData, task: Task, filters: TaskListFilters): TaskListData {
  if (!matchesFilters(task, filters)) return removeTask(data, task.id);
  const listed = data.pages.flatMap((page) => page.items);
  const index = listed.findIndex((item) => item.id === task.id);
  const [previous, next] = [listed[index - 1], listed[index + 1]];
  // Still between its neighbours (always so when only the newest-first order is used): keep its place.
  if (index !== -1 && (!previous || comesBefore(previous, task, filters.sort)) && (!next || comesBefore(task, next, filters.sort))) {
    return {
      ...data,
      pages: data.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === task.id ? task : item)) })),
    };
  }

  const pages = removeTask(data, task.id).pages.map((page) => ({ ...page, items: [...page.items] }));
  for (const page of pages) {
    const index = page.items.findIndex((item) => comesBefore(task, item, filters.sort));
    if (index !== -1) {
      page.items.splice(index, 0, task);
      return { ...data, pages };
    }
  }
  const last = pages.at(-1);
  if (!last || last.nextCursor !== null) return { ...data, pages };
  last.items.push(task);
  return { ...data, pages };
}

export function removeTask(data: TaskListData, id: string): TaskListData {
  if (!data.pages.some((page) => page.items.some((item) => item.id === id))) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== id) })),
  };
}

/** The counts after one task changed from `before` to `after` (null: did not exist / no longer exists). */
export function adjustStats(stats: TaskStats, before: Task | null, after: Task | null): TaskStats {
  const weigh = (task: Task | null, completed: boolean) => (task && task.completed === completed ? 1 : 0);
  const active = stats.active - weigh(before, false) + weigh(after, false);
  const completed = stats.completed - weigh(before, true) + weigh(after, true);
  return { total: active + completed, active, completed };
}
