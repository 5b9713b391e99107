import type { TaskSort, TaskStatus } from "@/lib/validators/task";

import { DEFAULT_TASK_FILTERS, type TaskListFilters } from "./task-list-query";

/**
 * The list's view lives in the address (`?status=active&sort=due&q=milk`), so a reload, the
 * back and forward buttons and a shared link all show the same view. Defaults are left out,
 * and anything unknown reads as the default: an address is never an error.
 */

export const SORT_OPTIONS = [
  { sort: "newest", label: "Newest first" },
  { sort: "due", label: "Due date" },
  { sort: "completedLast", label: "Completed last" },
] as const satisfies readonly { sort: TaskSort; label: string }[];

const STATUSES: readonly TaskStatus[] = ["all", "active", "completed"];
// The server refuses longer searches; the list asks for what it can show.
const SEARCH_MAX_LENGTH = 200;

type ParamName = "status" | "sort" | "q";

/** The filters an address asks for; `get` reads one query parameter. */
export function filtersFromParams(get: (name: ParamName) => string | null | undefined): TaskListFilters {
  const status = STATUSES.find((value) => value === get("status")) ?? DEFAULT_TASK_FILTERS.status;
  const sort = SORT_OPTIONS.find((option) => option.sort === get("sort"))?.sort ?? DEFAULT_TASK_FILTERS.sort;
  return { status, sort, search: searchFromParam(get("q")) };
}

/** The search an address asks for, trimmed and cut to what the server takes. */
export function searchFromParam(value: string | null | undefined): string {
  return (value ?? "").slice(0, SEARCH_MAX_LENGTH).trim();
}

/** Page `search` (the current query string) with `filters` changed, defaults left out. */
export function withFilters(search: string, filters: Partial<TaskListFilters>): string {
  const params = new URLSearchParams(search);
  const names: Record<keyof TaskListFilters, ParamName> = { status: "status", sort: "sort", search: "q" };
  for (const [key, value] of Object.entries(filters) as [keyof TaskListFilters, string][]) {
    if (value === DEFAULT_TASK_FILTERS[key]) params.delete(names[key]);
    else params.set(names[key], value);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}
