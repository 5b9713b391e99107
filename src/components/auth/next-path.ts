import type { Route } from "next";

const AFTER_SIGN_IN: Route = "/tasks";
const AUTH_PAGES = new Set(["/sign-in", "/sign-up"]);

/**
 * Where to go after signing in: the `next` query parameter if it is a page of this site,
 * otherwise the task list. Anything that a browser would resolve to another origin
 * ("//evil.example", "/\\evil.example", "https://…") is ignored, so the sign-in page
 * cannot be used to send people elsewhere.
 */
export function safeNextPath(next: string | string[] | undefined): Route {
  if (typeof next !== "string" || !next.startsWith("/")) return AFTER_SIGN_IN;
  const base = "http://app.invalid";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return AFTER_SIGN_IN;
  }
  if (url.origin !== base || AUTH_PAGES.has(url.pathname)) return AFTER_SIGN_IN;
  // Checked above to be a path on this site; the route table cannot be known statically here.
  return `${url.pathname}${url.search}${url.hash}` as Route;
}
