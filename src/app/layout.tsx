import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";

import { TRPCReactProvider } from "@/trpc/react";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tasks", template: "%s · Tasks" },
  description: "Your tasks, kept private.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: a page built ahead of time would carry no CSP nonce,
  // and its scripts would be blocked.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-3 py-2 text-sm font-semibold text-indigo-800 focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 dark:bg-slate-900 dark:text-indigo-200"
        >
          Skip to main content
        </a>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
