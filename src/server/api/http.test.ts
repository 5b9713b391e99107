import { sql } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, expect, test } from "vitest";

import { createAuth } from "@/server/auth/auth";
import { connectPostgres } from "@/server/db/client";
import { createTestApp, TEST_BASE_URL, TEST_ORIGINS, TEST_SECRET, type TestApp, type TestUser } from "@/test/app";
import { takeConsoleErrors } from "@/test/console";

import { handleTRPCRequest } from "./http";
import { createInnerTRPCContext } from "./trpc";

/** The HTTP contract of /api/trpc: status codes, error bodies, headers, logging. */

let app: TestApp;
let alice: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  alice = await app.signUp();
});

afterAll(() => app.close());

interface ErrorShape {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; requestId: string | null; zodError: unknown; stack?: string };
}

type ErrorBody = { error: Parameters<typeof superjson.deserialize>[0] };

/** The error of a (superjson-encoded) tRPC error response; of a batch, the first call's. */
async function errorOf(response: Response): Promise<ErrorShape> {
  const body = (await response.json()) as ErrorBody | ErrorBody[];
  return superjson.deserialize<ErrorShape>((Array.isArray(body) ? body[0]! : body).error);
}

function send(
  target: Pick<TestApp, "handle">,
  procedure: string,
  init: { input?: unknown; headers?: Headers; mutation?: boolean } = {},
): Promise<Response> {
  const body = init.input === undefined ? undefined : JSON.stringify(superjson.serialize(init.input));
  const url = new URL(`/api/trpc/${procedure}`, TEST_BASE_URL);
  if (!init.mutation && body) url.searchParams.set("input", body);
  const headers = new Headers(init.headers);
  if (init.mutation) headers.set("content-type", "application/json");
  const req = new Request(url, { method: init.mutation ? "POST" : "GET", headers, body: init.mutation ? body : undefined });
  return target.handle(req);
}

test("a successful call carries a request id and is not cached", async () => {
  const response = await send(app, "task.stats", { headers: alice.headers });
  expect(response.status).toBe(200);
  expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers.get("cache-control")).toBe("no-store");
});

test("invalid input is a 400 with a readable message and field errors", async () => {
  const response = await send(app, "task.create", { input: { title: "", dueAt: "tomorrow" }, headers: alice.headers, mutation: true });
  expect(response.status).toBe(400);
  const error = await errorOf(response);
  expect(error.data.code).toBe("BAD_REQUEST");
  expect(error.message).toContain("title: Title is required");
  expect(error.data.zodError).toMatchObject({
    fieldErrors: { title: ["Title is required"], dueAt: ["Due date must be a valid date"] },
  });
});

test("no session is a 401", async () => {
  const response = await send(app, "task.list");
  expect(response.status).toBe(401);
  expect((await errorOf(response)).data.code).toBe("UNAUTHORIZED");
});

test("an unexpected failure is a 500 with a generic message, logged once with the same request id", async () => {
  const broken = await createTestApp();
  try {
    const user = await broken.signUp();
    await broken.db.execute(sql`alter table app.tasks rename to tasks_gone`);
    const response = await send(broken, "task.list", { headers: user.headers });
    expect(response.status).toBe(500);
    const text = await response.clone().text();
    const error = await errorOf(response);
    expect(error.message).toMatch(/^Something went wrong on our side/);
    expect(error.data.stack).toBeUndefined();
    expect(text).not.toMatch(/tasks_gone|select|relation|app\.tasks|at .*\.ts/i);
    expect(error.data.requestId).toBe(response.headers.get("x-request-id"));

    const logged = takeConsoleErrors();
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: "error", event: "trpc.error", requestId: error.data.requestId, path: "task.list" });
  } finally {
    await broken.close();
  }
});

test("an unreachable database is a 503 with Retry-After, not a 500 or a 401", async () => {
  // Port 9 (discard) has no PostgreSQL behind it: connections are refused at once.
  const unreachable = connectPostgres("postgres://postgres@127.0.0.1:9/tasks");
  const auth = createAuth(unreachable.db, { baseURL: TEST_BASE_URL, secret: TEST_SECRET });
  const unreachableApp = {
    handle: (request: Request) =>
      handleTRPCRequest(
        request,
        ({ headers, requestId }) => createInnerTRPCContext({ db: unreachable.db, auth, headers, requestId }),
        TEST_ORIGINS,
      ),
  };
  try {
    for (const procedure of ["task.list", "task.stats"]) {
      const response = await send(unreachableApp, procedure, { headers: alice.headers });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      const error = await errorOf(response);
      expect(error.data.code).toBe("SERVICE_UNAVAILABLE");
      expect(error.message).toBe("The service is temporarily unavailable. Try again in a few seconds.");
    }
    const lines = takeConsoleErrors();
    const logged = lines.join("\n");
    expect(logged).toContain("SERVICE_UNAVAILABLE");
    // Each failed request's log line carries its request id.
    const requestIds = lines.map((line) => (JSON.parse(line) as { requestId?: string }).requestId);
    expect(requestIds.length).toBeGreaterThan(0);
    for (const requestId of requestIds) expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    // The failed session query had the session token as a parameter.
    const token = alice.headers.get("cookie")?.split("=")[1]?.split(".")[0] ?? "missing";
    expect(logged).not.toContain(token);
  } finally {
    await unreachable.close();
  }
});

