import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";

import type { SignInThrottle } from "./sign-in-throttle";

// Endpoints that check a password, and so count towards the account's throttle: sign-in names
// the account in its body, the others act on the signed-in account.
const PASSWORD_CHECKS = new Set([
  "/sign-in/email",
  "/change-password",
  "/delete-user",
  "/two-factor/enable",
  "/two-factor/disable",
  "/two-factor/get-totp-uri",
  "/two-factor/generate-backup-codes",
]);

// Endpoints that check a second factor. While signing in nobody is signed in yet: the account
// is the one whose password opened the challenge, remembered in a signed cookie.
const SECOND_FACTOR_CHECKS = new Set(["/two-factor/verify-totp", "/two-factor/verify-backup-code"]);

const PENDING_ACCOUNT_COOKIE = "tasks.two_factor_account";
// As long as Better Auth's own two-factor challenge lives.
const PENDING_ACCOUNT_MAX_AGE = 600;

const checksSecret = (path: string | undefined) => PASSWORD_CHECKS.has(path ?? "") || SECOND_FACTOR_CHECKS.has(path ?? "");

/**
 * The per-account throttle ({@link SignInThrottle}) on every endpoint that checks a password or
 * a second factor. A plugin rather than `hooks`, and listed after `twoFactor`, so its after
 * hook sees a sign-in that still waits for a code: that password check is not cleared, and the
 * codes typed next count against the same account until one is right.
 */
export function accountThrottle(throttle: SignInThrottle, options: { secret: string; secureCookies: boolean }) {
  const pendingCookie = { httpOnly: true, sameSite: "lax", path: "/", secure: options.secureCookies } as const;

  return {
    id: "account-throttle",
    hooks: {
      before: [
        {
          matcher: (ctx) => checksSecret(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            const body = (ctx.body ?? {}) as Record<string, unknown>;
            let account: unknown;
            if (ctx.path === "/sign-in/email") account = body.email;
            else account = (await getSessionFromCtx(ctx))?.user.email;
            if (!account && SECOND_FACTOR_CHECKS.has(ctx.path)) {
              account = await ctx.getSignedCookie(PENDING_ACCOUNT_COOKIE, options.secret);
              // Without it a code could be tried uncounted: the sign-in must start again.
              if (!account) {
                throw new APIError("UNAUTHORIZED", { message: "Sign in again: that sign-in has expired.", code: "INVALID_TWO_FACTOR_COOKIE" });
              }
            }
            // Without an account to count against, Better Auth refuses the request itself.
            const wait = typeof account === "string" ? await throttle.attempt(account) : 0;
            if (wait > 0) {
              throw new APIError(
                "TOO_MANY_REQUESTS",
                { message: `Too many failed attempts for this account. Try again in ${wait} s.`, code: "ACCOUNT_THROTTLED" },
                { "retry-after": String(wait) },
              );
            }
          }),
        },
      ],
      after: [
        {
          matcher: (ctx) => checksSecret(ctx.path),
          handler: createAuthMiddleware(async (ctx) => {
            if (ctx.context.returned instanceof APIError) return;
            const body = (ctx.body ?? {}) as Record<string, unknown>;
            if (ctx.path === "/sign-in/email" && !ctx.context.newSession && typeof body.email === "string") {
              // The password was right, but the two-factor plugin withheld the session until a code is.
              await ctx.setSignedCookie(PENDING_ACCOUNT_COOKIE, body.email, options.secret, { ...pendingCookie, maxAge: PENDING_ACCOUNT_MAX_AGE });
              return;
            }
            // The secret was right: the account starts afresh.
            const account = ctx.context.newSession?.user.email ?? ctx.context.session?.user.email;
            if (account) await throttle.clear(account);
            if (SECOND_FACTOR_CHECKS.has(ctx.path)) ctx.setCookie(PENDING_ACCOUNT_COOKIE, "", { ...pendingCookie, maxAge: 0 });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
