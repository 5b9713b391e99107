import { createEnv } from "@t3-oss/env-nextjs";
import * as z from "zod";

/**
 * The one place that reads `process.env`. Every variable is validated once;
 * a bad or missing value stops start-up with a single message listing every problem.
 */

const DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production";

// A running production server must sign sessions with a real secret; `next build` need not.
const servingProduction =
  process.env.NODE_ENV === "production" && process.env.NEXT_PHASE !== "phase-production-build";

const secret = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "is required in production (generate one with `openssl rand -base64 32`)"
        : "must be text",
  })
  .min(32, "must be at least 32 characters long");

const originList = z
  .string()
  .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean))
  .pipe(
    z.array(
      z
        .url({ protocol: /^https?$/, error: "each entry must be an origin such as https://admin.example.com" })
        .refine((value) => new URL(value).origin === value.replace(/\/$/, ""), {
          error: "each entry must be an origin only (scheme, host and port; no path)",
        })
        .transform((value) => new URL(value).origin),
    ),
  );

const addressList = z
  .string()
  .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: "each entry must be an IP address such as 127.0.0.1 or ::1" })));

// A registrable domain or a parent of the app's host, as a cookie's Domain attribute takes it.
const cookieDomain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i, "must be a domain such as example.com (no scheme, port or path)");

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, "must be a postgres:// or postgresql:// connection URL");

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    BETTER_AUTH_SECRET: servingProduction ? secret : secret.optional(),
    BETTER_AUTH_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://localhost:3000" }).optional(),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_URL_UNPOOLED: postgresUrl.optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
    MIGRATION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    PGLITE_DATA_DIR: z.string().min(1).default(".data/pglite"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    TRUSTED_ORIGINS: originList.default([]),
    AUTH_COOKIE_DOMAIN: cookieDomain.optional(),
    RATE_LIMIT_MULTIPLIER: z.coerce.number().positive("must be a positive number").default(1),
    TRUSTED_PROXIES: addressList.default([]),
    HOST: z.string().min(1).default("0.0.0.0"),
    SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    SMTP_URL: z.string().regex(/^smtps?:\/\/.+/, "must be an smtp:// or smtps:// URL such as smtps://user:pass@smtp.example.com:465").optional(),
    MAIL_FROM: z.string().min(3).optional(),
    REQUIRE_EMAIL_VERIFICATION: z
      .enum(["true", "false", "1", "0"], { error: "must be true or false" })
      .default("false")
      .transform((value) => value === "true" || value === "1"),
  },
  runtimeEnv: {
    NODE_ENV: process.env.NODE_ENV,
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET,
    BETTER_AUTH_URL: process.env.BETTER_AUTH_URL,
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_URL_UNPOOLED: process.env.DATABASE_URL_UNPOOLED,
    DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX,
    MIGRATION_TIMEOUT_MS: process.env.MIGRATION_TIMEOUT_MS,
    PGLITE_DATA_DIR: process.env.PGLITE_DATA_DIR,
    PORT: process.env.PORT,
    TRUSTED_ORIGINS: process.env.TRUSTED_ORIGINS,
    AUTH_COOKIE_DOMAIN: process.env.AUTH_COOKIE_DOMAIN,
    RATE_LIMIT_MULTIPLIER: process.env.RATE_LIMIT_MULTIPLIER,
    TRUSTED_PROXIES: process.env.TRUSTED_PROXIES,
    HOST: process.env.HOST,
    SHUTDOWN_DELAY_MS: process.env.SHUTDOWN_DELAY_MS,
    SMTP_URL: process.env.SMTP_URL,
    MAIL_FROM: process.env.MAIL_FROM,
    REQUIRE_EMAIL_VERIFICATION: process.env.REQUIRE_EMAIL_VERIFICATION,
  },
  emptyStringAsUndefined: true,
  onValidationError: (issues) => {
    const lines = issues.map((issue) => {
      const name = issue.path?.map((segment) => (typeof segment === "object" ? segment.key : segment)).join(".");
      return `  - ${name ?? "environment"}: ${issue.message}`;
    });
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}`);
  },
});

/** The secret Better Auth signs with; outside production a fixed development value stands in. */
export function authSecret(): string {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  if (env.NODE_ENV === "development") {
    console.warn(
      "\u26a0 BETTER_AUTH_SECRET is not set: using a development-only secret. Set it before deploying.",
    );
  }
  return DEVELOPMENT_SECRET;
}

/** The public base URL of the app: `BETTER_AUTH_URL`, or http://localhost:PORT. */
export function appBaseUrl(): string {
  return env.BETTER_AUTH_URL ?? `http://localhost:${env.PORT}`;
}

/**
 * Origins other than the app's own that browsers may call it from: `TRUSTED_ORIGINS`, plus,
 * in development without BETTER_AUTH_URL, the app on 127.0.0.1 as well as on localhost.
 */
export function trustedOrigins(): readonly string[] {
  const loopback = env.NODE_ENV === "development" && !env.BETTER_AUTH_URL ? [`http://127.0.0.1:${env.PORT}`] : [];
  return [...loopback, ...env.TRUSTED_ORIGINS];
}

/** Who mail comes from: `MAIL_FROM`, or no-reply at the app's host name. */
export function mailFrom(): string {
  return env.MAIL_FROM ?? `Tasks <no-reply@${new URL(appBaseUrl()).hostname}>`;
}
