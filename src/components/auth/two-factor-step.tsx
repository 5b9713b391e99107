"use client";

import type { Route } from "next";
import { useId, useState, type FormEvent } from "react";

import { describeCodeError, isAppCode, retryAfterSeconds } from "@/components/auth/auth-form-errors";
import { SubmitButton } from "@/components/submit-button";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { fieldLabel, formAlert, mutedText, primaryButton, quietButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

import { useEnterSession } from "./use-enter-session";

/** The sign-in's second step, after a right password on an account with two-factor sign-in. */
export function TwoFactorStep({ next, onRestart }: { next: Route; onRestart: () => void }) {
  const [codeError, setCodeError] = useState<string | undefined>();
  const [formError, setFormError] = useState<{ message: string; restart?: boolean } | null>(null);
  const [sending, setSending] = useState(false);
  const { enter, navigating } = useEnterSession();
  const busy = sending || navigating;
  const trustId = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    const code = String(data.get("code") ?? "").replace(/\s+/g, "");
    const trustDevice = data.get("trustDevice") === "on";
    setFormError(null);
    if (!code) {
      setCodeError("Enter the code from your authenticator app, or a backup code");
      focusFirstInvalid(form);
      return;
    }
    setCodeError(undefined);
    setSending(true);
    try {
      let retryAfter: string | null = null;
      const onError = ({ response }: { response: Response }) => void (retryAfter = response.headers.get("retry-after"));
      const { error } = isAppCode(code)
        ? await authClient.twoFactor.verifyTotp({ code, trustDevice }, { onError })
        : await authClient.twoFactor.verifyBackupCode({ code, trustDevice }, { onError });
      if (error) {
        const refusal = describeCodeError(error, retryAfterSeconds(retryAfter));
        if (refusal.restart) setFormError(refusal);
        else {
          setCodeError(refusal.message);
          focusFirstInvalid(form);
        }
        return;
      }
      enter(next);
    } catch {
      setFormError({ message: "Could not reach the server. Check your connection and try again." });
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="space-y-4" aria-labelledby={`${trustId}-heading`}>
      <h2 id={`${trustId}-heading`} className="text-lg font-semibold">
        Two-factor sign-in
      </h2>
      <p className={`text-sm ${mutedText}`}>Your password was right. Now enter the 6-digit code your authenticator app shows.</p>
      <TextField
        name="code"
        label="Code"
        type="text"
        autoComplete="one-time-code"
        error={codeError}
        hint="Lost your phone? Enter one of your backup codes instead."
      />
      <div className="flex items-center gap-2">
        <input id={trustId} name="trustDevice" type="checkbox" className="size-4 accent-indigo-700" />
        <label htmlFor={trustId} className={fieldLabel}>
          Trust this device for 30 days
        </label>
      </div>
      {formError ? (
        <div role="alert" className={formAlert}>
          <p>{formError.message}</p>
          {formError.restart ? (
            <button type="button" onClick={onRestart} className={`${quietButton} mt-2 underline`}>
              Sign in again
            </button>
          ) : null}
        </div>
      ) : null}
      <SubmitButton disabled={busy} aria-busy={busy} className={`${primaryButton} w-full`}>
        {busy ? "Checking…" : "Verify"}
      </SubmitButton>
    </form>
  );
}
