import * as fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";

import { createTaskInput, EARLIEST_DATE, LATEST_DATE, TASK_VERSION_MAX, updateTaskInput } from "@/lib/validators/task";
import { createTestApp, type TestApp } from "@/test/app";

import { encodeCursor, taskCursorSchema } from "./cursor";

/**
 * Whatever the input schemas accept, PostgreSQL stores and gives back unchanged; whatever they
 * refuse is BAD_REQUEST. Regression: dates PostgreSQL cannot hold, versions beyond int4 and
 * cursors of year 0000 passed validation and answered 500.
 */

let app: TestApp;
let api: ReturnType<TestApp["caller"]>;
let taskId: string;

beforeAll(async () => {
  app = await createTestApp();
  api = app.caller((await app.signUp()).headers);
  taskId = (await api.task.create({ title: "target" })).id;
});

afterAll(() => app.close());

const shift = (date: Date, ms: number) => new Date(date.getTime() + ms);

// The API's limits and a millisecond beyond them, years drizzle would misread, what PostgreSQL
// cannot hold, and the ends of JavaScript's range.
const boundaryDates = [
  EARLIEST_DATE,
  LATEST_DATE,
  shift(EARLIEST_DATE, -1),
  shift(LATEST_DATE, 1),
  new Date("0050-06-01T00:00:00.000Z"),
  new Date("0000-01-01T00:00:00.000Z"),
  new Date(Date.UTC(-4714, 0, 1)),
  new Date(-8.64e15),
  new Date(8.64e15),
];
const anyDate = fc.oneof(fc.constantFrom(...boundaryDates), fc.date());
const validDate = fc.oneof(fc.constantFrom(...boundaryDates), fc.date({ noInvalidDate: true }));
const expectedVersion = fc.oneof(fc.constantFrom(TASK_VERSION_MAX, TASK_VERSION_MAX + 1, 2 ** 53), fc.integer(), fc.double());
const refused = { code: "BAD_REQUEST" };

/** `values` as examples of `arbitrary`, which fast-check runs before the random ones. */
const examplesOf = <T>(_arbitrary: fc.Arbitrary<T>, values: T[]): [T][] => values.map((value) => [value]);

test.each([
  ["0000", "0000-01-01T00:00:00.000Z"],
  ["-4714", "-004714-01-01T00:00:00.000Z"],
  ["-271821", "-271821-04-20T00:00:00.000Z"],
  ["+275760", "+275760-09-13T00:00:00.000Z"],
])("regression: a due date in year %s is BAD_REQUEST naming the range, not a 500", async (_year, iso) => {
  await expect(api.task.create({ title: "x", dueAt: new Date(iso) })).rejects.toMatchObject({
    code: "BAD_REQUEST",
    message: expect.stringContaining("Due date must be between 1000-01-01 and 9999-12-31 (UTC)"),
  });
});

test("regression: expectedVersion 2147483648 is BAD_REQUEST, not a 500", async () => {
  await expect(api.task.update({ id: taskId, completed: true, expectedVersion: 2 ** 31 })).rejects.toMatchObject(refused);
});

test("a created task's due date is stored and read back unchanged, or refused", async () => {
  const create = fc.record({ title: fc.string({ maxLength: 3 }), dueAt: fc.option(anyDate) });
  await fc.assert(
    fc.asyncProperty(create, async (input) => {
      if (!createTaskInput.safeParse(input).success) {
        await expect(api.task.create(input)).rejects.toMatchObject(refused);
        return;
      }
      const task = await api.task.create(input);
      expect(task.dueAt).toEqual(input.dueAt);
      expect(await api.task.byId({ id: task.id })).toEqual(task);
    }),
    { numRuns: 100, examples: examplesOf(create, boundaryDates.map((dueAt) => ({ title: "x", dueAt }))) },
  );
});

test("an update is stored, NOT_FOUND or CONFLICT, or refused", async () => {
  const id = fc.constantFrom(taskId, "0b7e2a3c-5d1f-4e8a-9c6b-2f4d8e1a7b90");
  const update = fc.record({ id, dueAt: fc.option(anyDate), expectedVersion }, { requiredKeys: ["id", "dueAt"] });
  await fc.assert(
    fc.asyncProperty(update, async (input) => {
      if (!updateTaskInput.safeParse(input).success) {
        await expect(api.task.update(input)).rejects.toMatchObject(refused);
        return;
      }
      await api.task.update(input).then(
        (task) => expect(task.dueAt).toEqual(input.dueAt),
        (error: unknown) => expect(error).toMatchObject({ code: expect.stringMatching(/^(NOT_FOUND|CONFLICT)$/) }),
      );
    }),
    { numRuns: 100, examples: examplesOf(update, boundaryDates.map((dueAt) => ({ id: taskId, dueAt, expectedVersion: TASK_VERSION_MAX }))) },
  );
});

test("a cursor is read as a page position, or refused", async () => {
  const payload = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString("base64url");
  const isoText = fc.oneof(validDate.map((date) => date.toISOString()), fc.string());
  const cursor = fc.oneof(
    fc.tuple(validDate, fc.uuid()).map(([createdAt, id]) => encodeCursor({ sort: "newest", createdAt, id })),
    fc.tuple(isoText, fc.oneof(fc.uuid(), fc.string())).map(payload),
    fc.string(),
  );
  await fc.assert(
    fc.asyncProperty(cursor, async (cursor) => {
      if (!taskCursorSchema.safeParse(cursor).success) {
        await expect(api.task.list({ cursor })).rejects.toMatchObject(refused);
        return;
      }
      await api.task.list({ cursor });
    }),
    { numRuns: 100, examples: examplesOf(cursor, boundaryDates.map((createdAt) => encodeCursor({ sort: "newest", createdAt, id: taskId }))) },
  );
});
