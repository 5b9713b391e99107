import "server-only";
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

export interface JwtVerifierOptions {
  /** Fetches the app's public keys (a database read: done once, then on an unknown key id). */
  loadKeys: () => Promise<JSONWebKeySet>;
  issuer: string;
  audience: string;
}

// A flood of tokens with made-up key ids must not turn into a flood of key reloads.
const MIN_RELOAD_INTERVAL_MS = 1_000;

/**
 * Verifies the app's own JWTs locally: signature (EdDSA), issuer, audience and expiry,
 * against public keys cached in memory. Resolves the user id, or null for any token that
 * is not valid — forged, tampered, expired, for another audience, or not a JWT at all.
 */
export function createJwtVerifier({ loadKeys, issuer, audience }: JwtVerifierOptions) {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  let loadedAt = 0;

  function currentKeys(): Promise<JWTVerifyGetKey> {
    keys ??= loadKeys().then(
      (jwks) => {
        loadedAt = Date.now();
        return createLocalJWKSet(jwks);
      },
      (error: unknown) => {
        keys = undefined;
        throw error;
      },
    );
    return keys;
  }

  async function verifyWith(token: string, keySet: JWTVerifyGetKey): Promise<string | null> {
    const { payload } = await jwtVerify(token, keySet, { issuer, audience, algorithms: ["EdDSA"] });
    return typeof payload.sub === "string" && payload.sub.length > 0 ? payload.sub : null;
  }

  return async function verify(token: string): Promise<string | null> {
    try {
      return await verifyWith(token, await currentKeys());
    } catch (error) {
      // A key id we have not seen may be a key created since we loaded them: reload once.
      if (error instanceof errors.JWKSNoMatchingKey && Date.now() - loadedAt >= MIN_RELOAD_INTERVAL_MS) {
        keys = undefined;
        try {
          return await verifyWith(token, await currentKeys());
        } catch (retryError) {
          if (retryError instanceof errors.JOSEError) return null;
          throw retryError;
        }
      }
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  };
}

export type JwtVerifier = ReturnType<typeof createJwtVerifier>;

/** A compact JWS has three dot-separated parts; a signed session token has two. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
