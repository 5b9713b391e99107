import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { bearer, jwt, twoFactor } from "better-auth/plugins";

import { appBaseUrl, authSecret, env, trustedOrigins } from "@/env";
import { NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/validators/auth";
import { getDb, type Database } from "@/server/db";
import * as authTables from "@/server/db/schema/auth";
import { log, redactQueryParams } from "@/server/log";

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
}

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
} as const;

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
        if ((ctx.path === "/sign-up/email" || ctx.path === "/update-user") && typeof body.name === "string" && body.name.trim().length > NAME_MAX_LENGTH) {
          throw new APIError("BAD_REQUEST", { message: `Use at most ${NAME_MAX_LENGTH} characters for your name.`, code: "NAME_TOO_LONG" });
        }
        if (ctx.path === "/delete-user" && (typeof body.password !== "string" || body.password === "")) {
          throw new APIError("BAD_REQUEST", { message: "Enter your password to delete your account.", code: "PASSWORD_REQUIRED" });
        }
        if (ctx.path === "/change-password") {
          // A new password ends every other session, whatever the client asked for.
          return { context: { body: { ...body, revokeOtherSessions: true } } };
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
    });
    globalForAuth.tasksAuth = { db, appAuth };
  }
  return globalForAuth.tasksAuth.appAuth;
}
