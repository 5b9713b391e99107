import "server-only";
import { eq, sql } from "drizzle-orm";

import type { Database } from "@/server/db";
import { writeLimit } from "@/server/db/schema/tasks";

/** The cause of a TOO_MANY_REQUESTS error: when to try again (becomes `Retry-After`). */
export class RetryLater extends Error {
  constructor(readonly seconds: number) {
    super(`retry in ${seconds} s`);
    this.name = "RetryLater";
  }
}

export interface WriteLimit {
  /** Writes allowed per user per window. */
  max: number;
  windowSeconds: number;
}

/**
 * A per-user limit on writes (tRPC mutations), counted in fixed windows in the database, so
 * that every instance of the app shares one limit. Each write costs one atomic upsert that
 * both counts it and decides whether it may go ahead: parallel writes, on any instance,
 * cannot slip past it.
 */
export function createWriteLimiter(db: Database, { max, windowSeconds }: WriteLimit) {
  const windowOver = sql`${writeLimit.windowStartedAt} <= now() - make_interval(secs => ${windowSeconds})`;

  return {
    /** Counts a write for `userId`: 0 when allowed, else the seconds until the window resets (nothing counted). */
    async take(userId: string): Promise<number> {
      const counted = await db
        .insert(writeLimit)
        .values({ userId, windowStartedAt: sql`now()`, writes: 1 })
        .onConflictDoUpdate({
          target: writeLimit.userId,
          set: {
            windowStartedAt: sql`case when ${windowOver} then now() else ${writeLimit.windowStartedAt} end`,
            writes: sql`case when ${windowOver} then 1 else ${writeLimit.writes} + 1 end`,
          },
          setWhere: sql`${windowOver} or ${writeLimit.writes} < ${max}`,
        })
        .returning({ writes: writeLimit.writes });
      if (counted.length > 0) return 0;
      const [row] = await db
        .select({
          wait: sql<number>`ceil(extract(epoch from ${writeLimit.windowStartedAt} + make_interval(secs => ${windowSeconds}) - now()))::int`,
        })
        .from(writeLimit)
        .where(eq(writeLimit.userId, userId));
      return Math.max(1, row?.wait ?? 1);
    },
  };
}

export type WriteLimiter = ReturnType<typeof createWriteLimiter>;
