"use client";

import { useState, type FormEvent } from "react";

import { SubmitButton } from "@/components/submit-button";
import { card, formAlert, mutedText } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

import { AuthRefusal, errorMessage, unwrap } from "./auth-errors";
import { focusFirstInvalid, TextField } from "@/components/text-field";

const deleteButton =
  "inline-flex min-h-10 items-center justify-center gap-2 rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-70 dark:bg-red-300 dark:text-slate-950 dark:hover:bg-red-200";

export function DeleteAccountForm() {
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    const form = event.currentTarget;
    setFormError(null);
    const password = new FormData(form).get("password");
    if (typeof password !== "string" || password === "") {
      setPasswordError("Enter your password to delete your account");
      focusFirstInvalid(form);
      return;
    }
    setPasswordError(undefined);
    setSending(true);
    try {
      await unwrap(authClient.deleteUser({ password }));
      // A full page load: nothing of this account may stay in memory (query or router cache).
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.assign("/?deleted=account");
    } catch (error) {
      if (error instanceof AuthRefusal && error.error.code === "INVALID_PASSWORD") {
        setPasswordError(errorMessage(error));
        focusFirstInvalid(form);
      } else {
        setFormError(errorMessage(error));
      }
      setSending(false);
    }
  }

  return (
    <section aria-labelledby="delete-heading" className={`${card} p-5 sm:p-6`}>
      <h2 id="delete-heading" className="text-lg font-semibold">
        Delete account
      </h2>
      <p className={`mt-1 text-sm ${mutedText}`}>
        Your account, every task in it and every session end for good. This cannot be undone.
      </p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className="mt-4 space-y-4">
        <TextField type="password" name="password" label="Password" autoComplete="current-password" error={passwordError} />
        {formError ? (
          <p role="alert" className={formAlert}>
            {formError}
          </p>
        ) : null}
        <SubmitButton disabled={sending} aria-busy={sending} className={deleteButton}>
          {sending ? "Deleting account…" : "Delete my account"}
        </SubmitButton>
      </form>
    </section>
  );
}
