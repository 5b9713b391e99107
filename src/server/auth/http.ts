import "server-only";
import { randomUUID } from "node:crypto";

import { getAuth } from "@/server/auth/auth";
import { isDatabaseUnavailable } from "@/server/db/errors";
import { withDeadline } from "@/server/deadline";
import { withCors } from "@/server/http/cors";
import { configuredOriginPolicy } from "@/server/http/origins";
import { withRetryAfter } from "@/server/http/retry-after";
import { logError, runWithRequestId } from "@/server/log";

/**
 * Better Auth's handler, with a request id on the response and on every line it logs, and
 * a 503 instead of a hang or a 500 when the database cannot be reached. No answer is
 * cacheable: they carry sessions, tokens and personal data.
 */
async function handleAuthRequest(request: Request): Promise<Response> {
  const requestId = randomUUID();
  const headers = new Headers({ "x-request-id": requestId, "cache-control": "no-store" });
  let response: Response;
  try {
    // The auth instance is created on the first request, so building the app opens no database.
    response = await runWithRequestId(requestId, () => withDeadline((async () => (await getAuth()).auth.handler(request))()));
  } catch (error) {
    if (!isDatabaseUnavailable(error)) {
      logError("auth.error", { requestId }, error);
      return Response.json(
        { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side. Try again; if it keeps happening, quote the request id." },
        { status: 500, headers },
      );
    }
    logError("auth.unavailable", { requestId }, error);
    headers.set("retry-after", "5");
    return Response.json(
      { code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable. Try again in a few seconds." },
      { status: 503, headers },
    );
  }
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie" && name !== "cache-control") headers.set(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return withRetryAfter(new Response(response.body, { status: response.status, statusText: response.statusText, headers }));
}

/** `/api/auth/*`: `handle` for GET and POST, `preflight` for OPTIONS. */
export const authRoute = withCors(configuredOriginPolicy, handleAuthRequest);
