import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterEach, expect, test, vi } from "vitest";

import { createJwtVerifier } from "./jwt-verifier";

const ISSUER = "https://tasks.example";

async function signer() {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA" };
  const sign = (subject: string, lifetime: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA", kid: "k1" })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .setIssuedAt()
      .setExpirationTime(lifetime)
      .sign(privateKey);
  return { sign, loadKeys: () => Promise.resolve({ keys: [jwk] }) };
}

afterEach(() => vi.useRealTimers());

test("a token verified once is still refused from the second its exp passes", async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  const { sign, loadKeys } = await signer();
  const verify = createJwtVerifier({ loadKeys, issuer: ISSUER, audience: ISSUER });
  const token = await sign("user-1", "60s");
  expect(await verify(token)).toBe("user-1");
  vi.setSystemTime(Date.now() + 59_000);
  expect(await verify(token)).toBe("user-1");
  vi.setSystemTime(Date.now() + 1_000);
  expect(await verify(token)).toBeNull();
});

test("remembered tokens keep answering for their own subject", async () => {
  const { sign, loadKeys } = await signer();
  const verify = createJwtVerifier({ loadKeys, issuer: ISSUER, audience: ISSUER });
  const tokens = await Promise.all(["a", "b", "c"].map((subject) => sign(subject, "5m")));
  for (let round = 0; round < 2; round++) {
    expect(await Promise.all(tokens.map((token) => verify(token)))).toEqual(["a", "b", "c"]);
  }
  expect(await verify(`${tokens[0]}x`)).toBeNull();
});
