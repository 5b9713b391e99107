import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { verifyPassword as verifyBetterAuthScrypt } from "better-auth/crypto";

/**
 * Password hashing: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), about
 * 15 ms on this hardware against ~140 ms for Better Auth's default scrypt. `@node-rs/argon2`'s
 * async functions compute it on libuv's thread pool, off the event loop.
 * Hashes made by Better Auth's default (scrypt) before the switch still verify.
 */
// `algorithm: 2` is Algorithm.Argon2id, a const enum that isolated modules cannot import.
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function verifyPasswordHash({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  if (stored.startsWith("$argon2")) return verify(stored, password);
  return verifyBetterAuthScrypt({ hash: stored, password });
}
