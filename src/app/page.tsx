import Link from "next/link";
import { redirect } from "next/navigation";

import { mutedText, primaryButton, secondaryButton } from "@/components/ui";
import { getSession } from "@/trpc/server";

export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await getSession()) redirect("/tasks");
  // Where deleting an account ends: say that it worked.
  const accountDeleted = (await searchParams).deleted === "account";

  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-2xl flex-col justify-center px-6 py-16">
      {accountDeleted ? (
        <p role="status" className="mb-8 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100">
          Your account has been deleted, with all its tasks and sessions.
        </p>
      ) : null}
      <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">Tasks</h1>
      <p className={`mt-4 text-lg ${mutedText}`}>
        A fast, private list of what you need to do. Add tasks with a keystroke, see what is overdue at a glance,
        and pick up where you left off on any device. Nobody but you ever sees them.
      </p>
      <div className="mt-8 flex flex-col gap-3 sm:flex-row">
        <Link href="/sign-up" className={primaryButton}>
          Create an account
        </Link>
        <Link href="/sign-in" className={secondaryButton}>
          Sign in
        </Link>
      </div>
    </main>
  );
}
