import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { bearer, jwt, twoFactor } from "better-auth/plugins";
import { passkey } from "@better-auth/passkey";

import { appBaseUrl, authSecret, env, mailFrom, trustedOrigins } from "@/env";
import { NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/validators/auth";
import { getDb, type Database } from "@/server/db";
import * as authTables from "@/server/db/schema/auth";
import { log, redactQueryParams } from "@/server/log";
import { createMailer, sendInBackground, type Mailer } from "@/server/mail/mailer";
import { emailChangeRequestedMail, existingAccountMail, resetPasswordMail, verifyEmailMail } from "@/server/mail/messages";

import { accountThrottle } from "./account-throttle";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "./common-passwords";
import { createJwtVerifier, type JwtVerifier } from "./jwt-verifier";
import { hashPassword, verifyPasswordHash } from "./password";
import { createSignInThrottle, DEFAULT_SIGN_IN_THROTTLE, type SignInThrottleOptions } from "./sign-in-throttle";

/** How long a JWT from `/api/auth/token` stays valid: it cannot be revoked before then. */
export const JWT_LIFETIME = "15m";

export interface AuthConfig {
  /** Public base URL of the app; under `next start` the request URL cannot be trusted for it. */
  baseURL: string;
  secret: string;
  /** Other origins whose pages may call the app (they also get CORS). */
  trustedOrigins?: readonly string[];
  /** A parent domain of the app's host whose sites all share the session cookie (e.g. example.com). */
  cookieDomain?: string;
  /** Overrides {@link JWT_LIFETIME} (tests use a short one). */
  jwtLifetime?: string | number;
  /** Overrides the JWT audience, which is otherwise the base URL (tests use a foreign one). */
  jwtAudience?: string;
  /** Per-address rate limits: off unless enabled; `multiplier` scales every limit (load tests). */
  rateLimit?: { enabled: boolean; multiplier?: number };
  signInThrottle?: SignInThrottleOptions;
  /** Sends the app's mail; without one, mail is printed to the log (tests pass their own). */
  mailer?: Mailer;
  /** Overrides {@link RESET_LINK_LIFETIME_SECONDS} (tests let a link expire). */
  resetLinkLifetimeSeconds?: number;
  /** Sign-in waits until the address is confirmed (REQUIRE_EMAIL_VERIFICATION). */
  requireEmailVerification?: boolean;
}

/** How long a password-reset link works. */
export const RESET_LINK_LIFETIME_SECONDS = 60 * 60;

// Reset mails to one address, from any number of clients: 3 free, then 1 s, 2 s, 4 s … apart.
const RESET_MAIL_THROTTLE: SignInThrottleOptions = { freeFailures: 3, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 };

export const MAIL_NOT_SENT_MESSAGE = "Could not send the email. Try again in a moment.";

// Requests per window, per client address and path, before `multiplier`.
const RATE_LIMITS = {
  default: { window: 60, max: 300 },
  "/sign-in/email": { window: 60, max: 10 },
  "/sign-up/email": { window: 3600, max: 20 },
  "/change-password": { window: 600, max: 10 },
  "/delete-user": { window: 600, max: 10 },
  "/token": { window: 60, max: 60 },
  // Codes while signing in (and confirming set-up); listed before the wildcard, which the
  // password-checking two-factor endpoints (enable, disable, …) fall under.
  "/two-factor/verify-totp": { window: 60, max: 10 },
  "/two-factor/verify-backup-code": { window: 60, max: 10 },
  "/two-factor/*": { window: 600, max: 10 },
  "/request-password-reset": { window: 900, max: 5 },
  "/reset-password": { window: 900, max: 10 },
  "/send-verification-email": { window: 900, max: 5 },
  "/change-email": { window: 600, max: 10 },
  // Each asks for a challenge the database keeps for five minutes; a signature is not guessable,
  // so sign-in's limit is enough for the answer.
  "/passkey/generate-authenticate-options": { window: 60, max: 30 },
  "/passkey/verify-authentication": { window: 60, max: 10 },
} as const;

// Endpoints that store a `name` of the caller's choosing (a person's, or a passkey's).
const NAMED_PATHS = new Set(["/sign-up/email", "/update-user", "/passkey/verify-registration", "/passkey/update-passkey"]);

// Where a new password arrives, per endpoint that sets one.
const NEW_PASSWORD_FIELDS: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
};

/** Better Auth, and the local verifier of the JWTs it issues: made and kept together. */
export interface AppAuth {
  auth: Auth;
  /** Resolves the user id of one of this app's valid JWTs, or null. */
  verifyJwt: JwtVerifier;
}

/** Builds the app's auth over `db`; tests build their own over a fresh database. */
export function createAuth(db: Database, config: AuthConfig): AppAuth {
  const auth = createBetterAuth(db, config);
  // Our own tokens only: issued by this app, for this app, whatever audience others mint for.
  const verifyJwt = createJwtVerifier({ loadKeys: () => auth.api.getJwks(), issuer: config.baseURL, audience: config.baseURL });
  return { auth, verifyJwt };
}

