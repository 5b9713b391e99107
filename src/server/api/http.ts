import "server-only";
import { randomUUID } from "node:crypto";

import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

import { isAllowedOrigin, type OriginPolicy } from "@/server/http/origins";
import { logError, runWithRequestId } from "@/server/log";

import { appRouter } from "./root";
import { RetryLater } from "./write-limiter";
import type { TRPCContext } from "./trpc";

// Errors a client can cause are answered, not logged; the rest are logged once, here.
const LOGGED_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"]);

/** Calls per batch; the web client's batch link must not exceed it. */
export const MAX_BATCH_SIZE = 20;
/** Bytes per request body: a full batch of the largest valid writes fits many times over. */
export const MAX_BODY_BYTES = 100_000;

type ContextFactory = (opts: { headers: Headers; requestId: string }) => Promise<TRPCContext> | TRPCContext;

/**
 * Serves one HTTP request to `/api/trpc`. Every response carries a request id, which
 * error responses also hold in `data.requestId`, so a user's report finds the log line.
 * Writes must be JSON, and a browser's cookie-carrying write must come from an allowed origin.
 */
export async function handleTRPCRequest(req: Request, createContext: ContextFactory, origins: OriginPolicy): Promise<Response> {
  const requestId = randomUUID();
  return runWithRequestId(requestId, () => serve(req, createContext, origins, requestId));
}

async function serve(req: Request, createContext: ContextFactory, origins: OriginPolicy, requestId: string): Promise<Response> {
  // A refused request reaches tRPC without its body, and its context throws the refusal, so
  // the error is shaped like every other (errorFormatter) and nothing else runs.
  const checked = refuseUnsafeWrite(req, origins) ?? (await withBoundedBody(req));
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: checked instanceof TRPCError ? withoutBody(req) : checked,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: async () => {
      if (checked instanceof TRPCError) throw checked;
      return createContext({ headers: req.headers, requestId });
    },
    onError({ error, path, type }) {
      if (LOGGED_CODES.has(error.code)) {
        logError("trpc.error", { requestId, path, type, code: error.code }, error.cause ?? error);
      }
    },
    responseMeta({ errors }) {
      const headers = new Headers({ "x-request-id": requestId, "cache-control": "no-store" });
      if (errors.some((error) => error.code === "SERVICE_UNAVAILABLE")) headers.set("retry-after", "5");
      const retryLater = errors.map((error) => error.cause).find((cause) => cause instanceof RetryLater);
      if (retryLater) headers.set("retry-after", String(retryLater.seconds));
      return { headers };
    },
  });
}

/**
 * CSRF defence for cookie-authenticated writes (tRPC runs mutations only on POST). A
 * browser names the page's origin in `Origin` (or at least `Sec-Fetch-Site`); a write
 * carrying cookies from any other site is refused before anything runs. Requests without
 * cookies carry no ambient credentials (bearer tokens are sent deliberately) and pass.
 */
function refuseUnsafeWrite(req: Request, origins: OriginPolicy): TRPCError | null {
  if (req.method !== "POST") return null;
  const contentType = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    return new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: "Send mutations as application/json." });
  }
  if (!req.headers.has("cookie")) return null;
  const origin = req.headers.get("origin");
  const fetchSite = req.headers.get("sec-fetch-site");
  const allowed = origin
    ? isAllowedOrigin(origins, origin)
    : fetchSite === null || fetchSite === "same-origin" || fetchSite === "none";
  return allowed ? null : new TRPCError({ code: "FORBIDDEN", message: "Cross-site request refused." });
}

function withoutBody(req: Request): Request {
  return new Request(req.url, { method: req.method, headers: req.headers });
}

/**
 * The request with its body read, or PAYLOAD_TOO_LARGE once it passes MAX_BODY_BYTES —
 * counted as it streams in, so a missing or lying Content-Length changes nothing.
 */
async function withBoundedBody(req: Request): Promise<Request | TRPCError> {
  if (!req.body) return req;
  const tooLarge = new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `Request bodies are limited to ${MAX_BODY_BYTES / 1000} kB.` });
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return tooLarge;
    }
    chunks.push(value);
  }
  return new Request(req.url, { method: req.method, headers: req.headers, body: Buffer.concat(chunks) });
}
