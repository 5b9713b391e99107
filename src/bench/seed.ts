import { randomBytes } from "node:crypto";

import { sleep } from "./processes";

/**
 * Seeding. Background data goes straight into the database, one `generate_series`
 * statement per table; the users who generate the load are signed up through Better Auth
 * over HTTP, like real people, so their passwords, sessions and cookies are real.
 * Every background row is marked `bench-bg-` so nothing can mistake it for a load user.
 */

const BENCH_EMAIL_DOMAIN = "bench.example.com";

export function backgroundUsersSql(count: number): string {
  return `insert into auth."user" (id, name, email, email_verified, created_at, updated_at)
    select 'bench-bg-' || i, 'Background user ' || i, 'bench-bg-' || i || '@${BENCH_EMAIL_DOMAIN}', false, now(), now()
    from generate_series(1, ${count}) as i`;
}

/**
 * Background tasks numbered `from`..`to`, dealt round-robin to the background users (so a
 * user's tasks are scattered over the table, as when many people add tasks over time), with
 * a mix of notes, due dates and completed tasks.
 */
export function backgroundTasksSql(users: number, from: number, to: number): string {
  return `insert into app.tasks (user_id, title, description, completed, due_at, created_at, updated_at)
    select 'bench-bg-' || (1 + i % ${users}),
      'Background task ' || i,
      case when i % 3 = 0 then 'Notes for background task ' || i end,
      i % 4 = 0,
      case when i % 5 = 0 then now() + (i % 60) * interval '1 day' end,
      now() - i * interval '1 second',
      now() - i * interval '1 second'
    from generate_series(${from}, ${to}) as i`;
}

/** `perUser` tasks for every load user, interleaved between users as real inserts would be. */
export function loadTasksSql(perUser: number): string {
  return `insert into app.tasks (user_id, title, completed, created_at, updated_at)
    select u.id, 'Load task ' || n, n % 4 = 0, now() - n * interval '1 minute', now() - n * interval '1 minute'
    from generate_series(1, ${perUser}) as n
    cross join (select id from auth."user" where email like 'bench-load-%@${BENCH_EMAIL_DOMAIN}') as u
    order by n, u.id`;
}

export interface LoadUser {
  email: string;
  password: string;
  /** The Cookie header carrying this user's session. */
  cookie: string;
}

function sessionCookie(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((setCookie) => setCookie.split(";")[0])
    .join("; ");
}

let warnedAboutRateLimit = false;

async function signUp(baseUrl: string, index: number, password: string): Promise<LoadUser> {
  const email = `bench-load-${index}@${BENCH_EMAIL_DOMAIN}`;
  for (;;) {
    const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify({ name: `Load user ${index}`, email, password }),
    });
    if (response.status === 429) {
      // The limiter was not raised: wait as any client must, and say so once.
      const retryAfter = Number(response.headers.get("x-retry-after") ?? "1");
      if (!warnedAboutRateLimit) {
        warnedAboutRateLimit = true;
        console.warn(
          "bench: sign-up answered 429: this server does not apply RATE_LIMIT_MULTIPLIER, so sign-ups wait for the rate limiter (and sign-in scenarios will show 429s)",
        );
      }
      await response.body?.cancel();
      await sleep(Math.max(1, retryAfter) * 1000);
      continue;
    }
    if (!response.ok) throw new Error(`sign-up of ${email} answered ${response.status}: ${await response.text()}`);
    const cookie = sessionCookie(response);
    if (!cookie.includes("session_token")) throw new Error(`sign-up of ${email} set no session cookie`);
    await response.body?.cancel();
    return { email, password, cookie };
  }
}

/** Signs up `count` users over HTTP, a few at a time (each sign-up hashes a password). */
export async function signUpLoadUsers(baseUrl: string, count: number): Promise<LoadUser[]> {
  const password = `bench ${randomBytes(9).toString("base64url")}`;
  const users: LoadUser[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) {
      users[index] = await signUp(baseUrl, index + 1, password);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return users;
}

/**
 * A JWT per user from Better Auth's jwt plugin (`GET /api/auth/token`), or null when the
 * server has no such endpoint (404).
 */
export async function fetchJwts(baseUrl: string, users: readonly LoadUser[]): Promise<string[] | null> {
  const tokens: string[] = [];
  for (const user of users) {
    const response = await fetch(`${baseUrl}/api/auth/token`, { headers: { cookie: user.cookie } });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw new Error(`GET /api/auth/token answered ${response.status}: ${await response.text()}`);
    const { token } = (await response.json()) as { token?: unknown };
    if (typeof token !== "string") throw new Error("GET /api/auth/token returned no token");
    tokens.push(token);
  }
  return tokens;
}

/** The ids on a user's first page of tasks, checking it is the full page the scenarios expect. */
export async function fetchFirstPageIds(baseUrl: string, user: LoadUser, expected: number): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/trpc/task.list`, { headers: { cookie: user.cookie } });
  if (!response.ok) throw new Error(`task.list for ${user.email} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { result?: { data?: { json?: { items?: { id: string }[] } } } };
  const ids = (body.result?.data?.json?.items ?? []).map((task) => task.id);
  if (ids.length !== expected) throw new Error(`task.list for ${user.email} returned ${ids.length} tasks, expected ${expected}`);
  return ids;
}
