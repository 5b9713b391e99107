import { expect, test } from "vitest";

import { EARLIEST_DATE, LATEST_DATE } from "@/lib/validators/task";

import { DUE_DATE_MAX, DUE_DATE_MIN, dueDateFromInput } from "./due-date";

test("the date inputs' bounds are the API's first and last days", () => {
  expect(dueDateFromInput(DUE_DATE_MIN)).toEqual(EARLIEST_DATE);
  expect(dueDateFromInput(DUE_DATE_MAX)?.toISOString().slice(0, 10)).toBe(LATEST_DATE.toISOString().slice(0, 10));
});
