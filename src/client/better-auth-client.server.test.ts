import { createAuthClient } from "better-auth/client";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** The README's snippet (src/client/README.md): Better Auth's official client from Node. */

let server: ProductionServer;
beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
});
afterAll(() => server.stop());

test("Node's fetch without an Origin header is refused with MISSING_OR_NULL_ORIGIN", async () => {
  const { email, password } = await signUpOverHttp(server.baseUrl);
  const bare = createAuthClient({ baseURL: server.baseUrl });
  const { error } = await bare.signIn.email({ email, password });
  expect(error).toMatchObject({ status: 403, code: "MISSING_OR_NULL_ORIGIN" });
});

test("with the app's Origin, better-auth/client signs in, reads and ends a session from Node", async () => {
  const { email, password } = await signUpOverHttp(server.baseUrl);
  const APP = server.baseUrl;

  // --- the snippet in src/client/README.md ---
  let token: string | undefined;
  const auth = createAuthClient({
    baseURL: APP,
    fetchOptions: {
      // Node's fetch sends Sec-Fetch-Mode, and Better Auth then requires an Origin it trusts.
      headers: { origin: APP },
      // No cookie jar in Node: keep the session token and send it as a bearer token.
      auth: { type: "Bearer", token: () => token },
      onSuccess: ({ response }) => {
        token = response.headers.get("set-auth-token") ?? token;
      },
    },
  });
  const signedIn = await auth.signIn.email({ email, password });
  const { data: session } = await auth.getSession();
  await auth.signOut();
  // --- end of the snippet ---

  expect(signedIn.error).toBeNull();
  expect(session?.user.email).toBe(email);
  expect((await auth.getSession()).data).toBeNull();
});
