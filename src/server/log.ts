import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `work` as request `requestId`: every line logged meanwhile, by any module, carries it. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return requestContext.run({ requestId }, work);
}

/**
 * One structured JSON line per event on stderr. Callers pass only what is safe to keep:
 * never passwords, tokens, cookies or request bodies. Query parameters inside error
 * messages (drizzle puts them there; a session lookup's parameter is the session token)
 * are redacted here, whoever logs.
 */
export function log(level: "error" | "warn" | "info", event: string, fields: Record<string, unknown> = {}, error?: unknown): void {
  const requestId = requestContext.getStore()?.requestId;
  const line: Record<string, unknown> = {
    level,
    time: new Date().toISOString(),
    event,
    ...(requestId ? { requestId } : {}),
    ...fields,
  };
  if (error !== undefined) line.error = describeError(error);
  const text = JSON.stringify(line);
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else console.info(text);
}

export function logError(event: string, fields: Record<string, unknown>, error?: unknown): void {
  log("error", event, fields, error);
}

/** Removes the `params: …` part that drizzle appends to a failed query's message. */
export function redactQueryParams(text: string): string {
  return text.replace(/\nparams: [^\n]*/g, "\nparams: [redacted]");
}

function describeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return redactQueryParams(String(error));
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: redactQueryParams(error.message),
    ...(typeof code === "string" ? { code } : {}),
    stack: error.stack ? redactQueryParams(error.stack) : undefined,
    cause: error.cause !== undefined && depth < 5 ? describeError(error.cause, depth + 1) : undefined,
  };
}
