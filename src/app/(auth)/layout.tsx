import Link from "next/link";
import type { ReactNode } from "react";

import { card } from "@/components/ui";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col items-center px-4 py-10 sm:py-16">
      <header className="mb-8">
        <Link href="/" className="text-xl font-bold tracking-tight">
          Tasks
        </Link>
      </header>
      <main id="main" className={`${card} w-full max-w-sm p-6 sm:p-8`}>
        {children}
      </main>
    </div>
  );
}