test("a mutation cannot be run with GET", async () => {
  const response = await send(app, "task.create", { input: { title: "via GET" }, headers: alice.headers });
  expect(response.status).toBe(405);
  expect((await app.caller(alice.headers).task.list({ search: "via GET" })).items).toEqual([]);
});

test.each([
  ["another site's page", { origin: "https://evil.example" }],
  ["a cross-site fetch without Origin", { "sec-fetch-site": "cross-site" }],
  ["a same-site but other-origin page", { origin: "http://localhost:3001", "sec-fetch-site": "same-site" }],
])("a cookie-carrying mutation from %s is refused with 403 and changes nothing", async (_label, extra) => {
  const headers = new Headers(alice.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  const response = await send(app, "task.create", { input: { title: "forged" }, headers, mutation: true });
  expect(response.status).toBe(403);
  expect((await errorOf(response)).data.code).toBe("FORBIDDEN");
  expect((await app.caller(alice.headers).task.list({ search: "forged" })).items).toEqual([]);
});

test.each([
  ["the app's own page", { origin: TEST_BASE_URL }],
  ["a trusted origin", { origin: "https://admin.example.com" }],
  ["a same-origin fetch without Origin", { "sec-fetch-site": "same-origin" }],
])("a cookie-carrying mutation from %s is accepted", async (_label, extra) => {
  const headers = new Headers(alice.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  const response = await send(app, "task.create", { input: { title: `allowed ${_label}` }, headers, mutation: true });
  expect(response.status).toBe(200);
});

test("a mutation that is not JSON is refused with 415 before it runs", async () => {
  const response = await app.handle(
    new Request(new URL("/api/trpc/task.create", TEST_BASE_URL), {
      method: "POST",
      headers: { cookie: alice.headers.get("cookie") ?? "", "content-type": "text/plain", origin: TEST_BASE_URL },
      body: JSON.stringify({ json: { title: "smuggled as text" } }),
    }),
  );
  expect(response.status).toBe(415);
  expect((await app.caller(alice.headers).task.list({ search: "smuggled" })).items).toEqual([]);
});

/** A raw (not superjson-encoded by us) `input` for a GET, or body for a POST. */
function sendRaw(procedure: string, raw: string, method: "GET" | "POST"): Promise<Response> {
  const url = new URL(`/api/trpc/${procedure}`, TEST_BASE_URL);
  const headers = new Headers(alice.headers);
  if (method === "GET") url.searchParams.set("input", raw);
  else headers.set("content-type", "application/json");
  return app.handle(new Request(url, { method, headers, body: method === "POST" ? raw : undefined }));
}

const deeplyNested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

test.each([
  ["null", "task.list", "null", "GET"],
  ["a batch call's null input", "task.list?batch=1", '{"0":null}', "GET"],
  ["annotations nested 40,000 deep", "task.create", `{"json":{},"meta":{"values":${deeplyNested(40_000)}}}`, "POST"],
  ["an annotation that is not a list", "task.create", '{"json":{"title":"x"},"meta":{"values":{"title":"Date"}}}', "POST"],
  ["a map annotation on a number", "task.create", '{"json":{"title":1},"meta":{"values":{"title":["map"]}}}', "POST"],
  ["an unknown class", "task.create", '{"json":{"title":"x"},"meta":{"values":{"title":[["class","X"]]}}}', "POST"],
  ["text that is not JSON", "task.list", "{nope", "GET"],
] as const)("regression: undecodable input (%s) is a 400 saying what to send, not the decoder's exception", async (_label, procedure, raw, method) => {
  const response = await sendRaw(procedure, raw, method);
  expect(response.status).toBe(400);
  const text = await response.clone().text();
  expect(text).not.toMatch(/Cannot |undefined|stack|property|is not|Unexpected|class/);
  expect((await errorOf(response)).message).toBe(
    `Invalid input: send superjson's JSON, {"json": …, "meta"?: …} (a batch: {"0": {"json": …}, …}).`,
  );
});

test("messages written for the caller still come through", async () => {
  const missing = await send(app, "task.byId", { input: { id: "0b7e2a3c-5d1f-4e8a-9c6b-2f4d8e1a7b90" }, headers: alice.headers });
  expect((await errorOf(missing)).message).toBe("Task not found.");
  const badCursor = await send(app, "task.list", { input: { cursor: "nope" }, headers: alice.headers });
  expect((await errorOf(badCursor)).message).toBe("Invalid input: cursor: Invalid cursor: pass the nextCursor of a previous page");
  const notJson = await app.handle(
    // A form post, which tRPC would take: our own refusal, in our words (tRPC answers text/plain itself).
    new Request(new URL("/api/trpc/task.create", TEST_BASE_URL), { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--x--" }),
  );
  expect((await errorOf(notJson)).message).toBe("Send mutations as application/json.");
  const batchNotObject = await sendRaw("task.list?batch=1", "[1]", "GET");
  expect((await errorOf(batchNotObject)).message).toBe('"input" needs to be an object when doing a batch call');
});
