import { spawnSync } from "node:child_process";

import { describe, expect, test } from "vitest";

type EnvVars = { NODE_ENV: "development" | "production" } & Record<string, string>;

/** Imports src/env.ts in a fresh process with exactly `vars`, as a server start would. */
function loadEnv(vars: EnvVars) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", 'const { env } = await import("./src/env.ts"); console.log(JSON.stringify(env));'],
    { env: { PATH: process.env.PATH ?? "", ...vars }, encoding: "utf8" },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("environment validation", () => {
  test("one message lists every problem and start-up stops", () => {
    const result = loadEnv({ NODE_ENV: "production", DATABASE_URL: "mysql://nope", PORT: "eighty", BETTER_AUTH_URL: "not a url" });
    expect(result.status).not.toBe(0);
    const message = result.stderr.slice(result.stderr.indexOf("Invalid environment variables:"));
    expect(message).toContain("BETTER_AUTH_SECRET: is required in production");
    expect(message).toContain("DATABASE_URL: must be a postgres:// or postgresql:// connection URL");
    expect(message).toContain("PORT:");
    expect(message).toContain("BETTER_AUTH_URL: must be an http(s) URL");
  });

  test("AUTH_COOKIE_DOMAIN must be a bare domain", () => {
    const bad = loadEnv({ NODE_ENV: "development", AUTH_COOKIE_DOMAIN: "https://example.com" });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("AUTH_COOKIE_DOMAIN: must be a domain such as example.com");
    const good = loadEnv({ NODE_ENV: "development", AUTH_COOKIE_DOMAIN: "example.com" });
    expect(JSON.parse(good.stdout)).toMatchObject({ AUTH_COOKIE_DOMAIN: "example.com" });
  });

  test("a short secret is refused", () => {
    const result = loadEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: "short" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("BETTER_AUTH_SECRET: must be at least 32 characters long");
  });

  test("development needs nothing: PGlite at .data/pglite on port 3000", () => {
    const result = loadEnv({ NODE_ENV: "development" });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ PGLITE_DATA_DIR: ".data/pglite", PORT: 3000 });
  });

  test("a production server with a secret starts; `next build` needs no secret", () => {
    expect(loadEnv({ NODE_ENV: "production", BETTER_AUTH_SECRET: "s".repeat(32), DATABASE_URL: "postgres://u@db:5432/tasks" }).status).toBe(0);
    expect(loadEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }).status).toBe(0);
  });

  test("empty values count as unset", () => {
    const result = loadEnv({ NODE_ENV: "development", DATABASE_URL: "", PORT: "" });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ PORT: 3000 });
  });

  test("mail settings: an SMTP URL, and verification off unless switched on", () => {
    expect(JSON.parse(loadEnv({ NODE_ENV: "development" }).stdout)).toMatchObject({ REQUIRE_EMAIL_VERIFICATION: false });
    const on = loadEnv({ NODE_ENV: "development", SMTP_URL: "smtps://u:p@smtp.example.com:465", REQUIRE_EMAIL_VERIFICATION: "true" });
    expect(JSON.parse(on.stdout)).toMatchObject({ SMTP_URL: "smtps://u:p@smtp.example.com:465", REQUIRE_EMAIL_VERIFICATION: true });
    const bad = loadEnv({ NODE_ENV: "development", SMTP_URL: "smtp.example.com", REQUIRE_EMAIL_VERIFICATION: "yes" });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("SMTP_URL: must be an smtp:// or smtps:// URL");
    expect(bad.stderr).toContain("REQUIRE_EMAIL_VERIFICATION: must be true or false");
  });
});
