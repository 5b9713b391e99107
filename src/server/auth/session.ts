import "server-only";

import type { AppAuth, Auth } from "./auth";
import { looksLikeJwt } from "./jwt-verifier";

/** The signed-in person and their session, as Better Auth resolves them. */
export type ResolvedSession = Auth["$Infer"]["Session"];

/** Who is calling the API, and how they proved it. */
export interface Caller {
  userId: string;
  /** `session`: a cookie or bearer session token, checked in the database; `jwt`: verified locally. */
  via: "session" | "jwt";
}

/**
 * The caller's database session from request headers (the session cookie, or
 * `Authorization: Bearer <session token>`), read afresh on every request so a signed-out or
 * revoked session is refused at once.
 */
export function resolveSession(auth: Auth, headers: Headers): Promise<ResolvedSession | null> {
  return auth.api.getSession({ headers });
}

/** The token of an `Authorization: Bearer <token>` header, if there is one. */
function bearerToken(headers: Headers): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
}

/**
 * Resolves the API caller. `Authorization: Bearer <JWT>` is verified locally against the
 * app's cached public keys — no database query; an invalid JWT is no identity at all,
 * whatever cookie comes with it. Otherwise the caller is whoever `session()` resolves.
 */
export async function resolveCaller(
  { verifyJwt }: AppAuth,
  headers: Headers,
  session: () => Promise<ResolvedSession | null>,
): Promise<Caller | null> {
  const bearer = bearerToken(headers);
  if (bearer && looksLikeJwt(bearer)) {
    const userId = await verifyJwt(bearer);
    return userId ? { userId, via: "jwt" } : null;
  }
  const resolved = await session();
  return resolved ? { userId: resolved.user.id, via: "session" } : null;
}
