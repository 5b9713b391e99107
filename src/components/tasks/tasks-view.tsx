"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

import { card, mutedText, quietButton, secondaryButton, textInput } from "@/components/ui";
import type { TaskStatus } from "@/lib/validators/task";
import { useTRPC, useTRPCClient } from "@/trpc/react";

import { useToday } from "./due-date";
import { LiveStatus } from "./live-status";
import { ShortcutsDialog, useKeyboardShortcuts } from "./keyboard-shortcuts";
import { NEW_TASK_TITLE_ID, NewTaskForm } from "./new-task-form";
import { applyPatch, matchesFilters } from "./task-cache";
import { TaskItem, taskToggleId } from "./task-item";
import { taskListQueryOptions, type Task, type TaskListFilters } from "./task-list-query";
import { filtersFromParams, searchFromParam, SORT_OPTIONS, withFilters } from "./task-list-url";
import { UndoToast } from "./undo-toast";
import { useRestoreTask } from "./use-task-mutations";

const SEARCH_DELAY_MS = 300;

const STATUS_TABS: { status: TaskStatus; label: string }[] = [
  { status: "all", label: "All" },
  { status: "active", label: "Active" },
  { status: "completed", label: "Completed" },
];

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/**
 * Shows other filters by changing the address. Tabs and order are history entries (back
 * undoes them); typing a search only replaces the address. Next.js keeps useSearchParams in
 * step with the native history calls, without a server round trip.
 */
