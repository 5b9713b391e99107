import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { SignOutButton } from "@/components/sign-out-button";
import { DEFAULT_TASK_FILTERS, taskListQueryOptions } from "@/components/tasks/task-list-query";
import { TasksView } from "@/components/tasks/tasks-view";
import { mutedText } from "@/components/ui";
import { caller, getQueryClient, getSession, HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Your tasks" };

export default async function TasksPage() {
  // The protection itself: the session is read from the database for this request.
  const session = await getSession();
  if (!session) redirect("/sign-in?next=%2Ftasks");

  // Awaited, so the first HTML already holds the first page and the counts: no loading flash.
  await Promise.all([
    prefetch(trpc.task.stats.queryOptions()),
    getQueryClient().prefetchInfiniteQuery(
      taskListQueryOptions(trpc, (input) => caller.task.list(input), DEFAULT_TASK_FILTERS),
    ),
  ]);

  return (
    <div className="mx-auto max-w-3xl px-4 pb-16 sm:px-6">
      <header className="flex flex-wrap items-center justify-between gap-3 py-5">
        <p className="text-xl font-bold tracking-tight">Tasks</p>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <p className={`text-sm ${mutedText}`}>
            Signed in as <span className="font-semibold text-slate-900 dark:text-slate-100">{session.user.name}</span>{" "}
            <span className="break-all">({session.user.email})</span>
          </p>
          <Link
            href="/account"
            className="text-sm font-semibold text-indigo-800 underline-offset-2 hover:underline dark:text-indigo-200"
          >
            Account
          </Link>
          <SignOutButton />
        </div>
      </header>
      <main id="main">
        <h1 className="mb-5 text-3xl font-bold tracking-tight">Your tasks</h1>
        <HydrateClient>
          <TasksView />
        </HydrateClient>
      </main>
    </div>
  );
}
