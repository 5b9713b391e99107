import "server-only";
import { createHash } from "node:crypto";

import { eq, sql } from "drizzle-orm";

import type { Database } from "@/server/db";
import { signInThrottle } from "@/server/db/schema/tasks";

export interface SignInThrottleOptions {
  /** Password checks allowed before attempts on the account are slowed. */
  freeFailures: number;
  /** The longest wait between attempts: the owner is slowed, never locked out. */
  maxDelaySeconds: number;
  /** Attempts older than this are forgotten. */
  windowSeconds: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleOptions = { freeFailures: 5, maxDelaySeconds: 60, windowSeconds: 15 * 60 };

const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");

/**
 * Slows password guessing against one account, from any number of addresses and requests at
 * once. Every password check is counted as a failure *before* it runs, in the same statement
 * that decides whether it may run, so parallel guesses cannot slip past a read-then-write
 * race; a success then clears the count. After `freeFailures` checks, each further one must
 * wait 1 s, 2 s, 4 s … up to `maxDelaySeconds` after the previous one. Unknown emails are
 * counted the same way, so the throttle does not reveal which accounts exist.
 */
export function createSignInThrottle(db: Database, options: SignInThrottleOptions = DEFAULT_SIGN_IN_THROTTLE) {
  const { freeFailures, maxDelaySeconds, windowSeconds } = options;
  const stale = sql`${signInThrottle.lastFailureAt} < now() - make_interval(secs => ${windowSeconds})`;
  const nextAllowedAt = sql`${signInThrottle.lastFailureAt}
    + make_interval(secs => least(power(2, ${signInThrottle.failures} - ${freeFailures}), ${maxDelaySeconds}))`;

  return {
    /**
     * Counts a password check for this account: 0 when it may go ahead, otherwise the seconds
     * until it may (and then nothing is counted).
     */
    async attempt(email: string): Promise<number> {
      const key = accountKey(email);
      const counted = await db
        .insert(signInThrottle)
        .values({ accountKey: key, failures: 1, lastFailureAt: sql`now()` })
        .onConflictDoUpdate({
          target: signInThrottle.accountKey,
          set: { failures: sql`case when ${stale} then 1 else ${signInThrottle.failures} + 1 end`, lastFailureAt: sql`now()` },
          setWhere: sql`${stale} or ${signInThrottle.failures} < ${freeFailures} or ${nextAllowedAt} <= now()`,
        })
        .returning({ failures: signInThrottle.failures });
      if (counted.length > 0) return 0;
      const [row] = await db
        .select({ wait: sql<number>`ceil(extract(epoch from ${nextAllowedAt} - now()))::int` })
        .from(signInThrottle)
        .where(eq(signInThrottle.accountKey, key));
      return Math.max(1, row?.wait ?? 1);
    },

    /** After a correct password: the account starts afresh. */
    async clear(email: string): Promise<void> {
      await db.delete(signInThrottle).where(eq(signInThrottle.accountKey, accountKey(email)));
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
