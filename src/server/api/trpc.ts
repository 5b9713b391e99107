import "server-only";
import { randomUUID } from "node:crypto";

import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import * as z from "zod";

import { env } from "@/env";
import { getAuth, type AppAuth } from "@/server/auth/auth";
import { resolveCaller, resolveSession, type Caller, type ResolvedSession } from "@/server/auth/session";
import { DeadlineExceeded, withDeadline } from "@/server/deadline";
import { getDb, type Database } from "@/server/db";
import { isDatabaseUnavailable, isDataException } from "@/server/db/errors";
import { appTaskChanges, type TaskChanges } from "@/server/tasks/task-changes";
import { createTaskRepository } from "@/server/tasks/task-repository";

import { createWriteLimiter, RetryLater, type WriteLimiter } from "./write-limiter";

export interface InnerContextOptions {
  db: Database;
  auth: AppAuth;
  headers: Headers;
  requestId?: string;
  /** Per-user write limit; the app's shared one unless a test brings its own. */
  writeLimiter?: WriteLimiter;
  /** Where task change notifications come from; the app's own unless a test brings one. */
  taskChanges?: TaskChanges;
}

/** Writes per user per minute, across all instances (scaled by RATE_LIMIT_MULTIPLIER). */
const WRITES_PER_MINUTE = 600;

/**
 * The context without a Next.js request: tests build it from a database, an auth instance
 * and headers. The session is resolved once per request (a batch shares it), and only
 * when a procedure needs it.
 */
export function createInnerTRPCContext({ db, auth, headers, requestId, writeLimiter, taskChanges }: InnerContextOptions) {
  let session: Promise<ResolvedSession | null> | undefined;
  let caller: Promise<Caller | null> | undefined;
  const getSession = () => (session ??= resolveSession(auth.auth, headers));
  return {
    db,
    headers,
    requestId: requestId ?? randomUUID(),
    writeLimiter: writeLimiter ?? createWriteLimiter(db, { max: WRITES_PER_MINUTE * env.RATE_LIMIT_MULTIPLIER, windowSeconds: 60 }),
    taskChanges: taskChanges ?? appTaskChanges(),
    /** The database session with the user's profile (cookie or bearer session token). */
    getSession,
    /** The API caller: a locally verified JWT, or the database session. */
    getCaller: () => (caller ??= resolveCaller(auth, headers, getSession)),
  };
}

export type TRPCContext = ReturnType<typeof createInnerTRPCContext>;

/** The context of an HTTP request to `/api/trpc`. */
export async function createTRPCContext(opts: { headers: Headers; requestId?: string }): Promise<TRPCContext> {
  try {
    // Bounded: while start-up is still migrating, a request gets a prompt 503, not a hang.
    const [db, auth] = await withDeadline(Promise.all([getDb(), getAuth()]));
    return createInnerTRPCContext({ db, auth, ...opts });
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw databaseUnavailable(error);
    throw error;
  }
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  sse: {
    // A comment every 15 s keeps proxies from closing a quiet stream and lets the client
    // notice a dead one; ending each stream after 5 minutes makes the client reconnect, and
    // so sign in again: a revoked session or an expired JWT stops hearing changes.
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
    maxDurationMs: 5 * 60_000,
  },
  isDev: env.NODE_ENV === "development",
  errorFormatter({ shape, error, ctx }) {
    const zodError = error.cause instanceof z.ZodError ? error.cause : null;
    return {
      ...shape,
      message: zodError
        ? describeInvalidInput(zodError)
        : error.code === "INTERNAL_SERVER_ERROR" && env.NODE_ENV !== "development"
          ? "Something went wrong on our side. Try again; if it keeps happening, quote the request id."
          : echoesUndecodableInput(error)
            ? UNDECODABLE_INPUT
            : shape.message,
      data: {
        ...shape.data,
        zodError: zodError ? z.flattenError(zodError) : null,
        requestId: ctx?.requestId ?? null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * A database that cannot be reached, or does not answer within the deadline, is a temporary
 * outage (503), not a server bug or a sign-out. A value it refuses (one validation let
 * through) is the caller's error (400), told without the database's words.
 */
const databaseErrors = t.middleware(async ({ next }) => {
  const result = await withDeadline(next()).catch((error: unknown) => {
    throw error instanceof DeadlineExceeded ? databaseUnavailable(error) : error;
  });
  if (!result.ok && isDatabaseUnavailable(result.error)) throw databaseUnavailable(result.error);
  if (!result.ok && isDataException(result.error)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Invalid input: a value is malformed or out of range.", cause: result.error });
  }
  return result;
});

/** A procedure anyone may call. */
export const publicProcedure = t.procedure.use(databaseErrors);

/** A procedure for signed-in callers: `ctx.user` is the caller and `ctx.tasks` their task repository. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, type, next }) => {
  const caller = await ctx.getCaller();
  if (!caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  if (type === "mutation") {
    const wait = await ctx.writeLimiter.take(caller.userId);
    if (wait > 0) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `Too many changes in a short time. Try again in ${wait} s.`,
        cause: new RetryLater(wait),
      });
    }
  }
  return next({
    ctx: { user: { id: caller.userId }, tasks: createTaskRepository(ctx.db, caller.userId) },
  });
});

function databaseUnavailable(cause: unknown): TRPCError {
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message: "The service is temporarily unavailable. Try again in a few seconds.",
    cause,
  });
}

const UNDECODABLE_INPUT = `Invalid input: send superjson's JSON, {"json": …, "meta"?: …} (a batch: {"0": {"json": …}, …}).`;

/**
 * tRPC answers input it cannot decode (bad JSON, superjson's decoder throwing) with BAD_REQUEST
 * and the exception's own text, such as "Maximum call stack size exceeded".
 */
function echoesUndecodableInput(error: TRPCError): boolean {
  return (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR") && error.message === error.cause?.message;
}

function describeInvalidInput(error: z.ZodError): string {
  const problems = error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
  );
  return `Invalid input: ${problems.join("; ")}`;
}
