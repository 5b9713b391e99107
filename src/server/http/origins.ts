import "server-only";

import { appBaseUrl, trustedOrigins } from "@/env";

/** Which origins may call the app from a browser: its own, and the trusted others. */
export interface OriginPolicy {
  appOrigin: string;
  /** Other origins: they may send credentialed requests and get CORS headers. */
  trusted: readonly string[];
}

/** The policy configured by BETTER_AUTH_URL and TRUSTED_ORIGINS. */
export function configuredOriginPolicy(): OriginPolicy {
  return { appOrigin: new URL(appBaseUrl()).origin, trusted: trustedOrigins() };
}

export function isAllowedOrigin(policy: OriginPolicy, origin: string): boolean {
  return origin === policy.appOrigin || policy.trusted.includes(origin);
}
