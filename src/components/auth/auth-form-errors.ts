import type { AuthError } from "@/components/account/auth-errors";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/validators/auth";

export type FieldName = "name" | "email" | "password";

/**
 * How long a `Retry-After` header asks to wait, in whole seconds (it is either a number of
 * seconds or an HTTP date); null when there is none or it cannot be read.
 */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  // Every HTTP date format starts with the day of the week; Date.parse alone takes "-1" for a year.
  const at = /^(mon|tue|wed|thu|fri|sat|sun)/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;

/** "Try again in 8 seconds." (minutes past 90 s, hours past 90 min), or a vaguer line without a time. */
export function tryAgainIn(seconds: number | null): string {
  if (seconds === null) return "Wait a moment, then try again.";
  if (seconds <= 90) return `Try again in ${plural(Math.max(1, seconds), "second")}.`;
  if (seconds <= 90 * 60) return `Try again in ${plural(Math.ceil(seconds / 60), "minute")}.`;
  return `Try again in ${plural(Math.ceil(seconds / 3600), "hour")}.`;
}

/**
 * Better Auth's refusals of a sign-in or sign-up in words a person understands, placed next to
 * the field they concern. `retryAfter` is the refusal's `Retry-After`, in seconds.
 */
export function describeAuthError(error: AuthError, retryAfter: number | null = null): { field?: FieldName; message: string } {
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
    // The app's own refusals already speak plainly.
    case "PASSWORD_TOO_COMMON":
      return { field: "password", message: error.message ?? "This password is too common. Choose another." };
    case "ACCOUNT_THROTTLED":
      if (retryAfter === null && error.message) return { message: error.message };
      return { message: `Too many failed sign-ins for this account. ${tryAgainIn(retryAfter)}` };
  }
  if (error.status === 429) return { message: `Too many attempts. ${tryAgainIn(retryAfter)}` };
  return { message: error.message ?? "Something went wrong on our side. Try again in a moment." };
}

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
