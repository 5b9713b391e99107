import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { SignOutButton } from "@/components/sign-out-button";
import { taskListQueryOptions } from "@/components/tasks/task-list-query";
import { filtersFromParams } from "@/components/tasks/task-list-url";
import { TasksView } from "@/components/tasks/tasks-view";
import { mutedText } from "@/components/ui";
import { caller, getQueryClient, getSession, HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Your tasks" };

export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // The protection itself: the session is read from the database for this request.
  const session = await getSession();
  if (!session) redirect("/sign-in?next=%2Ftasks");

  // The view the address asks for (see task-list-url.ts), read as the browser will read it.
  const params = await searchParams;
  const filters = filtersFromParams((name) => {
    const value = params[name];
    return typeof value === "string" ? value : value?.[0];
  });

  // Awaited, so the first HTML already holds the first page and the counts: no loading flash.
  await Promise.all([
    prefetch(trpc.task.stats.queryOptions()),
    getQueryClient().prefetchInfiniteQuery(
      taskListQueryOptions(trpc, (input) => caller.task.list(input), filters),
    ),
  ]);

  return (
    <div className="mx-auto max-w-3xl px-3 pb-24 sm:px-6">
      <header className="flex flex-wrap items-center justify-between gap-3 py-3 sm:py-5">
        <p className="text-xl font-bold tracking-tight">Tasks</p>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          {/* On a phone the tasks come first; the account page says who is signed in. */}
          <p className={`hidden text-sm sm:block ${mutedText}`}>
            Signed in as <span className="font-semibold text-slate-900 dark:text-slate-100">{session.user.name}</span>{" "}
            <span className="break-all">({session.user.email})</span>
          </p>
          <Link
            href="/account"
            className="inline-flex min-h-10 items-center text-sm font-semibold text-indigo-800 underline-offset-2 hover:underline dark:text-indigo-200"
          >
            Account
          </Link>
          <SignOutButton />
        </div>
      </header>
      <main id="main">
        <h1 className="mb-3 text-2xl font-bold tracking-tight sm:mb-5 sm:text-3xl">Your tasks</h1>
        <HydrateClient>
          <TasksView />
        </HydrateClient>
      </main>
    </div>
  );
}
