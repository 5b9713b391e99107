import * as z from "zod";

/**
 * Sign-up and sign-in rules, checked in the browser before a request is sent. Better Auth
 * is the authority; these mirror its configuration (src/server/auth/auth.ts) so a person
 * hears about a short password before the round trip, in the same words.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const NAME_MAX_LENGTH = 100;
// The longest address SMTP can deliver to (RFC 5321).
export const EMAIL_MAX_LENGTH = 254;

export const nameSchema = z
  .string({ error: "Name must be text" })
  .trim()
  .min(1, { error: "Enter your name" })
  .max(NAME_MAX_LENGTH, { error: `Use at most ${NAME_MAX_LENGTH} characters` });

export const emailSchema = z
  .string({ error: "Email must be text" })
  .trim()
  .min(1, { error: "Enter your email address" })
  .max(EMAIL_MAX_LENGTH, { error: `Use at most ${EMAIL_MAX_LENGTH} characters` })
  .pipe(z.email({ error: "Enter an email address like name@example.com" }));

/** A new password; spaces count, as they do on the server. */
export const newPasswordSchema = z
  .string({ error: "Password must be text" })
  .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters` });

export const signUpInput = z.object({
  name: nameSchema,
  email: emailSchema,
  password: newPasswordSchema,
});

// Signing in checks only what could ever be right, so a rule change never locks anyone out.
export const signInInput = z.object({
  email: emailSchema,
  password: z
    .string({ error: "Password must be text" })
    .min(1, { error: "Enter your password" })
    .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters` }),
});

export type SignUpInput = z.infer<typeof signUpInput>;
export type SignInInput = z.infer<typeof signInInput>;
