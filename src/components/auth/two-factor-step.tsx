"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { Route } from "next";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";

import type { AuthError } from "@/components/account/auth-errors";
import { retryAfterSeconds, tryAgainIn } from "@/components/auth/auth-form-errors";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { fieldLabel, formAlert, mutedText, primaryButton, quietButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

/** An authenticator app's code is six digits; anything else is taken for a backup code. */
export const isAppCode = (code: string) => /^\d{6}$/.test(code);

/** What to tell the person when a code is refused; `restart` when only a new sign-in helps. */
export function describeCodeError(error: AuthError, retryAfter: number | null): { message: string; restart?: boolean } {
  switch (error.code) {
    case "INVALID_CODE":
      return { message: "That code isn’t right. Check the app and try again." };
    case "INVALID_BACKUP_CODE":
      return { message: "That backup code isn’t valid. Each backup code works only once." };
    case "ACCOUNT_THROTTLED":
      return { message: `Too many failed attempts for this account. ${tryAgainIn(retryAfter)}` };
    case "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE":
    case "INVALID_TWO_FACTOR_COOKIE":
      return { message: "This sign-in has expired or had too many wrong codes. Sign in again.", restart: true };
  }
  if (error.status === 429) return { message: `Too many attempts. ${tryAgainIn(retryAfter)}` };
  return { message: error.message ?? "Something went wrong on our side. Try again in a moment." };
}

/** The sign-in's second step, after a right password on an account with two-factor sign-in. */
export function TwoFactorStep({ next, onRestart }: { next: Route; onRestart: () => void }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [codeError, setCodeError] = useState<string | undefined>();
  const [formError, setFormError] = useState<{ message: string; restart?: boolean } | null>(null);
  const [sending, setSending] = useState(false);
  const [navigating, startNavigation] = useTransition();
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
      queryClient.clear();
      startNavigation(() => router.replace(next));
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
      <button type="submit" disabled={busy} aria-busy={busy} className={`${primaryButton} w-full`}>
        {busy ? "Checking…" : "Verify"}
      </button>
    </form>
  );
}
