import "server-only";
import { createHash } from "node:crypto";

import { eq, sql } from "drizzle-orm";

import type { Database } from "@/server/db";
import { signInThrottle } from "@/server/db/schema/tasks";

export interface SignInThrottleOptions {
  /** Failures allowed before attempts on the account are slowed. */
  freeFailures: number;
  /** The longest wait between attempts: the owner is slowed, never locked out. */
  maxDelaySeconds: number;
  /** Failures older than this are forgotten. */
  windowSeconds: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleOptions = { freeFailures: 5, maxDelaySeconds: 60, windowSeconds: 15 * 60 };

const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");

/**
 * Slows password guessing against one account from many addresses. After `freeFailures`
 * failed sign-ins, each further attempt must wait twice as long as the last (1 s, 2 s, 4 s …)
 * up to `maxDelaySeconds` after the latest failure. A success clears the count. Unknown
 * emails are counted the same way, so the throttle does not reveal which accounts exist.
 */
export function createSignInThrottle(db: Database, options: SignInThrottleOptions = DEFAULT_SIGN_IN_THROTTLE) {
  return {
    /**
     * Seconds the next attempt on this account must wait (0: it may go ahead), and whether
     * failures are on record at all — only then does a success need to clear them.
     */
    async check(email: string): Promise<{ retryAfter: number; failuresOnRecord: boolean }> {
      const [row] = await db
        .select({ failures: signInThrottle.failures, lastFailureAt: signInThrottle.lastFailureAt })
        .from(signInThrottle)
        .where(eq(signInThrottle.accountKey, accountKey(email)));
      if (!row) return { retryAfter: 0, failuresOnRecord: false };
      return { retryAfter: waitAfter(row, options), failuresOnRecord: true };
    },

    async recordFailure(email: string): Promise<void> {
      await db
        .insert(signInThrottle)
        .values({ accountKey: accountKey(email), failures: 1, lastFailureAt: sql`now()` })
        .onConflictDoUpdate({
          target: signInThrottle.accountKey,
          set: {
            failures: sql`case when ${signInThrottle.lastFailureAt} < now() - make_interval(secs => ${options.windowSeconds})
              then 1 else ${signInThrottle.failures} + 1 end`,
            lastFailureAt: sql`now()`,
          },
        });
    },

    async reset(email: string): Promise<void> {
      await db.delete(signInThrottle).where(eq(signInThrottle.accountKey, accountKey(email)));
    },
  };
}

function waitAfter(
  { failures, lastFailureAt }: { failures: number; lastFailureAt: Date },
  options: SignInThrottleOptions,
): number {
  if (failures < options.freeFailures) return 0;
  const sinceLastFailure = (Date.now() - lastFailureAt.getTime()) / 1000;
  if (sinceLastFailure > options.windowSeconds) return 0;
  const delay = Math.min(2 ** (failures - options.freeFailures), options.maxDelaySeconds);
  return Math.max(0, Math.ceil(delay - sinceLastFailure));
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
