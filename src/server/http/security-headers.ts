/**
 * The security headers of the app's HTML pages. `src/proxy.ts` sends them per request, because
 * the CSP nonce is new on every request and HSTS depends on the deployed base URL, which
 * `next.config.ts` (compiled into the build) cannot know. The headers every response gets,
 * whatever its path, are static and live in `next.config.ts`.
 */

export const STATIC_SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
} as const;

export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** Pages that show a signed-in person's data: no cache, shared or private, may keep them. */
const PRIVATE_PAGE_PREFIXES = ["/tasks", "/account"];

export interface PageSecurityOptions {
  nonce: string;
  /** `next dev` needs `eval` for React's debugging aids and inline styles for its overlay; production neither. */
  development: boolean;
  /** The app's public base URL; HSTS is sent only when it is https. */
  baseUrl: string;
  pathname: string;
}

export function contentSecurityPolicy({ nonce, development }: Pick<PageSecurityOptions, "nonce" | "development">): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced framework scripts load are trusted; nothing else runs.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // Next.js puts the nonce on the inline styles it renders itself; Tailwind's CSS is a file.
    // `next dev`'s error overlay sets style attributes, which no nonce can allow; a nonce in
    // the list would switch 'unsafe-inline' off, so development lists neither.
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function isPrivatePage(pathname: string): boolean {
  return PRIVATE_PAGE_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** Every header an HTML page gets beyond the static ones. */
export function pageSecurityHeaders(options: PageSecurityOptions): { "Content-Security-Policy": string } & Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    ...(new URL(options.baseUrl).protocol === "https:" ? { "Strict-Transport-Security": HSTS_VALUE } : {}),
    ...(isPrivatePage(options.pathname) ? { "Cache-Control": "no-store" } : {}),
  };
}

/** A fresh, unguessable nonce: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
