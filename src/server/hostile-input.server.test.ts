import { randomUUID } from "node:crypto";

import * as fc from "fast-check";
import { afterAll, beforeAll, expect, inject, test } from "vitest";

import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/**
 * Malformed and hostile requests against the production server: wrong types, oversize and
 * deeply nested values, unicode edge cases, NUL, SQL and LIKE metacharacters, malformed
 * JSON and batches, forged cursors. None may cause a 5xx, stop the server, or change data.
 */

let server: ProductionServer;
let attacker: Awaited<ReturnType<typeof signUpOverHttp>>;
let victim: Awaited<ReturnType<typeof signUpOverHttp>>;
let attackerTaskId: string;

beforeAll(async () => {
  // Limits raised (explicitly) so that every request reaches input handling instead of a 429.
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl"), env: { RATE_LIMIT_MULTIPLIER: "100" } });
  attacker = await signUpOverHttp(server.baseUrl);
  victim = await signUpOverHttp(server.baseUrl);
  for (const title of ["victim's first", "victim's second"]) {
    await trpcPost(victim.cookie, "task.create", JSON.stringify({ json: { title } }));
  }
  const created = await trpcPost(attacker.cookie, "task.create", JSON.stringify({ json: { title: "attacker's own" } }));
  attackerTaskId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
});

afterAll(() => server.stop());

