import "server-only";

import { jwtVerifierOf, type Auth } from "./auth";
import { looksLikeJwt } from "./jwt-verifier";

/** The signed-in person as pages see them. */
export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

export interface ResolvedSession {
  user: SessionUser;
  sessionId: string;
  expiresAt: Date;
}

/** Who is calling the API, and how they proved it. */
export interface Caller {
  userId: string;
  /** `session`: a cookie or bearer session token, checked in the database; `jwt`: verified locally. */
  via: "session" | "jwt";
}

/**
 * Resolves the caller's database session from request headers (the session cookie, or
 * `Authorization: Bearer <session token>`), reading it from the database every time so a
 * signed-out or revoked session is refused at once.
 */
export async function resolveSession(auth: Auth, headers: Headers): Promise<ResolvedSession | null> {
  const result = await auth.api.getSession({ headers });
  if (!result) return null;
  const { user, session } = result;
  return {
    user: { id: user.id, name: user.name, email: user.email },
    sessionId: session.id,
    expiresAt: session.expiresAt,
  };
}

/**
 * Resolves the API caller. `Authorization: Bearer <JWT>` is verified locally against the
 * app's cached public keys — no database query; an invalid JWT is no identity at all,
 * whatever cookie comes with it. Otherwise the caller is whoever `session()` resolves.
 */
export async function resolveCaller(
  auth: Auth,
  headers: Headers,
  session: () => Promise<ResolvedSession | null>,
): Promise<Caller | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer && looksLikeJwt(bearer)) {
    const userId = await jwtVerifierOf(auth)(bearer);
    return userId ? { userId, via: "jwt" } : null;
  }
  const resolved = await session();
  return resolved ? { userId: resolved.user.id, via: "session" } : null;
}
