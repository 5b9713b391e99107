import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import * as z from "zod";

import { createTestApp, type TestApp } from "@/test/app";

import { createCallerFactory, createInnerTRPCContext, createTRPCRouter, publicProcedure } from "./trpc";

/** What the procedure layer makes of database errors that no procedure handles itself. */

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(() => app.close());

// A procedure that runs whatever statement it is given: the test's stand-in for a value validation missed.
const router = createTRPCRouter({ run: publicProcedure.input(z.string()).query(({ ctx, input }) => ctx.db.execute(sql.raw(input))) });
const run = (statement: string) => createCallerFactory(router)(createInnerTRPCContext({ db: app.db, auth: app.appAuth, headers: new Headers() })).run(statement);

test.each([
  ["22008 datetime field overflow", "select '0000-01-01'::timestamptz"],
  ["22003 numeric value out of range", "select 2147483648::int4"],
  ["22P02 invalid text representation", "select 'x'::uuid"],
])("regression: a value PostgreSQL refuses (%s) is BAD_REQUEST without the database's words, not a 500", async (_label, statement) => {
  const error = await run(statement).catch((reason: unknown) => reason);
  expect(error).toMatchObject({ code: "BAD_REQUEST", message: "Invalid input: a value is malformed or out of range." });
});

test("any other failing statement is still a server error", async () => {
  await expect(run("select * from nowhere")).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
});
