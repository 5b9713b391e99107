import { expect, test } from "vitest";

import { parseDue, UsageError } from "./output";

test("--due takes a calendar day as midnight UTC, or none", () => {
  expect(parseDue("2030-01-02")).toEqual(new Date("2030-01-02T00:00:00.000Z"));
  expect(parseDue("2028-02-29")).toEqual(new Date("2028-02-29T00:00:00.000Z"));
  expect(parseDue("0001-01-01")?.toISOString()).toBe("0001-01-01T00:00:00.000Z");
  expect(parseDue("9999-12-31")?.toISOString()).toBe("9999-12-31T00:00:00.000Z");
  expect(parseDue("none")).toBeNull();
});

test("--due refuses days that do not exist instead of rolling them over (2030-02-31 is not 2030-03-03)", () => {
  for (const value of ["2030-02-31", "2030-02-29", "2100-02-29", "2030-04-31", "2030-13-01", "2030-00-10", "2030-01-00", "2030-01-32"]) {
    expect(() => parseDue(value), value).toThrow(UsageError);
    expect(() => parseDue(value), value).toThrow(`invalid --due: ${value} is not a date (YYYY-MM-DD)`);
  }
});

test("--due refuses years outside 0001–9999 and anything not written YYYY-MM-DD", () => {
  for (const value of ["0000-01-01", "10000-01-01", "+010000-01-01", "-000001-01-01", "2030-1-2", "2030-01-02T00:00", " 2030-01-02", "next week", ""]) {
    expect(() => parseDue(value), value).toThrow(UsageError);
  }
});
