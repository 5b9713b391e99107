import type { Route } from "next";

const AFTER_SIGN_IN: Route = "/tasks";
const AUTH_PAGES = new Set(["/sign-in", "/sign-up"]);
const BASE = "http://app.invalid";

// Raw input that no page of this site needs and that browsers, proxies or decoders read in
// surprising ways: backslashes (read as "/"), whitespace and control characters (dropped).
const SUSPICIOUS = /[\\\s\p{Cc}]/u;
// A resolved path of non-empty segments of unreserved characters or percent-encoded UTF-8
// (bytes 80–FF, never an encoded "/", "\" or control character), or exactly "/".
const SEGMENT = String.raw`(?:[\w.~-]|%[89a-f][0-9a-f])+`;
const SAFE_PATH = new RegExp(String.raw`^/(?:${SEGMENT}(?:/${SEGMENT})*/?)?$`, "i");
const QUERY_CHARS = String.raw`(?:[\w.~!$&'()*+,;=:@/?-]|%[0-9a-f]{2})*`;
const SAFE_SEARCH = new RegExp(String.raw`^(?:\?${QUERY_CHARS})?$`, "i");
const SAFE_HASH = new RegExp(String.raw`^(?:#${QUERY_CHARS})?$`, "i");

/**
 * Where to go after signing in: the `next` query parameter if it is a page of this site,
 * otherwise the task list. Only a normalised path that matches a conservative pattern is
 * returned (it starts with a single "/" and has no empty segment, so "//host" or "/\host"
 * can never come out of it, whatever dot segments or encodings went in), so the sign-in and
 * sign-up pages cannot be used to send people elsewhere.
 */
export function safeNextPath(next: string | string[] | undefined): Route {
  if (typeof next !== "string" || !/^\/(?![/\\])/.test(next) || SUSPICIOUS.test(next)) return AFTER_SIGN_IN;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return AFTER_SIGN_IN;
  }
  const { origin, pathname, search, hash } = url;
  if (origin !== BASE || !SAFE_PATH.test(pathname) || !SAFE_SEARCH.test(search) || !SAFE_HASH.test(hash)) return AFTER_SIGN_IN;
  if (AUTH_PAGES.has(pathname.replace(/\/$/, ""))) return AFTER_SIGN_IN;
  // A path on this site (checked above); the route table cannot be known statically here.
  return `${pathname}${search}${hash}` as Route;
}
