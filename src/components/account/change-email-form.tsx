"use client";

import { useState, type FormEvent } from "react";
import * as z from "zod";

import { SubmitButton } from "@/components/submit-button";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { card, formAlert, mutedText, primaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { emailSchema } from "@/lib/validators/auth";

import { errorMessage, unwrap } from "./auth-errors";

/** Asks for a new address; it takes effect once the link sent there is followed. */
export function ChangeEmailForm({ currentEmail }: { currentEmail: string }) {
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    const form = event.currentTarget;
    setFormError(null);
    setSentTo(null);
    const parsed = emailSchema.safeParse(new FormData(form).get("newEmail"));
    const sameAddress = parsed.success && parsed.data.toLowerCase() === currentEmail.toLowerCase();
    if (!parsed.success || sameAddress) {
      setError(sameAddress ? "That is already your address" : z.flattenError(parsed.error!).formErrors[0]);
      focusFirstInvalid(form);
      return;
    }
    setError(undefined);
    setSending(true);
    try {
      await unwrap(authClient.changeEmail({ newEmail: parsed.data, callbackURL: "/account" }));
      form.reset();
      setSentTo(parsed.data);
    } catch (refusal) {
      setFormError(errorMessage(refusal));
    } finally {
      setSending(false);
    }
  }

  return (
    <section aria-labelledby="email-heading" className={`${card} p-5 sm:p-6`}>
      <h2 id="email-heading" className="text-lg font-semibold">
        Change email
      </h2>
      <p className={`mt-1 text-sm ${mutedText}`}>
        We send a link to the new address; the change takes effect when it is followed. Your current address is told.
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className="mt-4 space-y-4">
        <TextField type="email" name="newEmail" label="New email" autoComplete="email" error={error} />
        {formError ? (
          <p role="alert" className={formAlert}>
            {formError}
          </p>
        ) : null}
        <div aria-live="polite" className="text-sm">
          {sentTo ? <p role="status">Check {sentTo}: follow the link there to finish the change.</p> : null}
        </div>
        <SubmitButton disabled={sending} aria-busy={sending} className={primaryButton}>
          {sending ? "Sending…" : "Change email"}
        </SubmitButton>
      </form>
    </section>
  );
}