function showFilters(change: Partial<TaskListFilters>, mode: "push" | "replace") {
  const url = `${window.location.pathname}${withFilters(window.location.search, change)}`;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

/** The task manager: add, filter, search, page through, and change tasks in place. */
export function TasksView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const today = useToday();
  const params = useSearchParams();
  const { status, sort } = filtersFromParams((name) => params.get(name));
  const [searchText, setSearchText] = useState(params.get("q") ?? "");
  const search = useDebounced(searchFromParam(searchText), SEARCH_DELAY_MS);
  const filters: TaskListFilters = { status, search, sort };
  const [problem, setProblem] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [deleted, setDeleted] = useState<Task | null>(null);
  const closeUndo = useCallback(() => setDeleted(null), [setDeleted]);
  const restore = useRestoreTask({
    onRestored: (task) => setAnnouncement(`Restored “${task.title}”.`),
    onRefused: setProblem,
  });
  const shortcuts = useRef<HTMLDialogElement>(null);
  useKeyboardShortcuts({
    n: () => document.getElementById(NEW_TASK_TITLE_ID)?.focus(),
    "/": () => document.getElementById("task-search")?.focus(),
    "?": () => shortcuts.current?.showModal(),
  });

  // The search in the address follows the box (debounced); the box follows the address when
  // back or forward changes it. `written` is the search this view put there last, so an
  // address update arriving while the person types on never overwrites what they typed.
  const searchInUrl = params.get("q") ?? "";
  const written = useRef(searchInUrl);
  useEffect(() => {
    if (search === searchFromParam(new URLSearchParams(window.location.search).get("q"))) return;
    written.current = search;
    showFilters({ search }, "replace");
  }, [search]);
  useEffect(() => {
    if (searchFromParam(searchInUrl) === searchFromParam(written.current)) return;
    written.current = searchInUrl;
    setSearchText(searchInUrl);
  }, [searchInUrl]);

  const list = useInfiniteQuery({
    ...taskListQueryOptions(trpc, (input, signal) => client.task.list.query(input, { signal }), filters),
    // Keep showing the previous results while another filter loads, instead of a blank list.
    placeholderData: keepPreviousData,
  });
  const stats = useQuery(trpc.task.stats.queryOptions());

  useEffect(() => {
    // Fetch the form validation while the person reads, so the first submit does not wait.
    void import("./task-form-schemas");
  }, []);

  const tasks = list.data?.pages.flatMap((page) => page.items) ?? [];
  const searching = searchText.trim() !== search || (list.isPlaceholderData && list.isFetching);

  /** Moves focus off a task that is about to leave the list: to the next, the previous, or the add field. */
  function focusNeighbourOf(taskId: string) {
    const index = tasks.findIndex((task) => task.id === taskId);
    const neighbour = tasks[index + 1] ?? tasks[index - 1];
    document.getElementById(neighbour ? taskToggleId(neighbour.id) : NEW_TASK_TITLE_ID)?.focus();
  }

  // After "Load more", focus goes to the first task that arrived (the button may be gone).
  const focusIndexAfterLoad = useRef<number | null>(null);
  useEffect(() => {
    const index = focusIndexAfterLoad.current;
    const arrived = index === null ? undefined : list.data?.pages.flatMap((page) => page.items)[index];
    if (!arrived) return;
    focusIndexAfterLoad.current = null;
    document.getElementById(taskToggleId(arrived.id))?.focus();
  }, [list.data]);

  async function loadMore() {
    focusIndexAfterLoad.current = tasks.length;
    const result = await list.fetchNextPage();
    if (result.isError) focusIndexAfterLoad.current = null;
  }

  return (
    <div className="space-y-4 sm:space-y-6">
      <LiveStatus />
      <section aria-labelledby="add-heading" className={`${card} p-3 sm:p-5`}>
        <h2 id="add-heading" className="sr-only">
          Add a task
        </h2>
        <NewTaskForm
          onAdded={(title) => {
            setProblem(null);
            setAnnouncement(`Added “${title}”.`);
          }}
        />
      </section>

      <section aria-labelledby="list-heading" className="space-y-3 sm:space-y-4">
        <h2 id="list-heading" className="sr-only">
          Task list
        </h2>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
          <div role="group" aria-label="Show tasks" className="flex gap-1 rounded-lg bg-slate-200/70 p-1 dark:bg-slate-800">
            {STATUS_TABS.map((tab) => {
              const count = stats.data?.[tab.status === "all" ? "total" : tab.status];
              const selected = status === tab.status;
              return (
                <button
                  key={tab.status}
                  type="button"
                  aria-pressed={selected}
                  onClick={() => showFilters({ status: tab.status }, "push")}
                  className={`inline-flex min-h-10 flex-1 items-center justify-center gap-2 rounded-md px-3 text-sm font-medium sm:flex-none ${
                    selected
                      ? "bg-white text-slate-950 shadow-sm dark:bg-slate-950 dark:text-white"
                      : "text-slate-700 hover:text-slate-950 dark:text-slate-300 dark:hover:text-white"
                  }`}
                >
                  {tab.label}
                  {count === undefined ? null : (
                    <span className="rounded-full bg-slate-300/80 px-2 text-xs tabular-nums text-slate-900 dark:bg-slate-700 dark:text-slate-100">
                      {count}
                    </span>
                  )}
                </button>
              );
            })}
          </div>
          <div className="flex gap-2 sm:max-w-md sm:flex-1">
            <div className="min-w-0 flex-1">
              <label htmlFor="task-search" className="sr-only">
                Search tasks
              </label>
              <input
                id="task-search"
                type="search"
                value={searchText}
                onChange={(event) => setSearchText(event.currentTarget.value)}
                placeholder="Search…"
                autoComplete="off"
                className={textInput}
              />
            </div>
            <label htmlFor="task-sort" className="sr-only">
              Order
            </label>
            <select
              id="task-sort"
              value={sort}
              onChange={(event) => showFilters({ sort: event.currentTarget.value as TaskListFilters["sort"] }, "push")}
              className={`${textInput.replace("w-full", "w-auto")} shrink-0`}
            >
              {SORT_OPTIONS.map((option) => (
                <option key={option.sort} value={option.sort}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        </div>

        {problem ? (
          <div
            role="alert"
            className="flex items-start justify-between gap-3 rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
          >
            <p>{problem}</p>
            <button type="button" onClick={() => setProblem(null)} className={quietButton} aria-label="Dismiss message">
              Dismiss
            </button>
          </div>
        ) : null}

        <div className={card} aria-busy={searching || list.isPending}>
          {list.isPending ? (
            <p className={`p-6 text-center ${mutedText}`}>Loading your tasks…</p>
          ) : list.isError && tasks.length === 0 ? (
            <div className="space-y-3 p-6 text-center">
              <p>
                Your tasks could not be loaded:{" "}
                {list.error.data ? list.error.message : "the server could not be reached. Check your connection."}
              </p>
              {list.error.data?.code === "UNAUTHORIZED" ? (
                <Link href="/sign-in?next=%2Ftasks" className={secondaryButton}>
                  Sign in again
                </Link>
              ) : (
                <button type="button" onClick={() => void list.refetch()} className={secondaryButton}>
                  Try again
                </button>
              )}
            </div>
          ) : tasks.length === 0 ? (
            <EmptyState filters={filters} total={stats.data?.total} onClearSearch={() => setSearchText("")} />
          ) : (
            <ul aria-label={`${STATUS_TABS.find((tab) => tab.status === status)?.label ?? ""} tasks`} className="divide-y divide-slate-200 dark:divide-slate-700">
              {tasks.map((task) => (
                <TaskItem
                  key={task.id}
                  task={task}
                  today={today}
                  onLeaving={() => focusNeighbourOf(task.id)}
                  staysListed={(patch) => matchesFilters(applyPatch(task, patch), filters)}
                  onError={setProblem}
                  onDeleted={(title) => {
                    setProblem(null);
                    setAnnouncement(`Deleted “${title}”.`);
                  }}
                  onDeleteConfirmed={setDeleted}
                />
              ))}
            </ul>
          )}
        </div>

        {list.hasNextPage ? (
          <div className="flex flex-col items-center gap-2">
            {list.isFetchNextPageError ? (
              <p role="alert" className="text-sm text-red-700 dark:text-red-300">
                More tasks could not be loaded. Try again.
              </p>
            ) : null}
            <button type="button" onClick={() => void loadMore()} disabled={list.isFetchingNextPage} className={secondaryButton}>
              {list.isFetchingNextPage ? "Loading more…" : "Load more tasks"}
            </button>
          </div>
        ) : null}
      </section>

      <p role="status" className="sr-only">
        {announcement}
      </p>
      {deleted ? (
        <UndoToast
          deleted={deleted}
          onDismiss={closeUndo}
          onUndo={() => {
            restore.mutate(deleted);
            setDeleted(null);
          }}
        />
      ) : null}
      <ShortcutsDialog dialogRef={shortcuts} />
      <p className={`hidden text-center text-sm sm:block ${mutedText}`}>
        Press <kbd className="font-mono">?</kbd> for keyboard shortcuts.
      </p>
    </div>
  );
}

interface EmptyStateProps {
  filters: TaskListFilters;
  total: number | undefined;
  onClearSearch: () => void;
}

function EmptyState({ filters, total, onClearSearch }: EmptyStateProps) {
  if (filters.search) {
    return (
      <div className="space-y-3 p-6 text-center">
        <p>No tasks match “{filters.search}”.</p>
        <button type="button" onClick={onClearSearch} className={secondaryButton}>
          Clear search
        </button>
      </div>
    );
  }
  const message =
    filters.status === "active" && total !== 0
      ? "Nothing left to do. Add a new task above, or enjoy the calm."
      : filters.status === "completed" && total !== 0
        ? "No completed tasks yet. Tick a task’s checkbox when it’s done."
        : "You have no tasks yet. Type a title above and press Enter to add your first.";
  return <p className={`p-6 text-center ${mutedText}`}>{message}</p>;
}
