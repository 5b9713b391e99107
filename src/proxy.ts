import { NextResponse, type NextRequest } from "next/server";

import { appBaseUrl, env } from "@/env";
import { isDatabaseHealthy } from "@/server/db/health";
import { newNonce, pageSecurityHeaders } from "@/server/http/security-headers";

/**
 * Gives every HTML page its Content-Security-Policy with a fresh nonce. Next.js reads the
 * nonce from the request's CSP header while rendering and puts it on its own scripts, so the
 * policy goes on the request as well as on the response.
 *
 * Every page reads the session from the database, and a page has no way to answer with a
 * status of its own: so while the database is unreachable (or still migrating) pages answer
 * 503 here, with a short explanation, instead of a failed render's 500.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const headers = pageSecurityHeaders({
    nonce: newNonce(),
    development: env.NODE_ENV === "development",
    baseUrl: appBaseUrl(),
    pathname: request.nextUrl.pathname,
  });
  if (!(await isDatabaseHealthy())) return serviceUnavailable(headers);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

const UNAVAILABLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tasks is briefly unavailable</title></head>
<body><main><h1>Tasks is briefly unavailable</h1>
<p>We cannot reach our database right now. Your tasks are safe: reload this page in a few seconds.</p></main></body></html>
`;

function serviceUnavailable(headers: Record<string, string>): NextResponse {
  return new NextResponse(UNAVAILABLE_PAGE, {
    status: 503,
    headers: { ...headers, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Retry-After": "5" },
  });
}

export const config = {
  matcher: [
    {
      // Pages only: the API answers JSON, and built assets carry no policy of their own.
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      // A prefetch is not rendered with this request's nonce.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
