import "server-only";
import { verifyPassword as verifyBetterAuthScrypt } from "better-auth/crypto";

import { argon2Hash, argon2Verify } from "./hashing-threads";

/**
 * Password hashing: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane),
 * computed by a native library on low-priority threads of its own (see hashing-threads.ts),
 * so it never blocks the event loop nor competes with it for CPU.
 * Hashes made by Better Auth's default (scrypt) before the switch still verify, and are
 * replaced on the owner's next successful sign-in.
 */
// `algorithm: 2` is Algorithm.Argon2id, a const enum that isolated modules cannot import.
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// The PHC prefix of a hash made with exactly the options above.
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2_OPTIONS);
}

export async function verifyPasswordHash({ hash: stored, password }: { hash: string; password: string }): Promise<boolean> {
  if (stored.startsWith("$argon2")) return argon2Verify(stored, password);
  return verifyBetterAuthScrypt({ hash: stored, password });
}

/** Whether a stored hash was made with anything but the current algorithm and cost. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(CURRENT_PREFIX);
}
