import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";

import { createAuth } from "@/server/auth/auth";
import { createTestApp, sessionHeaders, TEST_BASE_URL, TEST_PASSWORD, TEST_SECRET, type TestApp, type TestUser } from "@/test/app";

/** Bearer session tokens and JWTs reach the API exactly like the cookie; bad ones reach nothing. */

let app: TestApp;
let alice: TestUser;
const queries: string[] = [];

beforeAll(async () => {
  app = await createTestApp({ onQuery: (query) => queries.push(query) });
  alice = await app.signUp();
  await app.caller(alice.headers).task.create({ title: "Alice's task" });
});

beforeEach(() => {
  queries.length = 0;
});

afterAll(() => app.close());

async function jwtFor(headers: Headers, auth = app.auth): Promise<string> {
  const { token } = await auth.api.getToken({ headers });
  return token;
}

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

async function titlesWith(headers: Headers): Promise<string[]> {
  return (await app.caller(headers).task.list()).items.map((task) => task.title);
}

test("sign-in returns a bearer token that works like the cookie until sign-out", async () => {
  const { headers } = await app.auth.api.signInEmail({
    body: { email: alice.email, password: TEST_PASSWORD },
    returnHeaders: true,
  });
  const token = headers.get("set-auth-token");
  expect(token).toBeTruthy();
  expect(await titlesWith(bearer(token!))).toEqual(["Alice's task"]);

  await app.auth.api.signOut({ headers: bearer(token!) });
  await expect(app.caller(bearer(token!)).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  // Alice's other session (her cookie) is unaffected.
  expect(await titlesWith(alice.headers)).toEqual(["Alice's task"]);
});

test("an unsigned bearer session token is refused", async () => {
  const { headers } = await app.auth.api.signInEmail({
    body: { email: alice.email, password: TEST_PASSWORD },
    returnHeaders: true,
  });
  const unsigned = headers.get("set-auth-token")!.split(".")[0]!;
  await expect(app.caller(bearer(unsigned)).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("a JWT reaches the same user's tasks, and carries nothing but the subject and its validity", async () => {
  const token = await jwtFor(alice.headers);
  expect(await titlesWith(bearer(token))).toEqual(["Alice's task"]);
  expect(decodeProtectedHeader(token).alg).toBe("EdDSA");
  const claims = decodeJwt(token);
  expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iss", "sub"]);
  expect(claims).toMatchObject({ sub: alice.id, iss: TEST_BASE_URL, aud: TEST_BASE_URL });
  expect(claims.exp! - claims.iat!).toBe(15 * 60);
});

test("the JWT path reads no identity from the database; the cookie path does", async () => {
  const token = await jwtFor(alice.headers);
  await titlesWith(bearer(token)); // loads and caches the public keys
  queries.length = 0;
  await titlesWith(bearer(token));
  expect(queries.filter((query) => query.includes('"auth".'))).toEqual([]);
  expect(queries.length).toBeGreaterThan(0);

  queries.length = 0;
  await titlesWith(alice.headers);
  expect(queries.filter((query) => query.includes('"auth"."session"'))).toHaveLength(1);
});

test("a tampered JWT is refused", async () => {
  const bob = await app.signUp();
  const token = await jwtFor(alice.headers);
  const [header, , signature] = token.split(".");
  const claims = { ...decodeJwt(token), sub: bob.id };
  const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
  await expect(app.caller(bearer(tampered)).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("a JWT signed with someone else's key is refused, even with our key id", async () => {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const ourKeyId = decodeProtectedHeader(await jwtFor(alice.headers)).kid;
  for (const kid of [ourKeyId, "made-up-key", (await exportJWK(publicKey)).x]) {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA", ...(kid ? { kid } : {}) })
      .setSubject(alice.id)
      .setIssuer(TEST_BASE_URL)
      .setAudience(TEST_BASE_URL)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
    await expect(app.caller(bearer(forged)).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  }
});

test("a JWT minted by this app for another audience is refused", async () => {
  const { auth: otherAudience } = createAuth(app.db, { baseURL: TEST_BASE_URL, secret: TEST_SECRET, jwtAudience: "https://other.example" });
  const token = await jwtFor(alice.headers, otherAudience);
  expect(decodeJwt(token).aud).toBe("https://other.example");
  await expect(app.caller(bearer(token)).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("an expired JWT is refused", async () => {
  // `exp` has one-second resolution: 3 s leaves at least 2 s of validity to check first.
  const { auth: shortLived } = createAuth(app.db, { baseURL: TEST_BASE_URL, secret: TEST_SECRET, jwtLifetime: "3s" });
  const token = await jwtFor(alice.headers, shortLived);
  expect(await titlesWith(bearer(token))).toEqual(["Alice's task"]);
  const expiresAt = decodeJwt(token).exp! * 1000;
  await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 1_000));
  await expect(app.caller(bearer(token)).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("an invalid JWT is no identity at all, even next to a valid cookie", async () => {
  const headers = new Headers(alice.headers);
  headers.set("authorization", "Bearer aaa.bbb.ccc");
  await expect(app.caller(headers).task.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test("the published key set holds public keys only", async () => {
  await jwtFor(alice.headers);
  const { keys } = await app.auth.api.getJwks();
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(key).not.toHaveProperty("d");
  }
});

test("a cookie session and a signed-in bearer session are the same thing to the API", async () => {
  const { headers } = await app.auth.api.signInEmail({
    body: { email: alice.email, password: TEST_PASSWORD },
    returnHeaders: true,
  });
  expect(await titlesWith(sessionHeaders(headers))).toEqual(await titlesWith(bearer(headers.get("set-auth-token")!)));
});
