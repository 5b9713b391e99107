import { expect, test } from "vitest";

import { filtersFromParams, withFilters } from "./task-list-url";

const read = (query: string) => {
  const params = new URLSearchParams(query);
  return filtersFromParams((name) => params.get(name));
};

test("an address reads back as the filters it was written from", () => {
  const query = withFilters("", { status: "active", sort: "due", search: "buy milk" });
  expect(query).toBe("?status=active&sort=due&q=buy+milk");
  expect(read(query)).toEqual({ status: "active", sort: "due", search: "buy milk" });
});

test("defaults are left out of the address, and other parameters are kept", () => {
  expect(withFilters("?status=active&utm=x", { status: "all", sort: "newest", search: "" })).toBe("?utm=x");
});

test("anything unknown or too long reads as the default, never an error", () => {
  expect(read("?status=deleted&sort=oldest&q=")).toEqual({ status: "all", sort: "newest", search: "" });
  expect(read(`?q=${"x".repeat(500)}`).search).toHaveLength(200);
});
