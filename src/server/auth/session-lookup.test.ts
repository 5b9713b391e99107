import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

import * as authTables from "@/server/db/schema/auth";
import { createTestApp, type TestApp } from "@/test/app";

import { resolveSession } from "./session";

let app: TestApp;
const statements: string[] = [];

beforeAll(async () => {
  app = await createTestApp({ onQuery: (query) => statements.push(query) });
});

afterAll(() => app.close());

/** The app's adapter (with the prepared lookup) and Better Auth's own, over the same database. */
async function adapters() {
  const context = await app.auth.$context;
  const stock = drizzleAdapter(app.db, { provider: "pg", schema: authTables, transaction: true })(context.options);
  return { ours: context.adapter, stock };
}

const lookupOf = (token: string) => ({
  model: "session",
  where: [{ field: "token", value: token }],
  join: { user: true as const },
});

async function tokenOf(userId: string): Promise<string> {
  const [row] = await app.db.select({ token: authTables.session.token }).from(authTables.session).where(eq(authTables.session.userId, userId));
  if (!row) throw new Error("no session");
  return row.token;
}

test("the session-with-user lookup answers exactly what Better Auth's adapter answers, in one prepared join", async () => {
  const plain = await app.signUp({ name: "Plain" });
  const verified = await app.signUp({ name: "Verified" });
  await app.db
    .update(authTables.user)
    .set({ emailVerified: true, image: "https://example.com/me.png" })
    .where(eq(authTables.user.id, verified.id));
  const { ours, stock } = await adapters();

  for (const person of [plain, verified]) {
    const query = lookupOf(await tokenOf(person.id));
    statements.length = 0;
    const found = await ours.findOne(query);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/inner join/);
    expect(found).toEqual(await stock.findOne(query));
    expect(found).toMatchObject({ userId: person.id, user: { id: person.id, name: person.name } });
  }
});

test("an unknown token is no session, as with Better Auth's adapter", async () => {
  const { ours, stock } = await adapters();
  const query = lookupOf("no-such-token");
  expect(await ours.findOne(query)).toBeNull();
  expect(await stock.findOne(query)).toBeNull();
});

test("other lookups still go to Better Auth's adapter", async () => {
  const person = await app.signUp();
  const token = await tokenOf(person.id);
  const { ours, stock } = await adapters();
  const queries = [
    { model: "session", where: [{ field: "token", value: token }] },
    { model: "session", where: [{ field: "token", value: token }], join: { user: true as const }, select: ["id"] },
    { model: "session", where: [{ field: "userId", value: person.id }], join: { user: true as const } },
    { model: "user", where: [{ field: "id", value: person.id }] },
  ];
  for (const query of queries) {
    statements.length = 0;
    const found = await ours.findOne(query);
    expect(statements.some((statement) => /inner join/.test(statement))).toBe(false);
    expect(found).toEqual(await stock.findOne(query));
  }
});

test("a revoked session is refused on the next request", async () => {
  const person = await app.signUp();
  expect(await resolveSession(app.auth, person.headers)).not.toBeNull();
  await app.auth.api.revokeSessions({ headers: person.headers });
  expect(await resolveSession(app.auth, person.headers)).toBeNull();
});
