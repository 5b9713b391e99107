import "server-only";

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
  windowMs: number;
}

/**
 * A per-user limit on writes (tRPC mutations), counted in fixed windows in this process's
 * memory: cheap on the hot path, and per instance. It stops a runaway script from one
 * account; cross-instance limits on sign-in (where attackers aim) live in the database.
 */
export function createWriteLimiter({ max, windowMs }: WriteLimit) {
  const windows = new Map<string, { startedAt: number; count: number }>();
  let lastSweep = Date.now();

  return {
    /** Counts a write for `userId`: 0 when allowed, else the seconds until the window resets. */
    take(userId: string, now = Date.now()): number {
      if (now - lastSweep > windowMs) {
        for (const [key, window] of windows) if (now - window.startedAt >= windowMs) windows.delete(key);
        lastSweep = now;
      }
      let window = windows.get(userId);
      if (!window || now - window.startedAt >= windowMs) {
        window = { startedAt: now, count: 0 };
        windows.set(userId, window);
      }
      if (window.count >= max) return Math.max(1, Math.ceil((window.startedAt + windowMs - now) / 1000));
      window.count += 1;
      return 0;
    },
  };
}

export type WriteLimiter = ReturnType<typeof createWriteLimiter>;
