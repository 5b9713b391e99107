import { sql } from "drizzle-orm";

import { createAuth, type AppAuth, type Auth, type AuthConfig } from "@/server/auth/auth";
import type { DatabaseOptions } from "@/server/db/client";
import { handleTRPCRequest } from "@/server/api/http";
import { createCaller } from "@/server/api/root";
import { createInnerTRPCContext } from "@/server/api/trpc";
import type { WriteLimiter } from "@/server/api/write-limiter";
import type { OriginPolicy } from "@/server/http/origins";
import { createTaskChanges, type TaskChanges } from "@/server/tasks/task-changes";

import { createTestDatabase, type TestDatabase } from "./database";

export const TEST_BASE_URL = "http://localhost:3000";
export const TEST_PASSWORD = "correct horse battery staple";

export interface TestUser {
  id: string;
  email: string;
  name: string;
  /** Request headers carrying this user's session cookie. */
  headers: Headers;
}

export interface TestApp extends TestDatabase {
  auth: Auth;
  /** Better Auth with its JWT verifier, as the API's context takes them. */
  appAuth: AppAuth;
  /** Task change notifications from this database, as `task.onChange` hears them. */
  taskChanges: TaskChanges;
  /** Signs a new user up through Better Auth and returns their session. */
  signUp(overrides?: { name?: string; email?: string; password?: string }): Promise<TestUser>;
  /** A tRPC caller acting with `headers` (none: signed out). */
  caller(headers?: Headers): ReturnType<typeof createCaller>;
  /** Serves `request` through the real /api/trpc HTTP handler over this app. */
  handle(request: Request, options?: { writeLimiter?: WriteLimiter }): Promise<Response>;
}

/** The origins the HTTP handler trusts in tests: the app's own and one trusted other. */
export const TEST_ORIGINS: OriginPolicy = { appOrigin: new URL(TEST_BASE_URL).origin, trusted: ["https://admin.example.com"] };

let userCount = 0;

export const TEST_SECRET = "test-only-secret-that-is-long-enough-000";

/** A fresh database with the real Better Auth instance and router over it. */
export async function createTestApp(options: DatabaseOptions & { auth?: Partial<AuthConfig> } = {}): Promise<TestApp> {
  const { auth: authConfig, ...databaseOptions } = options;
  const database = await createTestDatabase(databaseOptions);
  const appAuth = createAuth(database.db, { baseURL: TEST_BASE_URL, secret: TEST_SECRET, ...authConfig });
  const { auth } = appAuth;
  const taskChanges = createTaskChanges({
    listen: database.listen,
    async notify(channel, payload) {
      await database.db.execute(sql`select pg_notify(${channel}, ${payload})`);
    },
  });

  async function signUp(overrides: { name?: string; email?: string; password?: string } = {}): Promise<TestUser> {
    userCount += 1;
    const name = overrides.name ?? `User ${userCount}`;
    const email = overrides.email ?? `user${userCount}-${Date.now()}@example.com`;
    const { headers: responseHeaders, response } = await auth.api.signUpEmail({
      body: { name, email, password: overrides.password ?? TEST_PASSWORD },
      returnHeaders: true,
    });
    return { id: response.user.id, email, name, headers: sessionHeaders(responseHeaders) };
  }

  return {
    ...database,
    close: async () => {
      await taskChanges.close();
      await database.close();
    },
    auth,
    appAuth,
    taskChanges,
    signUp,
    caller: (headers = new Headers()) =>
      createCaller(createInnerTRPCContext({ db: database.db, auth: appAuth, headers, taskChanges })),
    handle: (request, { writeLimiter } = {}) =>
      handleTRPCRequest(
        request,
        ({ headers, requestId }) => createInnerTRPCContext({ db: database.db, auth: appAuth, headers, requestId, writeLimiter, taskChanges }),
        TEST_ORIGINS,
      ),
  };
}

/** Turns a response's Set-Cookie headers into the Cookie header a browser would send back. */
export function sessionHeaders(responseHeaders: Headers): Headers {
  const cookie = responseHeaders
    .getSetCookie()
    .map((setCookie) => setCookie.split(";")[0])
    .join("; ");
  return new Headers({ cookie });
}
