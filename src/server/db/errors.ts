import "server-only";

import { DeadlineExceeded } from "@/server/deadline";

// postgres.js and Node network errors that mean "no connection", not "bad query".
const CONNECTION_ERROR_CODES = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

// SQLSTATEs of a server that is going away or not yet accepting queries.
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** `error` and the errors in its `cause` chain. */
function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && !chain.includes(current); current = current.cause) chain.push(current);
  return chain;
}

const codeOf = (error: Error) => (error as { code?: unknown }).code;

/**
 * Whether `error` (or anything in its `cause` chain) says the database cannot be reached
 * (or did not answer in time), as opposed to rejecting a query: such errors become 503,
 * never 500 or 401.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const current of causeChain(error)) {
    if (current instanceof DeadlineExceeded) return true;
    const code = codeOf(current);
    if (typeof code === "string") {
      if (CONNECTION_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
      // Class 08: connection exception.
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/** Whether PostgreSQL refused a value as malformed or out of range (SQLSTATE class 22, data exception). */
export function isDataException(error: unknown): boolean {
  return causeChain(error).some((current) => /^22[0-9A-Z]{3}$/.test(String(codeOf(current))));
}

/** Whether PostgreSQL refused a row whose foreign key points at no row (SQLSTATE 23503). */
export function isForeignKeyViolation(error: unknown): boolean {
  return causeChain(error).some((current) => codeOf(current) === "23503");
}

/** Whether PostgreSQL refused a statement to the role running it (SQLSTATE 42501). */
export function isInsufficientPrivilege(error: unknown): boolean {
  return causeChain(error).some((current) => codeOf(current) === "42501");
}
