import { expect, test } from "vitest";

import { withTransactionEnds } from "./database";
import { DEFAULT_SERVER_URL, parseOptions } from "./options";
import { medianBy, percentile, spread } from "./stats";

test("percentiles are nearest-rank: p99 of 100 values is the 99th", () => {
  const values = Array.from({ length: 100 }, (_, index) => index + 1);
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 99)).toBe(99);
  expect(percentile(values, 100)).toBe(100);
  expect(percentile([], 99)).toBe(0);
});

test("the median run is the middle one by its key figure, with the spread of all", () => {
  const runs = [{ rps: 30 }, { rps: 10 }, { rps: 20 }];
  expect(medianBy(runs, (run) => run.rps)).toEqual({ rps: 20 });
  expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
});

test("COMMIT is counted once per BEGIN, whatever pg_stat_statements recorded", () => {
  const counted = withTransactionEnds([
    { query: "begin", calls: 30 },
    { query: "select 1", calls: 60 },
    { query: "commit", calls: 1 },
  ]);
  expect(counted).toEqual([
    { query: "select 1", calls: 60 },
    { query: "begin", calls: 30 },
    { query: "commit or rollback (one per begin)", calls: 30 },
  ]);
});

test("the private PostgreSQL server is the default; BENCH_DATABASE_URL or --server picks a server", () => {
  expect(parseOptions([], {})?.database).toEqual({ kind: "private-pg" });
  expect(parseOptions(["--server"], {})?.database).toEqual({ kind: "server", url: DEFAULT_SERVER_URL });
  const url = "postgres://bench@db.internal:5432/postgres";
  expect(parseOptions([], { BENCH_DATABASE_URL: url })?.database).toEqual({ kind: "server", url });
  expect(parseOptions(["--private-pg"], { BENCH_DATABASE_URL: url })?.database).toEqual({ kind: "private-pg" });
  expect(parseOptions(["--pglite"], {})?.database).toEqual({ kind: "pglite" });
  expect(() => parseOptions(["--pglite", "--server"], {})).toThrow("choose one");
});

test("defaults match the issue; --short shrinks everything; flags scale it", () => {
  expect(parseOptions([], {})).toMatchObject({ users: 10_000, tasks: 1_000_000, runs: 3, duration: 5, loadUsers: 50 });
  expect(parseOptions(["--short"], {})).toMatchObject({ runs: 1, duration: 2, short: true });
  expect(parseOptions(["--runs", "5", "--duration", "10", "--tasks", "2000000"], {})).toMatchObject({
    runs: 5,
    duration: 10,
    tasks: 2_000_000,
  });
  expect(() => parseOptions(["--runs", "0"], {})).toThrow("--runs");
  expect(() => parseOptions(["--bogus"], {})).toThrow();
  expect(parseOptions(["--help"], {})).toBeNull();
});
