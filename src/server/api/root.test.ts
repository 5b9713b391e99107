import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, expect, test } from "vitest";

import { createTestApp, type TestApp } from "@/test/app";

import { appRouter } from "./root";

// Procedures anyone may call. Adding one here is a deliberate, reviewed decision.
const PUBLIC_PROCEDURES = new Set<string>();

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(() => app.close());

const procedurePaths = Object.keys(appRouter._def.procedures).filter((path) => !PUBLIC_PROCEDURES.has(path));

/** Calls `path` on a caller the way a client would, with no input. */
function call(caller: ReturnType<TestApp["caller"]>, path: string): Promise<unknown> {
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (procedure as (input?: unknown) => Promise<unknown>)(undefined);
}

test("the router has procedures to check", () => {
  expect(procedurePaths).toEqual(expect.arrayContaining(["task.list", "task.create", "task.update", "task.delete"]));
});

test.each(procedurePaths)("%s answers UNAUTHORIZED without a session", async (path) => {
  await expect(call(app.caller(), path)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
});

test.each(procedurePaths)("%s answers UNAUTHORIZED for a forged session cookie", async (path) => {
  const forged = new Headers({ cookie: "better-auth.session_token=forged.c2lnbmF0dXJl" });
  const error = await call(app.caller(forged), path).catch((reason: unknown) => reason);
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe("UNAUTHORIZED");
});