function createBetterAuth(db: Database, config: AuthConfig) {
  const throttle = createSignInThrottle(db, config.signInThrottle ?? DEFAULT_SIGN_IN_THROTTLE);
  const resetMailThrottle = createSignInThrottle(db, RESET_MAIL_THROTTLE);
  const mailer = config.mailer ?? createMailer({ from: "Tasks <no-reply@localhost>", withoutSmtp: "log" });
  const requireEmailVerification = config.requireEmailVerification ?? false;
  // Endpoints that promise an email: they check the mail server before changing anything.
  const sendsMail = new Set(["/request-password-reset", "/send-verification-email", "/change-email"]);
  if (requireEmailVerification) sendsMail.add("/sign-up/email");
  const multiplier = config.rateLimit?.multiplier ?? 1;
  const scaled = ({ window, max }: { window: number; max: number }) => ({ window, max: Math.ceil(max * multiplier) });

  return betterAuth({
    appName: "Tasks",
    baseURL: config.baseURL,
    secret: config.secret,
    trustedOrigins: [...(config.trustedOrigins ?? [])],
    database: drizzleAdapter(db, { provider: "pg", schema: authTables, transaction: true }),
    // The app never calls it, and it would let a session holder test passwords unthrottled.
    disabledPaths: ["/verify-password"],
    // Errors other than Better Auth's own reach our route handler (src/server/auth/http.ts),
    // which answers a lost database 503 rather than Better Auth's generic 500.
    onAPIError: { throw: true },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      password: { hash: hashPassword, verify: verifyPasswordHash },
      // Mail goes out after the answer, so a known address answers as fast as an unknown one;
      // the before-hook has checked the mail server, so a dead one is reported, not swallowed.
      sendResetPassword: async ({ user, url }) => sendInBackground(mailer, resetPasswordMail(user.email, url), "reset-password"),
      resetPasswordTokenExpiresIn: config.resetLinkLifetimeSeconds ?? RESET_LINK_LIFETIME_SECONDS,
      revokeSessionsOnPasswordReset: true,
      requireEmailVerification,
      // With verification required, Better Auth answers a sign-up for a taken address like a
      // new one; the owner hears about it instead.
      onExistingUserSignUp: async ({ user }) =>
        sendInBackground(mailer, existingAccountMail(user.email, `${config.baseURL}/sign-in`), "existing-account"),
    },
    emailVerification: {
      sendVerificationEmail: async ({ user, url }) => sendInBackground(mailer, verifyEmailMail(user.email, url), "verify-email"),
      sendOnSignUp: requireEmailVerification,
      autoSignInAfterVerification: true,
    },
    user: {
      // Deleting an account needs the password (enforced below) and removes its tasks and
      // sessions through foreign keys.
      deleteUser: { enabled: true },
      // The new address gets a link (emailVerification below); the change waits for it.
      changeEmail: { enabled: true },
    },
    session: {
      // Every request reads the session from the database, so sign-out takes effect at once.
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: config.rateLimit?.enabled ?? false,
      // In the database, so limits hold across instances and restarts.
      storage: "database",
      ...scaled(RATE_LIMITS.default),
      customRules: {
        ...Object.fromEntries(
          Object.entries(RATE_LIMITS)
            .filter(([path]) => path !== "default")
            .map(([path, rule]) => [path, scaled(rule)]),
        ),
        // A backend that checks each of its requests' sessions here makes hundreds a second
        // from one address; a session read reveals nothing without a valid token.
        "/get-session": false,
      },
    },
    advanced: {
      // Session and user in one query instead of two.
      database: { joins: true },
      // Better Auth turns its origin (CSRF) check off whenever NODE_ENV=test or any TEST
      // variable is set; a stray variable in a deployment must not silently do that.
      disableOriginCheck: false,
      // Sibling sites (docs.example.com beside tasks.example.com) read the same session.
      ...(config.cookieDomain ? { crossSubDomainCookies: { enabled: true, domain: config.cookieDomain } } : {}),
      // Set by our server entry from the socket (or a trusted proxy's X-Forwarded-For);
      // anything a client sends under that name is overwritten there.
      ipAddress: { ipAddressHeaders: ["x-client-ip"] },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        const passwordField = NEW_PASSWORD_FIELDS[ctx.path];
        if (passwordField && typeof body[passwordField] === "string" && isCommonPassword(body[passwordField])) {
          throw new APIError("BAD_REQUEST", { message: COMMON_PASSWORD_MESSAGE, code: "PASSWORD_TOO_COMMON" });
        }
        if (NAMED_PATHS.has(ctx.path) && typeof body.name === "string" && body.name.trim().length > NAME_MAX_LENGTH) {
          const what = ctx.path.startsWith("/passkey/") ? "the passkey’s name" : "your name";
          throw new APIError("BAD_REQUEST", { message: `Use at most ${NAME_MAX_LENGTH} characters for ${what}.`, code: "NAME_TOO_LONG" });
        }
        if (ctx.path === "/delete-user" && (typeof body.password !== "string" || body.password === "")) {
          throw new APIError("BAD_REQUEST", { message: "Enter your password to delete your account.", code: "PASSWORD_REQUIRED" });
        }
        if (ctx.path === "/request-password-reset" && typeof body.email === "string") {
          // Counted for unknown addresses too, so the limit reveals nothing.
          const wait = await resetMailThrottle.attempt(`reset-password:${body.email}`);
          if (wait > 0) {
            throw new APIError(
              "TOO_MANY_REQUESTS",
              { message: `Too many reset emails for this address. Try again in ${wait} s.`, code: "RESET_THROTTLED" },
              { "retry-after": String(wait) },
            );
          }
        }
        if (sendsMail.has(ctx.path)) await checkMailServer(mailer);
        if (ctx.path === "/change-password") {
          // A new password ends every other session, whatever the client asked for.
          return { context: { body: { ...body, revokeOtherSessions: true } } };
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/change-email" && !(ctx.context.returned instanceof APIError) && ctx.context.session) {
          // The current address hears of it, so a stolen session cannot move the account quietly.
          const newEmail = String((ctx.body as { newEmail?: unknown }).newEmail);
          sendInBackground(mailer, emailChangeRequestedMail(ctx.context.session.user.email, newEmail), "email-change-requested");
        }
      }),
    },
    telemetry: { enabled: false },
    // Better Auth's own logger prints failed queries with their parameters (session tokens).
    logger: {
      log: (level, message, ...args: unknown[]) => {
        if (level === "debug") return;
        log(level, "auth", { message: redactQueryParams(message) }, args.find((arg) => arg instanceof Error));
      },
    },
    plugins: [
      // Authenticator-app codes (TOTP) and single-use backup codes; before bearer, so a sign-in
      // still waiting for its code hands out no token.
      twoFactor({ issuer: "Tasks" }),
      // Sign-in with a passkey, for this site only: the browser signs the challenge for the app's
      // own origin and host, whatever origin a request claims.
      passkey({ rpName: "Tasks", origin: new URL(config.baseURL).origin }),
      // Listed after twoFactor: it must see whether a sign-in still waits for a code.
      accountThrottle(throttle, { secret: config.secret, secureCookies: config.baseURL.startsWith("https:") }),
      // `Authorization: Bearer <session token>` works like the cookie; only signed tokens count.
      bearer({ requireSignature: true }),
      // Short-lived JWTs that other services verify against /api/auth/jwks without calling us.
      jwt({
        jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" } },
        jwt: {
          issuer: config.baseURL,
          audience: config.jwtAudience ?? config.baseURL,
          expirationTime: config.jwtLifetime ?? JWT_LIFETIME,
          // Only `sub` (the user id): a token should not carry personal data around.
          definePayload: () => ({}),
        },
        // Otherwise every session lookup would sign a JWT nobody asked for.
        disableSettingJwtHeader: true,
      }),
      // nextCookies must stay last: it forwards cookies set by the plugins before it.
      nextCookies(),
    ],
  });
}

