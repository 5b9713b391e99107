import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

import { createTaskClient, fetchJwt, signIn, signOut, type AppRouter } from "./index";

/** The typed client against the production server, over real HTTP, with both kinds of token. */

let server: ProductionServer;
let account: Awaited<ReturnType<typeof signUpOverHttp>>;
// Signed in once: the production server allows 3 sign-ins per 10 s from one address.
let token: string;

beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
  account = await signUpOverHttp(server.baseUrl);
  token = await signIn({ baseUrl: server.baseUrl, email: account.email, password: account.password });
});

afterAll(() => server.stop());

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.code;
}

test("a bearer session token and a JWT both reach the same user's tasks", async () => {
  const client = createTaskClient({ baseUrl: server.baseUrl, token });
  const created = await client.task.create.mutate({ title: "made by a script", dueAt: new Date("2031-05-06T00:00:00Z") });
  expect(created.dueAt).toEqual(new Date("2031-05-06T00:00:00Z"));

  const jwt = await fetchJwt({ baseUrl: server.baseUrl, token });
  const viaJwt = createTaskClient({ baseUrl: server.baseUrl, token: jwt });
  const [list, stats] = await Promise.all([viaJwt.task.list.query(), viaJwt.task.stats.query()]);
  expect(list.items.map((task) => task.id)).toContain(created.id);
  expect(stats.total).toBe(list.items.length);
});

test("a revoked bearer token fails at once, while a JWT lives until it expires", async () => {
  const second = await signIn({ baseUrl: server.baseUrl, email: account.email, password: account.password });
  const jwt = await fetchJwt({ baseUrl: server.baseUrl, token: second });
  await signOut({ baseUrl: server.baseUrl, token: second });
  expect(await codeOf(createTaskClient({ baseUrl: server.baseUrl, token: second }).task.list.query())).toBe("UNAUTHORIZED");
  // The documented trade-off: the JWT is not checked against the session store.
  await expect(createTaskClient({ baseUrl: server.baseUrl, token: jwt }).task.stats.query()).resolves.toMatchObject({
    total: expect.any(Number),
  });
  // The other session of the same user is unaffected.
  await expect(createTaskClient({ baseUrl: server.baseUrl, token }).task.stats.query()).resolves.toBeDefined();
});

test("a tampered JWT, a re-signed one and a missing token are UNAUTHORIZED", async () => {
  const jwt = await fetchJwt({ baseUrl: server.baseUrl, token });
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  const otherUser = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "someone-else" }));
  const flippedSignature = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
  for (const forged of [`${header}.${otherUser.toString("base64url")}.${signature}`, `${header}.${payload}.${flippedSignature}`]) {
    expect(await codeOf(createTaskClient({ baseUrl: server.baseUrl, token: forged }).task.list.query())).toBe("UNAUTHORIZED");
  }
  expect(await codeOf(createTaskClient({ baseUrl: server.baseUrl }).task.list.query())).toBe("UNAUTHORIZED");
});

test("the JWKS endpoint publishes the public key that verifies our JWTs", async () => {
  const jwt = await fetchJwt({ baseUrl: server.baseUrl, token });
  const { createRemoteJWKSet, jwtVerify } = await import("jose");
  const keys = createRemoteJWKSet(new URL("/api/auth/jwks", server.baseUrl));
  const { payload } = await jwtVerify(jwt, keys, { issuer: server.baseUrl, audience: server.baseUrl });
  expect(payload.sub).toBe(account.userId);
});
