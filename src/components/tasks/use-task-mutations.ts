"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { CreateTaskInput } from "@/lib/validators/task";
import { useTRPC } from "@/trpc/react";

import { adjustStats, applyPatch, removeTask, upsertTask, type TaskPatch } from "./task-cache";
import {
  DEFAULT_TASK_FILTERS,
  type Task,
  type TaskApiError,
  type TaskListData,
  type TaskListFilters,
} from "./task-list-query";

/**
 * The filters a cached list was fetched with, read back from its query key (the input
 * `taskListQueryOptions` put there), so an edit can tell whether the task still belongs.
 */
function filtersOfKey(queryKey: readonly unknown[]): TaskListFilters {
  const options = queryKey[1];
  const input = typeof options === "object" && options !== null && "input" in options ? options.input : null;
  if (typeof input !== "object" || input === null) return DEFAULT_TASK_FILTERS;
  const status = "status" in input && (input.status === "active" || input.status === "completed") ? input.status : "all";
  const search = "search" in input && typeof input.search === "string" ? input.search : "";
  const sort = "sort" in input && (input.sort === "due" || input.sort === "completedLast") ? input.sort : "newest";
  return { status, search, sort };
}

/** Cache edits shared by the task mutations: every cached list and the counts move together. */
function useTaskCache() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const lists = trpc.task.list.infiniteQueryFilter();
  const statsKey = trpc.task.stats.queryKey();

  return {
    /**
     * Stops refetches that would overwrite an optimistic change with older data. Call it
     * after `write`: a cancelled fetch falls back to the data written last, and writing
     * first keeps the change in the same event as the click that caused it.
     */
    async hold() {
      await Promise.all([queryClient.cancelQueries(lists), queryClient.cancelQueries({ queryKey: statsKey })]);
    },
    /** Shows `after` in place of `before` everywhere (null: absent). */
    write(before: Task | null, after: Task | null, id: string) {
      for (const [queryKey, data] of queryClient.getQueriesData<TaskListData>(lists)) {
        if (!data) continue;
        const next = after ? upsertTask(data, after, filtersOfKey(queryKey)) : removeTask(data, id);
        queryClient.setQueryData<TaskListData>(queryKey, next);
      }
      queryClient.setQueryData(statsKey, (stats) => (stats ? adjustStats(stats, before, after) : stats));
    },
    /**
     * Fetches the truth once the last change in flight has settled, so it cannot undo a
     * newer one. Not awaited: the mutation counts as done (and the form free for the next
     * task) as soon as the server has answered.
     */
    reconcile() {
      if (queryClient.isMutating({ mutationKey: trpc.task.pathKey() }) > 1) return;
      void queryClient.invalidateQueries(lists);
      void queryClient.invalidateQueries({ queryKey: statsKey });
    },
  };
}

/** Words a person understands for a refused change to `title`. */
export function describeTaskError(error: TaskApiError, title: string): string {
  switch (error.data?.code) {
    case "CONFLICT":
      return `“${title}” was changed in another tab or on another device, so your change was not saved. You now see the latest version.`;
    case "NOT_FOUND":
      return `“${title}” no longer exists: it was deleted in another tab or on another device.`;
    case "UNAUTHORIZED":
      return "Your session has ended, so your change was not saved. Sign in again to continue.";
    case undefined:
      return `Could not reach the server, so your change to “${title}” was undone. Check your connection and try again.`;
    default:
      return `Your change to “${title}” was not saved: ${error.message}`;
  }
}

/**
 * Optimistic update and delete of one task. Changes to the same task go to the server one
 * at a time, each expecting the version the previous one produced; a refusal puts the
 * task back as it was and reports why through `onError`.
 */
export function useTaskMutations(task: Task, onError: (message: string) => void, onDeleted: (deleted: Task) => void) {
  const trpc = useTRPC();
  const cache = useTaskCache();
  const scope = { id: `task:${task.id}` };

  const update = useMutation(
    trpc.task.update.mutationOptions({
      scope,
      onMutate: async ({ id, expectedVersion, ...patch }) => {
        // The server bumps the version on every write; predicting it lets a second quick
        // change to this task expect the version the first one will leave behind.
        const optimistic = { ...applyPatch(task, patch), version: (expectedVersion ?? task.version) + 1 };
        cache.write(task, optimistic, id);
        await cache.hold();
        return { before: task, optimistic };
      },
      onError: (error, _input, context) => {
        if (context) cache.write(context.optimistic, context.before, task.id);
        onError(describeTaskError(error, task.title));
      },
      onSettled: () => cache.reconcile(),
    }),
  );

  const remove = useMutation(
    trpc.task.delete.mutationOptions({
      scope,
      onMutate: async () => {
        cache.write(task, null, task.id);
        await cache.hold();
        return { before: task };
      },
      onError: (error, _input, context) => {
        if (context) cache.write(null, context.before, task.id);
        onError(describeTaskError(error, task.title));
      },
      // Runs even though the row has left the screen: the server's copy is what undo restores.
      onSuccess: (deleted) => onDeleted(deleted),
      onSettled: () => cache.reconcile(),
    }),
  );

  return {
    update: (patch: TaskPatch) => update.mutate({ id: task.id, expectedVersion: task.version, ...patch }),
    remove: () => remove.mutate({ id: task.id }),
  };
}

/** What a refused task creation reports, with the input so the form can put it back. */
export interface CreateTaskHandlers {
  onCreated: (task: Task) => void;
  onRefused: (error: TaskApiError, input: CreateTaskInput) => void;
}

/**
 * Adds a task (not optimistic: the server assigns its id); it shows up at once on success.
 * The handlers run for every call, even when several are in flight.
 */
export function useCreateTask({ onCreated, onRefused }: CreateTaskHandlers) {
  const trpc = useTRPC();
  const cache = useTaskCache();
  return useMutation(
    trpc.task.create.mutationOptions({
      onSuccess: (task) => {
        cache.write(null, task, task.id);
        onCreated(task);
      },
      onError: onRefused,
      onSettled: () => cache.reconcile(),
    }),
  );
}

/** Puts a deleted task back (undo), exactly as `task.delete` returned it. */
export function useRestoreTask({ onRestored, onRefused }: { onRestored: (task: Task) => void; onRefused: (message: string) => void }) {
  const trpc = useTRPC();
  const cache = useTaskCache();
  return useMutation(
    trpc.task.restore.mutationOptions({
      onSuccess: (task) => {
        cache.write(null, task, task.id);
        onRestored(task);
      },
      onError: (error, task) =>
        onRefused(
          error.data
            ? `“${task.title}” could not be restored: ${error.message}`
            : `Could not reach the server, so “${task.title}” was not restored. Check your connection and try again.`,
        ),
      onSettled: () => cache.reconcile(),
    }),
  );
}
