"use client";

import type { Route } from "next";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import * as z from "zod";

import type { AuthError } from "@/components/account/auth-errors";
import { describeAuthError, retryAfterSeconds, type FieldName } from "@/components/auth/auth-form-errors";
import { CheckYourEmail, ResendVerification } from "@/components/auth/email-verification";
import { SubmitButton } from "@/components/submit-button";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { formAlert, primaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { TwoFactorStep } from "@/components/auth/two-factor-step";
import { useEnterSession } from "@/components/auth/use-enter-session";
import {
  PASSWORD_MIN_LENGTH,
  signInInput,
  signUpInput,
  type SignInInput,
  type SignUpInput,
} from "@/lib/validators/auth";

// Where a verification link signs the person in. Not `next`: Better Auth checks a callback URL
// more strictly than safeNextPath, and would refuse some that the sign-in page accepts.
const VERIFIED_LANDING = "/tasks";

type FieldErrors = Partial<Record<FieldName, string[]>>;

/**
 * Sends the form; `onError` receives the response of a refusal (for its `Retry-After`).
 * `secondFactor`: the password was right, and the account's second factor comes next.
 * `data.token` null: the account waits for its address to be confirmed.
 */
type Send<T> = (
  input: T,
  onError: (context: { response: Response }) => void,
) => Promise<{ data?: { token?: string | null } | null; error: AuthError | null; secondFactor?: boolean }>;

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
      send={(input: SignUpInput, onError) => authClient.signUp.email({ ...input, callbackURL: VERIFIED_LANDING }, { onError })}
      next={next}
    />
  );
}

export function SignInForm({ next }: AuthFormProps) {
  const [secondFactor, setSecondFactor] = useState(false);
  if (secondFactor) return <TwoFactorStep next={next} onRestart={() => setSecondFactor(false)} />;

  async function send(input: SignInInput, onError: (context: { response: Response }) => void) {
    const { data, error } = await authClient.signIn.email(input, { onError });
    if (data && "twoFactorRedirect" in data && data.twoFactorRedirect) {
      setSecondFactor(true);
      return { error: null, secondFactor: true };
    }
    return { error };
  }

  return <AuthForm schema={signInInput} fields={["email", "password"]} submitLabel="Sign in" busyLabel="Signing in…" send={send} next={next} signIn />;
}

interface AuthFormImplProps<T> extends AuthFormProps {
  schema: z.ZodType<T>;
  fields: FieldName[];
  submitLabel: string;
  busyLabel: string;
  send: Send<T>;
  signIn?: boolean;
}

function AuthForm<T>({ schema, fields, submitLabel, busyLabel, send, next, signIn = false }: AuthFormImplProps<T>) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  // With REQUIRE_EMAIL_VERIFICATION: the address a sign-up or sign-in is waiting on.
  const [awaitingEmail, setAwaitingEmail] = useState<string | null>(null);
  const { enter, navigating } = useEnterSession();
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
    setAwaitingEmail(null);
    setSending(true);
    try {
      const refusal: { retryAfter: string | null } = { retryAfter: null };
      const { data, error, secondFactor } = await send(parsed.data, ({ response }) => {
        refusal.retryAfter = response.headers.get("retry-after");
      });
      const email = String(new FormData(form).get("email")).trim();
      if (error?.code === "EMAIL_NOT_VERIFIED" || (!error && data?.token === null)) {
        if (error) setFormError("Confirm your email address first: follow the link we sent to it.");
        setAwaitingEmail(email);
        return;
      }
      if (error) {
        const { field, message } = describeAuthError(error, retryAfterSeconds(refusal.retryAfter));
        if (field) {
          setErrors({ [field]: [message] });
          focusFirstInvalid(form);
        } else {
          setFormError(message);
        }
        return;
      }
      if (secondFactor) return;
      enter(next);
    } catch {
      setFormError("Could not reach the server. Check your connection and try again.");
    } finally {
      setSending(false);
    }
  }

  if (awaitingEmail && !signIn) return <CheckYourEmail email={awaitingEmail} />;
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
      {awaitingEmail ? <ResendVerification email={awaitingEmail} /> : null}
      <SubmitButton disabled={busy} aria-busy={busy} className={`${primaryButton} w-full`}>
        {busy ? busyLabel : submitLabel}
      </SubmitButton>
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
