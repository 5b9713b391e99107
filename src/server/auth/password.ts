import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { verifyPassword as verifyBetterAuthScrypt } from "better-auth/crypto";
import pLimit from "p-limit";

/**
 * Password hashing: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane),
 * computed by a native library on libuv's thread pool, so it never blocks the event loop.
 * Hashes made by Better Auth's default (scrypt) before the switch still verify, and are
 * replaced on the owner's next successful sign-in.
 */
// `algorithm: 2` is Algorithm.Argon2id, a const enum that isolated modules cannot import.
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// The PHC prefix of a hash made with exactly the options above.
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`;

/**
 * Hashes run one at a time. libuv's pool would run four at once, and on a small machine
 * four 19 MiB hashes take every core from the event loop, so a burst of sign-ins stalls every
 * other request; one at a time gives the same sign-ins per second (measured) and leaves the
 * other cores to everything else. A queued hash waits; it is never refused.
 */
const hashingSlot = pLimit(1);

export function hashPassword(password: string): Promise<string> {
  return hashingSlot(() => hash(password, ARGON2_OPTIONS));
}

export async function verifyPasswordHash({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  if (stored.startsWith("$argon2")) return hashingSlot(() => verify(stored, password));
  return hashingSlot(() => verifyBetterAuthScrypt({ hash: stored, password }));
}

/** Whether a stored hash was made with anything but the current algorithm and cost. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}
