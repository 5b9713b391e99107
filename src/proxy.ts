import { NextResponse, type NextRequest } from "next/server";

import { appBaseUrl, env } from "@/env";
import { newNonce, pageSecurityHeaders } from "@/server/http/security-headers";

/**
 * Gives every HTML page its Content-Security-Policy with a fresh nonce. Next.js reads the
 * nonce from the request's CSP header while rendering and puts it on its own scripts, so the
 * policy goes on the request as well as on the response.
 */
export function proxy(request: NextRequest): NextResponse {
  const headers = pageSecurityHeaders({
    nonce: newNonce(),
    development: env.NODE_ENV === "development",
    baseUrl: appBaseUrl(),
    pathname: request.nextUrl.pathname,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
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
