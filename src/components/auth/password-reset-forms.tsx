"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import * as z from "zod";

import { AuthRefusal, errorMessage, unwrap } from "@/components/account/auth-errors";
import { SubmitButton } from "@/components/submit-button";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { formAlert, mutedText, primaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useEnterSession } from "@/components/auth/use-enter-session";
import { emailSchema, newPasswordSchema, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/validators/auth";

const linkStyle = "font-semibold text-indigo-800 underline-offset-2 hover:underline dark:text-indigo-200";

/** Asks for a reset link. Every address gets the same answer: it says nothing about accounts. */
export function ForgotPasswordForm() {
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    const form = event.currentTarget;
    setFormError(null);
    const parsed = emailSchema.safeParse(new FormData(form).get("email"));
    if (!parsed.success) {
      setError(z.flattenError(parsed.error).formErrors[0]);
      focusFirstInvalid(form);
      return;
    }
    setError(undefined);
    setSending(true);
    try {
      await unwrap(authClient.requestPasswordReset({ email: parsed.data, redirectTo: "/reset-password" }));
      setSentTo(parsed.data);
    } catch (refusal) {
      setFormError(errorMessage(refusal));
    } finally {
      setSending(false);
    }
  }

  if (sentTo) {
    return (
      <p role="status" className="text-sm">
        If an account uses <span className="font-semibold break-all">{sentTo}</span>, we have sent it a link to choose a
        new password. The link works once, within one hour.
      </p>
    );
  }
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="space-y-4">
      <TextField name="email" label="Email" type="email" autoComplete="email" error={error} />
      {formError ? (
        <p role="alert" className={formAlert}>
          {formError}
        </p>
      ) : null}
      <SubmitButton disabled={sending} aria-busy={sending} className={`${primaryButton} w-full`}>
        {sending ? "Sending…" : "Send me a link"}
      </SubmitButton>
    </form>
  );
}

/** What a used, expired or mangled link shows: why, and a way to get a new one. */
export function InvalidResetLink() {
  return (
    <div role="alert" className="space-y-3 text-sm">
      <p>This link has already been used or has expired. Reset links work once, within one hour.</p>
      <p>
        <Link href="/forgot-password" className={linkStyle}>
          Send me a new link
        </Link>
      </p>
    </div>
  );
}

const resetInput = z.object({ email: emailSchema, newPassword: newPasswordSchema });
type ResetField = keyof z.infer<typeof resetInput>;

/**
 * Sets a new password with the link's token, then signs in with it. The email is asked for
 * because the link does not carry it; password managers want it beside a new password anyway.
 */
export function ResetPasswordForm({ token }: { token: string }) {
  const { enter } = useEnterSession();
  const [errors, setErrors] = useState<Partial<Record<ResetField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [linkInvalid, setLinkInvalid] = useState(false);
  const [sending, setSending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    const form = event.currentTarget;
    setFormError(null);
    const parsed = resetInput.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) {
      const { fieldErrors } = z.flattenError(parsed.error);
      setErrors({ email: fieldErrors.email?.[0], newPassword: fieldErrors.newPassword?.[0] });
      focusFirstInvalid(form);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      await unwrap(authClient.resetPassword({ newPassword: parsed.data.newPassword, token }));
    } catch (refusal) {
      setSending(false);
      const code = refusal instanceof AuthRefusal ? refusal.error.code : undefined;
      if (code === "INVALID_TOKEN") setLinkInvalid(true);
      else if (code?.startsWith("PASSWORD_TOO_")) {
        setErrors({ newPassword: errorMessage(refusal) });
        focusFirstInvalid(form);
      } else setFormError(errorMessage(refusal));
      return;
    }
    // The password is set and every session revoked; sign this device in with it.
    const { error } = await authClient.signIn.email({ email: parsed.data.email, password: parsed.data.newPassword });
    enter(error ? "/sign-in?reset=done" : "/tasks");
  }

  if (linkInvalid) return <InvalidResetLink />;
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="space-y-4">
      <TextField name="email" label="Email" type="email" autoComplete="username" error={errors.email} />
      <TextField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        error={errors.newPassword}
        hint={`${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters. Every device signed in to your account is signed out.`}
      />
      {formError ? (
        <p role="alert" className={formAlert}>
          {formError}
        </p>
      ) : null}
      <SubmitButton disabled={sending} aria-busy={sending} className={`${primaryButton} w-full`}>
        {sending ? "Saving…" : "Set new password"}
      </SubmitButton>
      <p className={`text-sm ${mutedText}`}>The link works once, within one hour of asking for it.</p>
    </form>
  );
}
