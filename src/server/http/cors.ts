import "server-only";

import type { OriginPolicy } from "./origins";

const ALLOWED_METHODS = "GET, POST, OPTIONS";
const ALLOWED_HEADERS = "authorization, content-type, trpc-accept, x-trpc-source";
// Headers a trusted page's script may read: the bearer and JWT plugins' tokens, our request id.
const EXPOSED_HEADERS = "set-auth-token, set-auth-jwt, x-request-id, retry-after";

type Handler = (request: Request) => Promise<Response>;

/**
 * Adds CORS (with credentials) for trusted other origins to a route handler, and answers
 * their preflight. Every other origin gets no CORS headers at all, so browsers keep its
 * pages from reading responses; refusing its writes is the CSRF checks' job.
 */
export function withCors(policy: () => OriginPolicy, handler: Handler): { handle: Handler; preflight: Handler } {
  return {
    async handle(request) {
      return withCorsHeaders(request, await handler(request), policy());
    },
    async preflight(request) {
      const headers = new Headers({ vary: "Origin" });
      const origin = request.headers.get("origin");
      if (origin && policy().trusted.includes(origin)) {
        headers.set("access-control-allow-origin", origin);
        headers.set("access-control-allow-credentials", "true");
        headers.set("access-control-allow-methods", ALLOWED_METHODS);
        headers.set("access-control-allow-headers", ALLOWED_HEADERS);
        headers.set("access-control-max-age", "600");
      }
      return new Response(null, { status: 204, headers });
    },
  };
}

function withCorsHeaders(request: Request, response: Response, policy: OriginPolicy): Response {
  const headers = new Headers(response.headers);
  headers.append("vary", "Origin");
  const origin = request.headers.get("origin");
  if (origin && policy.trusted.includes(origin)) {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-allow-credentials", "true");
    headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
