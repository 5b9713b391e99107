import { expect, test } from "vitest";

import { errorsOf, formatTable, median, type Run } from "./measure";

const run = (rps: number, errors = 0): Run => ({ rps, p50: 2, p99: 9, errors, cpuMsPerRequest: 0.5, peakRssBytes: 2 ** 29, statusCodes: {} });

test("the median is the middle value, or the mean of the two middle ones", () => {
  expect(median([30, 10, 20])).toBe(20);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(() => median([])).toThrow();
});

test("a scenario's errors add up every run and the warm-up, so one failed request fails the bench", () => {
  const row = { scenario: "floor", what: "GET /api/health/live", runs: [run(300), run(100, 1), run(200)], warmupErrors: 2 };
  expect(errorsOf(row)).toBe(3);
  expect(formatTable([row]).split("\n")[2]).toBe("| floor | 200 | 2 | 9 | 3 | 0.50 | 512 | GET /api/health/live |");
});
