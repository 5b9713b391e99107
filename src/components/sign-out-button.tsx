"use client";

import { useState } from "react";

import { secondaryButton } from "@/components/ui";
import { useHydrated } from "@/components/use-hydrated";

export function SignOutButton() {
  const [state, setState] = useState<"idle" | "pending" | "failed">("idle");
  // Until hydrated a click would do nothing, so the button is disabled until then.
  const hydrated = useHydrated();

  async function signOut() {
    setState("pending");
    // Loaded on click: the auth client is not worth its weight in the task page's first load.
    const { error } = await import("@/lib/auth-client")
      .then(({ authClient }) => authClient.signOut())
      .catch(() => ({ error: true }));
    if (error) {
      setState("failed");
      return;
    }
    // A full page load, not a client navigation: every task of this person held in memory
    // (query cache, router cache) goes with it, so the next person at this browser sees none.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign("/sign-in");
  }

  return (
    <div className="flex items-center gap-2">
      {state === "failed" ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Could not sign out. Try again.
        </p>
      ) : null}
      <button type="button" onClick={() => void signOut()} disabled={!hydrated || state === "pending"} className={secondaryButton}>
        {state === "pending" ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
