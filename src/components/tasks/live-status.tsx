"use client";

import { useLiveTasks } from "./use-live-tasks";

const MESSAGES = {
  connecting: null,
  live: null,
  reconnecting: "Offline: reconnecting… Changes made elsewhere will show once the connection is back.",
  stopped: "Live updates stopped. Reload the page to see changes made elsewhere.",
} as const;

/** Follows changes made elsewhere, and says so while it cannot. */
export function LiveStatus() {
  const message = MESSAGES[useLiveTasks()];
  return (
    <p role="status" className={message ? "rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100" : "sr-only"}>
      {message}
    </p>
  );
}
