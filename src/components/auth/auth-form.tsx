"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { Route } from "next";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition, type FormEvent } from "react";
import * as z from "zod";

import { focusFirstInvalid, TextField } from "@/components/text-field";
import { formAlert, primaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  signInInput,
  signUpInput,
  type SignInInput,
  type SignUpInput,
} from "@/lib/validators/auth";

type FieldName = "name" | "email" | "password";
type FieldErrors = Partial<Record<FieldName, string[]>>;

/** What Better Auth's client reports when it refuses. */
interface AuthError {
  code?: string | undefined;
  message?: string | undefined;
  status: number;
}

/** Better Auth's refusals in words a person understands, placed next to the field they concern. */
function describeAuthError(error: AuthError): { field?: FieldName; message: string } {
  switch (error.code) {
    case "INVALID_EMAIL_OR_PASSWORD":
      return { message: "That email and password don’t match an account. Check both and try again." };
    case "USER_ALREADY_EXISTS":
    case "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL":
      return { field: "email", message: "An account with this email already exists. Sign in instead, or use another email." };
    case "INVALID_EMAIL":
      return { field: "email", message: "Enter an email address like name@example.com" };
    case "PASSWORD_TOO_SHORT":
      return { field: "password", message: `Use at least ${PASSWORD_MIN_LENGTH} characters` };
    case "PASSWORD_TOO_LONG":
      return { field: "password", message: `Use at most ${PASSWORD_MAX_LENGTH} characters` };
    // The app's own refusals already speak plainly (and say how long to wait).
    case "PASSWORD_TOO_COMMON":
      return { field: "password", message: error.message ?? "This password is too common. Choose another." };
    case "ACCOUNT_THROTTLED":
      return { message: error.message ?? "Too many failed sign-ins for this account. Wait a minute, then try again." };
  }
  if (error.status === 429) return { message: "Too many attempts. Wait a few seconds, then try again." };
  return { message: error.message ?? "Something went wrong on our side. Try again in a moment." };
}

interface AuthFormProps {
  /** Where to go once signed in; already checked to be a page of this site. */
  next: Route;
}

export function SignUpForm({ next }: AuthFormProps) {
  return (
    <AuthForm
      schema={signUpInput}
      fields={["name", "email", "password"]}
      submitLabel="Create account"
      busyLabel="Creating account…"
      send={(input: SignUpInput) => authClient.signUp.email(input)}
      next={next}
    />
  );
}

export function SignInForm({ next }: AuthFormProps) {
  return (
    <AuthForm
      schema={signInInput}
      fields={["email", "password"]}
      submitLabel="Sign in"
      busyLabel="Signing in…"
      send={(input: SignInInput) => authClient.signIn.email(input)}
      next={next}
      signIn
    />
  );
}

interface AuthFormImplProps<T> extends AuthFormProps {
  schema: z.ZodType<T>;
  fields: FieldName[];
  submitLabel: string;
  busyLabel: string;
  send: (input: T) => Promise<{ error: AuthError | null }>;
  signIn?: boolean;
}

function AuthForm<T>({ schema, fields, submitLabel, busyLabel, send, next, signIn = false }: AuthFormImplProps<T>) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [navigating, startNavigation] = useTransition();
  const busy = sending || navigating;
  const formErrorId = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    const parsed = schema.safeParse(Object.fromEntries(new FormData(form)));
    if (!parsed.success) {
      setErrors(z.flattenError(parsed.error).fieldErrors);
      setFormError(null);
      focusFirstInvalid(form);
      return;
    }
    setErrors({});
    setFormError(null);
    setSending(true);
    try {
      const { error } = await send(parsed.data);
      if (error) {
        const { field, message } = describeAuthError(error);
        if (field) {
          setErrors({ [field]: [message] });
          focusFirstInvalid(form);
        } else {
          setFormError(message);
        }
        return;
      }
      // Nothing cached for a previous person may survive into this session.
      queryClient.clear();
      startNavigation(() => router.replace(next));
    } catch {
      setFormError("Could not reach the server. Check your connection and try again.");
    } finally {
      setSending(false);
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate aria-describedby={formError ? formErrorId : undefined} className="space-y-4">
      {fields.map((field) => (
        <Field key={field} name={field} errors={errors[field]} signIn={signIn} />
      ))}
      {formError ? (
        <p id={formErrorId} role="alert" className={formAlert}>
          {formError}
        </p>
      ) : null}
      <button type="submit" disabled={busy} aria-busy={busy} className={`${primaryButton} w-full`}>
        {busy ? busyLabel : submitLabel}
      </button>
    </form>
  );
}

const FIELD_SETTINGS: Record<FieldName, { label: string; type: "text" | "email" | "password" }> = {
  name: { label: "Name", type: "text" },
  email: { label: "Email", type: "email" },
  password: { label: "Password", type: "password" },
};

function Field({ name, errors, signIn }: { name: FieldName; errors: string[] | undefined; signIn: boolean }) {
  const { label, type } = FIELD_SETTINGS[name];
  const hint = name === "password" && !signIn ? `At least ${PASSWORD_MIN_LENGTH} characters.` : null;
  const autoComplete =
    name === "password" ? (signIn ? "current-password" : "new-password") : name === "email" ? "email" : "name";
  return <TextField name={name} label={label} type={type} autoComplete={autoComplete} error={errors?.[0]} hint={hint} />;
}

/** The link between the two forms keeps where the person was going. */
export function AuthSwitchLink({ to, next, children }: { to: "/sign-in" | "/sign-up"; next: Route; children: string }) {
  const href = next === "/tasks" ? to : `${to}?next=${encodeURIComponent(next)}`;
  return (
    <Link href={href as Route} className="font-semibold text-indigo-800 underline-offset-2 hover:underline dark:text-indigo-200">
      {children}
    </Link>
  );
}