/** Refuses the request, before it changes anything, when no mail could go out now. */
async function checkMailServer(mailer: Mailer): Promise<void> {
  try {
    await mailer.verify();
  } catch (error) {
    log("error", "mail.unavailable", {}, error);
    throw new APIError("SERVICE_UNAVAILABLE", { message: MAIL_NOT_SENT_MESSAGE, code: "EMAIL_NOT_SENT" }, { "retry-after": "30" });
  }
}

export type Auth = ReturnType<typeof createBetterAuth>;

const globalForAuth = globalThis as typeof globalThis & { tasksAuth?: { db: Database; appAuth: AppAuth } };

/**
 * The app's one Better Auth instance (with its JWT verifier) over the app's database, created
 * on first use — and again when the database module has replaced its pool after an outage.
 * Kept beside the database on globalThis, which Next.js's bundles share.
 */
export async function getAuth(): Promise<AppAuth> {
  const db = await getDb();
  if (globalForAuth.tasksAuth?.db !== db) {
    const appAuth = createAuth(db, {
      baseURL: appBaseUrl(),
      secret: authSecret(),
      trustedOrigins: trustedOrigins(),
      cookieDomain: env.AUTH_COOKIE_DOMAIN,
      rateLimit: { enabled: env.NODE_ENV === "production", multiplier: env.RATE_LIMIT_MULTIPLIER },
      mailer: createMailer({
        smtpUrl: env.SMTP_URL,
        from: mailFrom(),
        withoutSmtp: env.NODE_ENV === "production" ? "refuse" : "log",
      }),
      requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
    });
    globalForAuth.tasksAuth = { db, appAuth };
  }
  return globalForAuth.tasksAuth.appAuth;
}
