import "server-only";
import { defineRequestState } from "@better-auth/core/context";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { bearer, jwt } from "better-auth/plugins";

import { appBaseUrl, authSecret, env, trustedOrigins } from "@/env";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/validators/auth";
import { getDb, type Database } from "@/server/db";
import * as authTables from "@/server/db/schema/auth";
import { log, redactQueryParams } from "@/server/log";

import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "./common-passwords";
import { createJwtVerifier, type JwtVerifier } from "./jwt-verifier";
import { hashPassword, needsRehash, verifyPasswordHash } from "./password";
import { withPreparedSessionLookup } from "./session-lookup";
import { createSignInThrottle, DEFAULT_SIGN_IN_THROTTLE, type SignInThrottleOptions } from "./sign-in-throttle";

/** How long a JWT from `/api/auth/token` stays valid: it cannot be revoked before then. */
export const JWT_LIFETIME = "15m";

export interface AuthConfig {
  /** Public base URL of the app; under `next start` the request URL cannot be trusted for it. */
  baseURL: string;
  secret: string;
  /** Other origins whose pages may call the app (they also get CORS). */
  trustedOrigins?: readonly string[];
  /** Overrides {@link JWT_LIFETIME} (tests use a short one). */
  jwtLifetime?: string | number;
  /** Overrides the JWT audience, which is otherwise the base URL (tests use a foreign one). */
  jwtAudience?: string;
  /** Per-address rate limits: off unless enabled; `multiplier` scales every limit (load tests). */
  rateLimit?: { enabled: boolean; multiplier?: number };
  signInThrottle?: SignInThrottleOptions;
}

// Requests per window, per client address and path, before `multiplier`.
const RATE_LIMITS = {
  default: { window: 60, max: 300 },
  "/sign-in/email": { window: 60, max: 10 },
  "/sign-up/email": { window: 3600, max: 20 },
  "/change-password": { window: 600, max: 10 },
  "/delete-user": { window: 600, max: 10 },
  "/token": { window: 60, max: 60 },
} as const;

// Where a new password arrives, per endpoint that sets one.
const NEW_PASSWORD_FIELDS: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
};

/**
 * What one sign-in request has learned on its way, so its after-hook only writes what needs
 * writing: a throttle row to clear, a hash from before Argon2id (or at an older cost) to replace.
 */
const signInFindings = defineRequestState(() => ({ failuresOnRecord: false, outdatedHashVerified: false }));

/** Checks a password; a correct one under an outdated hash is noted for the sign-in's after-hook. */
async function verifyAndNoteOutdatedHash(input: { hash: string; password: string }): Promise<boolean> {
  const valid = await verifyPasswordHash(input);
  if (valid && needsRehash(input.hash)) (await signInFindings.get()).outdatedHashVerified = true;
  return valid;
}

/** Builds the Better Auth instance over `db`; tests build their own over a fresh database. */
export function createAuth(db: Database, config: AuthConfig) {
  const auth = createBetterAuth(db, config);
  verifiers.set(
    auth,
    // Our own tokens only: issued by this app, for this app, whatever audience others mint for.
    createJwtVerifier({ loadKeys: () => auth.api.getJwks(), issuer: config.baseURL, audience: config.baseURL }),
  );
  return auth;
}

function createBetterAuth(db: Database, config: AuthConfig) {
  const throttle = createSignInThrottle(db, config.signInThrottle ?? DEFAULT_SIGN_IN_THROTTLE);
  const multiplier = config.rateLimit?.multiplier ?? 1;
  const scaled = ({ window, max }: { window: number; max: number }) => ({ window, max: Math.ceil(max * multiplier) });

  return betterAuth({
    appName: "Tasks",
    baseURL: config.baseURL,
    secret: config.secret,
    trustedOrigins: [...(config.trustedOrigins ?? [])],
    database: withPreparedSessionLookup(drizzleAdapter(db, { provider: "pg", schema: authTables, transaction: true }), db),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      password: { hash: hashPassword, verify: verifyAndNoteOutdatedHash },
    },
    user: {
      // Deleting an account needs the password (enforced below) and removes its tasks and
      // sessions through foreign keys.
      deleteUser: { enabled: true },
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
      customRules: Object.fromEntries(
        Object.entries(RATE_LIMITS)
          .filter(([path]) => path !== "default")
          .map(([path, rule]) => [path, scaled(rule)]),
      ),
    },
    advanced: {
      // Session and user in one query instead of two.
      database: { joins: true },
      // Better Auth turns its origin (CSRF) check off whenever NODE_ENV=test or any TEST
      // variable is set; a stray variable in a deployment must not silently do that.
      disableOriginCheck: false,
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
        if (ctx.path === "/sign-in/email" && typeof body.email === "string") {
          const { retryAfter: wait, failuresOnRecord } = await throttle.check(body.email);
          (await signInFindings.get()).failuresOnRecord = failuresOnRecord;
          if (wait > 0) {
            throw new APIError(
              "TOO_MANY_REQUESTS",
              { message: `Too many failed sign-ins for this account. Try again in ${wait} s.`, code: "ACCOUNT_THROTTLED" },
              { "retry-after": String(wait) },
            );
          }
        }
        if (ctx.path === "/change-password") {
          // A new password ends every other session, whatever the client asked for.
          return { context: { body: { ...body, revokeOtherSessions: true } } };
        }
        if (ctx.path === "/delete-user" && (typeof body.password !== "string" || body.password === "")) {
          throw new APIError("BAD_REQUEST", { message: "Enter your password to delete your account.", code: "PASSWORD_REQUIRED" });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const { email, password } = (ctx.body ?? {}) as { email?: unknown; password?: unknown };
        if (typeof email !== "string" || typeof password !== "string") return;
        const signedIn = ctx.context.newSession;
        if (!signedIn) {
          if (ctx.context.returned instanceof APIError && ctx.context.returned.statusCode === 401) {
            await throttle.recordFailure(email);
          }
          return;
        }
        const findings = await signInFindings.get();
        if (findings.failuresOnRecord) await throttle.reset(email);
        // Upgrade a hash from before the switch to Argon2id (or to today's cost) while the password is at hand.
        if (findings.outdatedHashVerified) {
          await ctx.context.internalAdapter.updatePassword(signedIn.user.id, await hashPassword(password));
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

export type Auth = ReturnType<typeof createBetterAuth>;

const verifiers = new WeakMap<Auth, JwtVerifier>();

/** The local JWT verifier (with its key cache) of an instance made by {@link createAuth}. */
export function jwtVerifierOf(auth: Auth): JwtVerifier {
  const verifier = verifiers.get(auth);
  if (!verifier) throw new Error("this auth instance was not made by createAuth");
  return verifier;
}

const globalForAuth = globalThis as typeof globalThis & { tasksAuth?: { db: Database; auth: Auth } };

/**
 * The app's one Better Auth instance over the app's database, created on first use — and
 * again when the database module has replaced its pool after an outage.
 */
export async function getAuth(): Promise<Auth> {
  const db = await getDb();
  if (globalForAuth.tasksAuth?.db !== db) {
    const auth = createAuth(db, {
      baseURL: appBaseUrl(),
      secret: authSecret(),
      trustedOrigins: trustedOrigins(),
      rateLimit: { enabled: env.NODE_ENV === "production", multiplier: env.RATE_LIMIT_MULTIPLIER },
    });
    globalForAuth.tasksAuth = { db, auth };
  }
  return globalForAuth.tasksAuth.auth;
}
