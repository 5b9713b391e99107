"use client";

import type { Route } from "next";
import { useState } from "react";

import { errorMessage, unwrap } from "@/components/account/auth-errors";
import { formAlert, secondaryButton } from "@/components/ui";
import { useHydrated } from "@/components/use-hydrated";
import { authClient } from "@/lib/auth-client";

import { useEnterSession } from "./use-enter-session";

/** Signs in with a passkey added on the account page: no password, and no second step. */
export function PasskeySignIn({ next }: { next: Route }) {
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const { enter, navigating } = useEnterSession();
  const busy = sending || navigating;
  // Until hydrated a click would do nothing, so the button is disabled until then.
  const hydrated = useHydrated();

  async function signIn() {
    if (busy) return;
    setFailure(null);
    if (typeof window.PublicKeyCredential === "undefined") {
      setFailure("This browser cannot use passkeys. Sign in with your password.");
      return;
    }
    setSending(true);
    try {
      await unwrap(authClient.signIn.passkey());
      enter(next);
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="mt-4 space-y-3">
      {failure ? (
        <p role="alert" className={formAlert}>
          {failure}
        </p>
      ) : null}
      <button type="button" onClick={() => void signIn()} disabled={!hydrated || busy} aria-busy={busy} className={`${secondaryButton} w-full`}>
        {busy ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </button>
    </div>
  );
}
