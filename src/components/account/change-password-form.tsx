"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import * as z from "zod";

import { SubmitButton } from "@/components/submit-button";
import { card, formAlert, mutedText, primaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { newPasswordSchema, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/validators/auth";

import { AuthRefusal, errorMessage, unwrap } from "./auth-errors";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { SESSIONS_QUERY_KEY } from "./sessions-list";

const changePasswordInput = z.object({
  currentPassword: z.string().min(1, { error: "Enter your current password" }),
  newPassword: newPasswordSchema,
});

type Field = keyof z.infer<typeof changePasswordInput>;

/** Which field a refusal concerns, so the message sits next to it. */
function fieldOf(error: unknown): Field | null {
  if (!(error instanceof AuthRefusal)) return null;
  if (error.error.code === "INVALID_PASSWORD") return "currentPassword";
  if (error.error.code?.startsWith("PASSWORD_TOO_")) return "newPassword";
  return null;
}

export function ChangePasswordForm() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [sending, setSending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    const form = event.currentTarget;
    setFormError(null);
    setDone(false);
    const parsed = changePasswordInput.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) {
      const { fieldErrors } = z.flattenError(parsed.error);
      setErrors({ currentPassword: fieldErrors.currentPassword?.[0], newPassword: fieldErrors.newPassword?.[0] });
      focusFirstInvalid(form);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      // The server revokes every other session whatever is asked; asking says so here too.
      await unwrap(authClient.changePassword({ ...parsed.data, revokeOtherSessions: true }));
      form.reset();
      setDone(true);
      // This device now has a new session: the page's idea of "this device" must follow.
      router.refresh();
      await queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY });
    } catch (error) {
      const field = fieldOf(error);
      if (field) {
        setErrors({ [field]: errorMessage(error) });
        focusFirstInvalid(form);
      } else {
        setFormError(errorMessage(error));
      }
    } finally {
      setSending(false);
    }
  }

  return (
    <section aria-labelledby="password-heading" className={`${card} p-5 sm:p-6`}>
      <h2 id="password-heading" className="text-lg font-semibold">
        Change password
      </h2>
      <p className={`mt-1 text-sm ${mutedText}`}>Every other device is signed out when your password changes.</p>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className="mt-4 space-y-4">
        <TextField
          type="password"
          name="currentPassword"
          label="Current password"
          autoComplete="current-password"
          error={errors.currentPassword}
        />
        <TextField
          type="password"
          name="newPassword"
          label="New password"
          autoComplete="new-password"
          error={errors.newPassword}
          hint={`${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters.`}
        />
        {formError ? (
          <p role="alert" className={formAlert}>
            {formError}
          </p>
        ) : null}
        <div aria-live="polite" className="text-sm">
          {done ? <p role="status">Password changed. Every other device has been signed out.</p> : null}
        </div>
        <SubmitButton disabled={sending} aria-busy={sending} className={primaryButton}>
          {sending ? "Changing password…" : "Change password"}
        </SubmitButton>
      </form>
    </section>
  );
}