function trpcPost(cookie: string, path: string, body: string, contentType = "application/json") {
  return fetch(`${server.baseUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: { cookie, "content-type": contentType, origin: server.baseUrl },
    body,
  });
}

function trpcGet(cookie: string, path: string, rawInput: string) {
  const separator = path.includes("?") ? "&" : "?";
  return fetch(`${server.baseUrl}/api/trpc/${path}${separator}input=${encodeURIComponent(rawInput)}`, { headers: { cookie } });
}

/** Everything each user can see, to compare before and after the corpus. */
async function snapshot() {
  const views = [];
  for (const { cookie } of [attacker, victim]) {
    const response = await fetch(`${server.baseUrl}/api/trpc/task.list,task.stats?batch=1&input=${encodeURIComponent('{"0":{"json":{"limit":100}}}')}`, {
      headers: { cookie },
    });
    views.push(await response.text());
  }
  return views;
}

const SEED = 20261122;
const sample = <T>(arbitrary: fc.Arbitrary<T>, count: number) => fc.sample(arbitrary, { numRuns: count, seed: SEED });

const nasty = [
  "'; drop table app.tasks; --",
  "' or '1'='1",
  "%",
  "_",
  "\\",
  "%_%\\%",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u0041\u0042",
  "\u200b\u200d\ufeff",
  "😀".repeat(100),
  "Z̷̢̛̪͙̬a̸l̷g̵o",
  "$1",
  "${jndi:ldap://x}",
  "<script>alert(1)</script>",
  "x".repeat(201),
  "x".repeat(10_001),
  "\n\r\t",
  "null",
];

function deeplyNested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

function hostileRequests(): (() => Promise<Response>)[] {
  const { cookie } = attacker;
  const requests: (() => Promise<Response>)[] = [];
  const add = (request: () => Promise<Response>) => requests.push(request);

  // Writes with values of every wrong type and shape (and some hostile but well-typed ones aimed at others).
  const anything = fc.anything({ maxDepth: 3, withBigInt: false, withMap: false, withSet: false, withTypedArray: false });
  for (const value of sample(anything, 120)) {
    const path = ["task.create", "task.update", "task.delete"][requests.length % 3]!;
    add(() => trpcPost(cookie, path, JSON.stringify({ json: value })));
  }
  for (const text of nasty) {
    add(() => trpcPost(cookie, "task.create", JSON.stringify({ json: { title: text, description: 5 } })));
    add(() => trpcPost(cookie, "task.update", JSON.stringify({ json: { id: text, title: text } })));
    add(() => trpcGet(cookie, "task.list", JSON.stringify({ json: { search: text, limit: "50" } })));
    add(() => trpcGet(cookie, "task.list", JSON.stringify({ json: { search: text } })));
    add(() => trpcGet(cookie, "task.list", JSON.stringify({ json: { cursor: text } })));
    add(() => trpcGet(cookie, "task.byId", JSON.stringify({ json: { id: text } })));
  }
  // Random strings, including lone surrogates and control characters, as searches and cursors.
  for (const text of sample(fc.string({ unit: "binary", maxLength: 300 }), 120)) {
    add(() => trpcGet(cookie, "task.list", JSON.stringify({ json: { search: text } })));
    add(() => trpcGet(cookie, "task.list", JSON.stringify({ json: { cursor: Buffer.from(text).toString("base64url") } })));
  }
  // Malformed JSON, bodies and batches.
  for (const body of sample(fc.string({ maxLength: 200 }), 40)) {
    add(() => trpcPost(cookie, "task.create", `{"json":${body}`));
    add(() => trpcGet(cookie, "task.list", body));
  }
  for (const body of ["", "{", "[]", "null", "{\"json\":", "\u0000", '{"0":{"json":{}}}', "[1,2,3]"]) {
    add(() => trpcPost(cookie, "task.create", body));
    add(() => trpcPost(cookie, "task.create,task.delete?batch=1", body));
    add(() => trpcPost(cookie, "task.create?batch=1", body));
  }
  for (const depth of [100, 1_000, 10_000, 50_000]) {
    add(() => trpcPost(cookie, "task.create", `{"json":{"title":${deeplyNested(depth)}}}`));
    add(() => trpcGet(cookie, "task.list", `{"json":{"search":${deeplyNested(Math.min(depth, 2_000))}}}`));
  }
  // Well-typed values beyond what PostgreSQL (int4, timestamptz) or JavaScript can hold.
  for (const dueAt of ["0000-01-01T00:00:00.000Z", "-004714-01-01T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "+275760-09-13T00:00:00.000Z"]) {
    const meta = { values: { dueAt: ["Date"] } };
    add(() => trpcPost(cookie, "task.create", JSON.stringify({ json: { title: "x", dueAt }, meta })));
    add(() => trpcPost(cookie, "task.update", JSON.stringify({ json: { id: attackerTaskId, dueAt }, meta })));
  }
  add(() => trpcPost(cookie, "task.update", JSON.stringify({ json: { id: attackerTaskId, completed: true, expectedVersion: 2 ** 31 } })));
  add(() => trpcPost(cookie, "task.update", JSON.stringify({ json: { id: randomUUID(), completed: true, expectedVersion: 2 ** 31 } })));
  for (const createdAt of ["0000-01-01T00:00:00.000Z", "+275760-09-13T00:00:00.000Z", "2026-02-30T00:00:00.000Z"]) {
    const cursor = Buffer.from(JSON.stringify([createdAt, randomUUID()])).toString("base64url");
    add(() => trpcGet(cookie, "task.list", JSON.stringify({ json: { cursor } })));
  }
  // Input superjson cannot decode: its exceptions ("Maximum call stack size exceeded", "Cannot destructure …") stay inside.
  for (const input of [
    '{"json":{},"meta":{"values":{"a.b.c":["Date"]}}}',
    "null",
    "[]",
    '{"json":1,"meta":{"referentialEqualities":{"a":["b"]}}}',
    '{"meta":5}',
    '{"json":{"title":"x"},"meta":{"values":{"title":"Date"}}}',
    '{"json":{"title":"x"},"meta":{"values":{"title":[["class","X"]]}}}',
    '{"json":{"title":1},"meta":{"values":{"title":["map"]}}}',
  ]) {
    add(() => trpcGet(cookie, "task.list", input));
    add(() => trpcGet(cookie, "task.list?batch=1", `{"0":${input}}`));
    add(() => trpcPost(cookie, "task.create", input));
  }
  add(() => trpcGet(cookie, "task.list?batch=1", '{"0":null}'));
  for (const depth of [40_000, 100_000]) {
    add(() => trpcPost(cookie, "task.create", `{"json":{},"meta":{"values":${deeplyNested(depth)}}}`));
    add(() => trpcPost(cookie, "task.create", `{"json":${deeplyNested(depth)},"meta":{"values":${deeplyNested(depth)}}}`));
    add(() => trpcGet(cookie, "task.list", deeplyNested(depth)));
  }
  add(() => trpcPost(cookie, "task.create", JSON.stringify({ json: { title: "x" }, meta: { values: { title: ["Date"] } } })));
  // Raw JSON: in an object literal `__proto__` would set the prototype, not send the key.
  add(() => trpcPost(cookie, "task.create", '{"json":{"title":"x"},"meta":{"values":{"__proto__":["undefined"],"title":["undefined"]}}}'));
  add(() => trpcPost(cookie, "task.create", '{"json":{"__proto__":{"title":"polluted"}}}'));
  add(() => trpcPost(cookie, "task.create", '{"json":{"title":"x","constructor":{"prototype":{"polluted":true}}}}'));
  add(() => trpcPost(cookie, "nope.nothing", JSON.stringify({ json: {} })));
  add(() => trpcPost(cookie, "task.list", JSON.stringify({ json: {} })));
  add(() => trpcPost(cookie, "task.create", JSON.stringify({ json: { title: "form" } }), "multipart/form-data; boundary=x"));
  add(() => trpcPost(cookie, "task.create", JSON.stringify({ json: { title: "octets" } }), "application/octet-stream"));
  add(() => trpcPost(cookie, Array.from({ length: 500 }, () => "task.stats").join(",") + "?batch=1", "{}"));
  // Better Auth's endpoints with garbage.
  for (const value of sample(anything, 40)) {
    const path = ["sign-in/email", "sign-up/email", "change-password", "delete-user"][requests.length % 4]!;
    add(() =>
      fetch(`${server.baseUrl}/api/auth/${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", origin: server.baseUrl },
        body: JSON.stringify(value),
      }),
    );
  }
  add(() =>
    fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.baseUrl },
      body: "{not json",
    }),
  );
  return requests;
}

