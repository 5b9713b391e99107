/**
 * The typed client for programs that call the API: Node scripts, services, the CLI.
 * No React, no Next.js: only tRPC's client and superjson. Types come from `AppRouter`.
 *
 *   const client = createTaskClient({ baseUrl: "https://tasks.example.com", token });
 *   const { items } = await client.task.list.query({ status: "active" });
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource } from "eventsource";
import superjson from "superjson";

import type { AppRouter } from "@/server/api/root";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Task = RouterOutputs["task"]["byId"];
/** What `task.onChange` delivers: a task's id and kind of change, or `resync` (refetch: some may have been missed). */
export type TaskChange = RouterOutputs["task"]["onChange"] extends AsyncIterable<infer Change> ? Change : never;

export interface TaskClientOptions {
  /** Where the app is served, e.g. https://tasks.example.com. */
  baseUrl: string;
  /** A bearer session token (from {@link signIn}) or a JWT (from {@link fetchJwt}). */
  token?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
}

/**
 * A fully typed tRPC client of the task API, with request batching, and `task.onChange`
 * over server-sent events (reconnecting by itself).
 */
export function createTaskClient({ baseUrl, token, fetch = globalThis.fetch }: TaskClientOptions) {
  const url = new URL("/api/trpc", baseUrl).toString();
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          // Node has no EventSource; this one takes a fetch, which carries the token.
          EventSource,
          eventSourceOptions: { fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...authorization } }) },
        }),
        false: httpBatchLink({
          url,
          transformer: superjson,
          // The server refuses batches of more than 20 calls.
          maxItems: 20,
          headers: () => authorization,
          fetch,
        }),
      }),
    ],
  });
}

export type TaskClient = ReturnType<typeof createTaskClient>;

/** A failed call to Better Auth's endpoints, with its HTTP status. */
export class AuthRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "AuthRequestError";
  }
}

async function authRequest(baseUrl: string, path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  // Node's fetch sends Sec-Fetch-Mode, on which Better Auth requires an Origin it trusts:
  // a program talking to the app speaks as the app's own origin.
  headers.set("origin", new URL(baseUrl).origin);
  const response = await fetch(new URL(`/api/auth${path}`, baseUrl), { ...init, headers });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new AuthRequestError(body?.message ?? `${response.status} ${response.statusText}`, response.status);
  }
  return response;
}

/** An authenticator app's code is six digits; anything else is taken for a backup code. */
const isAppCode = (code: string) => /^\d{6}$/.test(code);

export interface SignInOptions {
  baseUrl: string;
  email: string;
  password: string;
  /**
   * Asked for the code when the account has two-factor sign-in: six digits from the
   * authenticator app, or a backup code. Without it such an account cannot sign in here.
   */
  secondFactor?: () => Promise<string>;
}

/** Signs in with email and password (and a code, when asked); resolves the bearer session token. */
export async function signIn({ baseUrl, email, password, secondFactor }: SignInOptions) {
  let response = await authRequest(baseUrl, "/sign-in/email", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json().catch(() => null)) as { twoFactorRedirect?: boolean } | null;
  if (body?.twoFactorRedirect) {
    if (!secondFactor) throw new AuthRequestError("this account asks for a two-factor code", 401);
    const code = (await secondFactor()).replace(/\s+/g, "");
    // The challenge lives in the cookies the sign-in set; the code goes back with them.
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    response = await authRequest(baseUrl, isAppCode(code) ? "/two-factor/verify-totp" : "/two-factor/verify-backup-code", {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ code }),
    });
  }
  const token = response.headers.get("set-auth-token");
  if (!token) throw new AuthRequestError("the server returned no session token", response.status);
  return token;
}

/** Ends the session behind a bearer token; it stops working at once. */
export async function signOut({ baseUrl, token }: { baseUrl: string; token: string }): Promise<void> {
  await authRequest(baseUrl, "/sign-out", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
}

/** Exchanges a bearer session token for a short-lived JWT (15 minutes). */
export async function fetchJwt({ baseUrl, token }: { baseUrl: string; token: string }): Promise<string> {
  const response = await authRequest(baseUrl, "/token", { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new AuthRequestError("the server returned no token", response.status);
  return body.token;
}
