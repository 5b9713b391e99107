import "server-only";

/**
 * How long a request may wait on the database before it is answered 503. A server that stops
 * answering (a lock held, a network partition, an overloaded pool) would otherwise hold the
 * request, and a client is better served by a prompt, retryable 503 than by a hang.
 */
export const DATABASE_DEADLINE_MS = 4_000;

export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * `work`, or DeadlineExceeded after `ms`. The work itself is not cancelled: a write may
 * still complete after its request was answered 503, which is why 503 means "unknown
 * outcome", never "not done".
 */
export async function withDeadline<T>(work: Promise<T>, ms = DATABASE_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
