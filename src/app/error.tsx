"use client";

import { primaryButton } from "@/components/ui";

/** Shown when a page cannot be rendered (for example, the database is briefly unreachable). */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-4 px-6">
      <h1 className="text-2xl font-bold tracking-tight">This page could not be loaded</h1>
      <p>Something went wrong on our side. It is usually temporary: try again in a few seconds.</p>
      <div>
        <button type="button" onClick={reset} className={primaryButton}>
          Try again
        </button>
      </div>
    </main>
  );
}