test("at least 500 malformed and hostile requests: no 5xx, the server stays up, no data changes", async () => {
  const before = await snapshot();
  const requests = hostileRequests();
  expect(requests.length).toBeGreaterThanOrEqual(500);

  const statuses: number[] = [];
  const serverErrors: string[] = [];
  const exceptionTexts: string[] = [];
  for (let index = 0; index < requests.length; index += 10) {
    const responses = await Promise.all(requests.slice(index, index + 10).map((request) => request()));
    for (const response of responses) {
      statuses.push(response.status);
      const body = await response.text();
      if (response.status >= 500) serverErrors.push(`${response.status} ${response.url}: ${body.slice(0, 300)}`);
      // Nothing internal leaks, whatever the status: no stack, no SQL, and from the API no exception text.
      expect(body).not.toMatch(/\bat [\w.]+ \(|node_modules|DrizzleQueryError|postgres error|select .* from/i);
      const api = new URL(response.url).pathname.startsWith("/api/trpc/");
      if (api && /Cannot |undefined|stack|property|Maximum call stack|is not a|Unexpected token/.test(body)) {
        exceptionTexts.push(`${response.status} ${response.url.slice(0, 200)}: ${body.slice(0, 300)}`);
      }
    }
  }

  const tally = new Map<number, number>();
  for (const status of statuses) tally.set(status, (tally.get(status) ?? 0) + 1);
  const byStatus = [...tally].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
  console.log(`hostile corpus: ${requests.length} requests; responses ${byStatus.join(", ")}`);
  expect(serverErrors).toEqual([]);
  expect(exceptionTexts).toEqual([]);
  expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200);
  expect(await snapshot()).toEqual(before);
  // Mostly refused as bad input, as it should be.
  expect(statuses.filter((status) => status === 400).length).toBeGreaterThan(requests.length / 2);
  // About 700 requests take 20–25 s on two shared cores.
}, 120_000);
