import "server-only";

/** Better Auth's rate limiter answers 429 with only `X-Retry-After`; clients and proxies read `Retry-After`. */
export function withRetryAfter(response: Response): Response {
  const seconds = response.headers.get("x-retry-after");
  if (response.status !== 429 || !seconds || response.headers.has("retry-after")) return response;
  const headers = new Headers(response.headers);
  headers.set("retry-after", seconds);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
