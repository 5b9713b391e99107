"use client";

import { useState } from "react";

import { errorMessage, unwrap } from "@/components/account/auth-errors";
import { secondaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

/** After a sign-up that waits for the address to be confirmed. */
export function CheckYourEmail({ email }: { email: string }) {
  return (
    <p role="status" className="text-sm">
      Almost there: we sent a link to <span className="font-semibold break-all">{email}</span>. Follow it to confirm your
      address and start using Tasks. The link works for one hour.
    </p>
  );
}

/** A sign-in refused until the address is confirmed: say so, and offer the link again. */
export function ResendVerification({ email }: { email: string }) {
  const [state, setState] = useState<{ sending: boolean; note: string | null }>({ sending: false, note: null });

  async function resend() {
    setState({ sending: true, note: null });
    try {
      await unwrap(authClient.sendVerificationEmail({ email, callbackURL: "/tasks" }));
      setState({ sending: false, note: `Sent. Check ${email} for the new link.` });
    } catch (refusal) {
      setState({ sending: false, note: errorMessage(refusal) });
    }
  }

  return (
    <div className="space-y-2">
      <button type="button" onClick={() => void resend()} disabled={state.sending} aria-busy={state.sending} className={secondaryButton}>
        {state.sending ? "Sending…" : "Send the link again"}
      </button>
      <p aria-live="polite" className="text-sm">
        {state.note}
      </p>
    </div>
  );
}
