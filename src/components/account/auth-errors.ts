/** What Better Auth's client reports when it refuses. */
export interface AuthError {
  code?: string | undefined;
  message?: string | undefined;
  status: number;
}

export const NETWORK_ERROR = "Could not reach the server. Check your connection and try again.";

/** A refusal in words a person understands; the app's own refusals already speak plainly. */
export function describeAccountError(error: AuthError): string {
  switch (error.code) {
    case "INVALID_PASSWORD":
      return "That password isn’t right. Check it and try again.";
    case "PASSWORD_TOO_COMMON":
      return error.message ?? "This password is too common. Choose another.";
    // Passkeys: the browser's own refusals (@simplewebauthn/browser's codes), then the server's.
    case "ERROR_CEREMONY_ABORTED":
    case "AUTH_CANCELLED":
    case "NotAllowedError":
      return "The passkey request was cancelled or timed out. Try again.";
    case "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED":
      return "This device already holds a passkey for your account.";
    case "PASSKEY_NOT_FOUND":
      return "That passkey is no longer registered here. Sign in with your password, then add it again.";
    case "CHALLENGE_NOT_FOUND":
      return "The passkey request expired. Try again.";
    case "AUTHENTICATION_FAILED":
    case "FAILED_TO_VERIFY_REGISTRATION":
      return "The passkey could not be verified. Try again.";
    case "EMAIL_NOT_SENT":
    case "RESET_THROTTLED":
      if (error.message) return error.message;
  }
  if (error.status === 401) return "Your session has ended. Sign in again.";
  if (error.status === 429) return "Too many attempts. Wait a few minutes, then try again.";
  return "Something went wrong on our side. Try again in a moment.";
}

export class AuthRefusal extends Error {
  constructor(readonly error: AuthError) {
    super(error.message ?? error.code ?? `status ${error.status}`);
  }
}

/** Runs a Better Auth client call, turning its `{ error }` answer into a thrown refusal. */
export async function unwrap<T>(call: Promise<{ data: T | null; error: AuthError | null }>): Promise<T> {
  const { data, error } = await call;
  if (error) throw new AuthRefusal(error);
  if (data === null) throw new AuthRefusal({ status: 500 });
  return data;
}

/** What to tell the person about a failed call: a refusal in words, or a network failure. */
export function errorMessage(error: unknown): string {
  return error instanceof AuthRefusal ? describeAccountError(error.error) : NETWORK_ERROR;
}
