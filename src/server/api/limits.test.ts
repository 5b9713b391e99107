import { sql } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, expect, test } from "vitest";

import { createTestApp, TEST_BASE_URL, type TestApp, type TestUser } from "@/test/app";

import { MAX_BATCH_SIZE, MAX_BODY_BYTES } from "./http";
import { createWriteLimiter, type WriteLimiter } from "./write-limiter";

/** Request limits: batch size, body size, per-user write rate, per-user task quota. */

let app: TestApp;
let alice: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  alice = await app.signUp();
});

afterAll(() => app.close());

function post(path: string, body: BodyInit, options: { writeLimiter?: WriteLimiter; headers?: HeadersInit; user?: TestUser } = {}) {
  const headers = new Headers(options.headers);
  headers.set("content-type", "application/json");
  headers.set("cookie", (options.user ?? alice).headers.get("cookie") ?? "");
  // `duplex` is required for a streamed body, and missing from the DOM RequestInit type.
  const req = new Request(new URL(path, TEST_BASE_URL), { method: "POST", headers, body, duplex: "half" } as RequestInit);
  return app.handle(req, { writeLimiter: options.writeLimiter });
}

const count = async (search: string) => (await app.caller(alice.headers).task.list({ search })).items.length;

function batchOf(size: number, title: string) {
  const paths = Array.from({ length: size }, () => "task.create").join(",");
  const body = Object.fromEntries(Array.from({ length: size }, (_, index) => [index, superjson.serialize({ title: `${title} ${index}` })]));
  return post(`/api/trpc/${paths}?batch=1`, JSON.stringify(body));
}

test(`a batch of ${MAX_BATCH_SIZE} calls runs; one more is refused whole`, async () => {
  expect((await batchOf(MAX_BATCH_SIZE, "batched")).status).toBe(200);
  expect(await count("batched")).toBe(MAX_BATCH_SIZE);
  const refused = await batchOf(MAX_BATCH_SIZE + 1, "oversized batch");
  expect(refused.status).toBe(400);
  expect(await count("oversized batch")).toBe(0);
});

test("a body over the limit is refused with 413, whether or not it declares its length", async () => {
  const oversized = JSON.stringify({ json: { title: "big", description: "x".repeat(MAX_BODY_BYTES) } });
  expect((await post("/api/trpc/task.create", oversized)).status).toBe(413);

  const streamed = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(oversized));
      controller.close();
    },
  });
  const response = await post("/api/trpc/task.create", streamed);
  expect(response.status).toBe(413);
  expect(await count("big")).toBe(0);
});

test("too many writes from one user in a minute answer 429 with Retry-After; reads go on", async () => {
  const user = await app.signUp();
  const writeLimiter = createWriteLimiter(app.db, { max: 3, windowSeconds: 60 });
  const create = (title: string) => post("/api/trpc/task.create", JSON.stringify(superjson.serialize({ title })), { writeLimiter, user });
  for (const title of ["w1", "w2", "w3"]) expect((await create(title)).status).toBe(200);
  const limited = await create("w4");
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await app.caller(user.headers).task.list({ search: "w" })).items.map((task) => task.title).sort()).toEqual(["w1", "w2", "w3"]);
});

test("an account holds at most 10,000 tasks, and is told so", async () => {
  const user = await app.signUp();
  await app.db.execute(sql`
    insert into app.tasks (user_id, title)
    select ${user.id}, 'filler ' || n from generate_series(1, 10000) as n`);
  const api = app.caller(user.headers);
  await expect(api.task.create({ title: "one too many" })).rejects.toMatchObject({
    code: "FORBIDDEN",
    message: "You have 10,000 tasks, the most one account can hold. Delete some to add more.",
  });
  const [first] = (await api.task.list({ limit: 1 })).items;
  await api.task.delete({ id: first!.id });
  await expect(api.task.create({ title: "fits again" })).resolves.toMatchObject({ title: "fits again" });
});

test("concurrent creates cannot push an account past its quota", async () => {
  const user = await app.signUp();
  await app.db.execute(sql`
    insert into app.tasks (user_id, title)
    select ${user.id}, 'filler ' || n from generate_series(1, 9995) as n`);
  const api = app.caller(user.headers);
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => api.task.create({ title: `racer ${index}` })));
  expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(5);
  expect((await api.task.stats()).total).toBe(10_000);
});
