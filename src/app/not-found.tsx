import Link from "next/link";

import { mutedText, primaryButton } from "@/components/ui";

/** Next.js's own 404 page styles itself inline, which the Content-Security-Policy blocks. */
export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-4 px-6">
      <h1 className="text-2xl font-bold tracking-tight">Page not found</h1>
      <p className={mutedText}>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <div>
        <Link href="/" className={primaryButton}>
          Go to the home page
        </Link>
      </div>
    </main>
  );
}
