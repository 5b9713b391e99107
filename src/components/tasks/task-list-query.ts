import { infiniteQueryOptions, type InfiniteData } from "@tanstack/react-query";
import type { TRPCClientErrorLike } from "@trpc/client";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";

import type { TaskSort, TaskStatus } from "@/lib/validators/task";
import type { AppRouter } from "@/server/api/root";
import type { RouterInputs, RouterOutputs } from "@/trpc/react";

export type TaskPage = RouterOutputs["task"]["list"];
export type Task = TaskPage["items"][number];
export type TaskStats = RouterOutputs["task"]["stats"];
export type TaskListInput = NonNullable<RouterInputs["task"]["list"]>;
export type TaskListData = InfiniteData<TaskPage, string | null>;
export type TaskApiError = TRPCClientErrorLike<AppRouter>;

/** What the list shows: the status tab, the (already debounced and trimmed) search text and the order. */
export interface TaskListFilters {
  status: TaskStatus;
  search: string;
  sort: TaskSort;
}

export const DEFAULT_TASK_FILTERS: TaskListFilters = { status: "all", search: "", sort: "newest" };

// Small enough that the first paint is quick, large enough that most people never page.
export const TASK_PAGE_SIZE = 20;

/**
 * The task list as an infinite query over the API's cursor, for the server prefetch and the
 * browser alike (the same key, so the browser starts from what the server rendered).
 *
 * tRPC's own `infiniteQueryOptions` adds `direction` to the procedure input, which the
 * strict `task.list` input schema refuses; this builds the same cache entry and sends only
 * the fields the procedure accepts.
 */
export function taskListQueryOptions(
  trpc: TRPCOptionsProxy<AppRouter>,
  fetchPage: (input: TaskListInput, signal: AbortSignal) => Promise<TaskPage>,
  { status, search, sort }: TaskListFilters,
) {
  const input = { status, sort, limit: TASK_PAGE_SIZE, ...(search ? { search } : {}) };
  const queryKey = trpc.task.list.infiniteQueryKey(input);
  return infiniteQueryOptions<TaskPage, TaskApiError, TaskListData, typeof queryKey, string | null>({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage({ ...input, cursor: pageParam }, signal),
    initialPageParam: null,
    getNextPageParam: (page) => page.nextCursor,
  });
}
