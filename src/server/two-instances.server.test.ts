import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** Two production instances of the app on one PostgreSQL database, as behind a load balancer. */

const postgresUrl = inject("serverTestPostgresUrl");
let first: ProductionServer;
let second: ProductionServer;

beforeAll(async () => {
  if (!postgresUrl) return;
  first = await startProductionServer({ postgresUrl });
  second = await startProductionServer({ shareDatabaseWith: first });
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

// PGlite is one process's database by design: two instances need the PostgreSQL server.
test.runIf(postgresUrl)("a session made on one instance works on the other, and sign-out there ends it here", async () => {
  const account = await signUpOverHttp(first.baseUrl);
  const create = await fetch(`${second.baseUrl}/api/trpc/task.create`, {
    method: "POST",
    headers: { cookie: account.cookie, "content-type": "application/json", origin: second.baseUrl },
    body: JSON.stringify({ json: { title: "made on the second instance" } }),
  });
  expect(create.status).toBe(200);
  const list = await fetch(`${first.baseUrl}/api/trpc/task.list`, { headers: { cookie: account.cookie } });
  expect(await list.text()).toContain("made on the second instance");

  const signOut = await fetch(`${second.baseUrl}/api/auth/sign-out`, {
    method: "POST",
    headers: { cookie: account.cookie, "content-type": "application/json", origin: second.baseUrl },
    body: "{}",
  });
  expect(signOut.status).toBe(200);
  expect((await fetch(`${first.baseUrl}/api/trpc/task.list`, { headers: { cookie: account.cookie } })).status).toBe(401);
});

test.runIf(postgresUrl)("the sign-in rate limit counts attempts on both instances together", async () => {
  const attempt = (server: ProductionServer, index: number) =>
    fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify({ email: `two-instances-${index}@example.com`, password: "wrong password" }),
    });
  // 10 per minute per address: 5 here and 5 there use it up.
  for (let index = 0; index < 10; index++) expect((await attempt(index % 2 === 0 ? first : second, index)).status).toBe(401);
  expect((await attempt(first, 10)).status).toBe(429);
  expect((await attempt(second, 11)).status).toBe(429);
});

test.runIf(postgresUrl)("the per-user write limit counts writes on both instances together", { timeout: 90_000 }, async () => {
  const account = await signUpOverHttp(first.baseUrl);
  const create = (server: ProductionServer, calls: number) => {
    const body = Object.fromEntries(Array.from({ length: calls }, (_, index) => [index, { json: { title: `limited ${index}` } }]));
    return fetch(`${server.baseUrl}/api/trpc/${Array(calls).fill("task.create").join(",")}?batch=1`, {
      method: "POST",
      headers: { cookie: account.cookie, "content-type": "application/json", origin: server.baseUrl },
      body: JSON.stringify(body),
    });
  };
  // 600 writes a minute per user: 300 here and 300 there use it up.
  for (let batch = 0; batch < 30; batch++) expect((await create(batch % 2 === 0 ? first : second, 20)).status).toBe(200);
  for (const server of [first, second]) {
    const refused = await create(server, 1);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  }
});
