import { expect, test } from "vitest";

import { decodeCursor, encodeCursor } from "./cursor";

const id = "0b7e2a3c-5d1f-4e8a-9c6b-2f4d8e1a7b90";
const raw = (payload: string) => Buffer.from(payload).toString("base64url");

const createdAt = new Date("2026-12-02T10:20:30.456Z");

test.each([
  { sort: "newest", createdAt, id },
  { sort: "due", createdAt, id, dueAt: new Date("2027-01-01T00:00:00.000Z") },
  { sort: "due", createdAt, id, dueAt: null },
  { sort: "completedLast", createdAt, id, completed: true },
  { sort: "completedLast", createdAt, id, completed: false },
] as const)("a cursor the server emitted decodes to the same position: %o", (position) => {
  expect(decodeCursor(encodeCursor(position))).toEqual(position);
});

test("a newest-first cursor keeps the format earlier releases sent", () => {
  expect(encodeCursor({ sort: "newest", createdAt, id })).toBe(raw(`["2026-12-02T10:20:30.456Z","${id}"]`));
});

test.each([
  ["year 0000 (regression: task.list answered 500)", raw(`["0000-01-01T00:00:00.000Z","${id}"]`)],
  ["year 0999", raw(`["0999-12-31T23:59:59.999Z","${id}"]`)],
  ["a six-digit year", raw(`["+010000-01-01T00:00:00.000Z","${id}"]`)],
  ["a day that does not exist", raw(`["2026-02-30T00:00:00.000Z","${id}"]`)],
  ["a time without milliseconds", raw(`["2026-01-01T00:00:00Z","${id}"]`)],
  ["a time with an offset", raw(`["2026-01-01T00:00:00.000+00:00","${id}"]`)],
  ["spaces in the JSON", raw(`["2026-01-01T00:00:00.000Z", "${id}"]`)],
  ["a third element", raw(`["2026-01-01T00:00:00.000Z","${id}",1]`)],
  ["an unknown order", raw(`["2026-01-01T00:00:00.000Z","${id}","oldest",null]`)],
  ["a due date out of range", raw(`["2026-01-01T00:00:00.000Z","${id}","due","0999-01-01T00:00:00.000Z"]`)],
  ["a due cursor without its key", raw(`["2026-01-01T00:00:00.000Z","${id}","due"]`)],
  ["completed as text", raw(`["2026-01-01T00:00:00.000Z","${id}","completedLast","true"]`)],
  ["an object", raw(`{"createdAt":"2026-01-01T00:00:00.000Z","id":"${id}"}`)],
  ["an id that is not a uuid", raw(`["2026-01-01T00:00:00.000Z","1"]`)],
  ["base64 padding", `${raw(`["2026-01-01T00:00:00.000Z","${id}"]`)}=`],
])("a cursor with %s is refused", (_label, cursor) => {
  expect(decodeCursor(cursor)).toBeNull();
});
