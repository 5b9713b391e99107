import type { StatementCount } from "./database";
import type { GroupResult, LoadResult } from "./load-protocol";
import type { ProcessSample } from "./processes";
import type { KeyFigure, Phase } from "./scenarios";
import { medianBy, spread } from "./stats";

/** One measured run of a scenario. Latency and rate are the primary group's; the rest covers all. */
export interface RunFigures {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Failed requests in every group: non-2xx responses and requests that got none. */
  errors: number;
  statusCounts: Record<string, number>;
  serverPeakRssMb: number;
  /** Server CPU time per request sent: what a request costs, however busy the machine was. */
  serverCpuMsPerRequest: number;
  /** CPU use during the run in % of one core: the app server, the database's backends (null when not on this machine), the load generator, and everything else on the machine. */
  cpuPercent: { server: number; database: number | null; loadGenerator: number; other: number };
  groups: GroupResult[];
}

/** Database statements per request, from a separate pass in which every request was answered. */
export interface QueryCount {
  requests: number;
  perRequest: number;
  /** Each statement's calls per request, most frequent first. */
  statements: { query: string; perRequest: number }[];
  /** Round trips to the database per request, one request at a time (src/bench/round-trips.ts); null where not counted. */
  roundTripsPerRequest: number | null;
}

/** Statement counts of a pass of `requests` requests as counts per request, with the round trips counted apart. */
export function queryCount(requests: number, counts: readonly StatementCount[], roundTripsPerRequest: number | null): QueryCount {
  const perRequest = (calls: number) => (requests === 0 ? 0 : calls / requests);
  const statements = counts.map(({ query, calls }) => ({ query, perRequest: perRequest(calls) }));
  return {
    requests,
    perRequest: statements.reduce((total, statement) => total + statement.perRequest, 0),
    statements,
    roundTripsPerRequest,
  };
}

/** "5.00 / 2.00": statements and round trips per request. */
function formatQueries(queries: QueryCount | null): string {
  if (!queries) return "n/a";
  const roundTrips = queries.roundTripsPerRequest === null ? "n/a" : number(queries.roundTripsPerRequest, 2);
  return `${number(queries.perRequest, 2)} / ${roundTrips}`;
}

export interface ScenarioResult {
  name: string;
  what: string;
  phase: Phase;
  key: KeyFigure;
  tableTasks: number;
  unavailable: string | null;
  runs: RunFigures[];
  /** Null where the database cannot count statements. */
  queries: QueryCount | null;
}

/** Figures of one run, from what the load generator, the process sampler and the database saw. */
export function runFigures(input: {
  primary: string;
  load: LoadResult;
  sample: Omit<ProcessSample<unknown>, "value">;
}): RunFigures {
  const { load, sample } = input;
  const primary = load.groups.find((group) => group.name === input.primary);
  if (!primary) throw new Error(`no load group named ${input.primary}`);
  const sent = load.groups.reduce((total, group) => total + group.sent, 0);
  const statusCounts: Record<string, number> = {};
  for (const group of load.groups) {
    for (const [status, count] of Object.entries(group.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + count;
  }
  const percent = (cpuMs: number) => (100 * cpuMs) / load.wallMs;
  const ours = sample.serverCpuMs + (sample.databaseCpuMs ?? 0) + load.cpuMs;
  return {
    requestsPerSecond: primary.requestsPerSecond,
    p50: primary.latencyMs.p50,
    p90: primary.latencyMs.p90,
    p99: primary.latencyMs.p99,
    max: primary.latencyMs.max,
    errors: load.groups.reduce((total, group) => total + group.errors, 0),
    statusCounts,
    serverPeakRssMb: sample.serverPeakRssBytes / (1024 * 1024),
    serverCpuMsPerRequest: sent === 0 ? 0 : sample.serverCpuMs / sent,
    cpuPercent: {
      server: percent(sample.serverCpuMs),
      database: sample.databaseCpuMs === null ? null : percent(sample.databaseCpuMs),
      loadGenerator: percent(load.cpuMs),
      other: Math.max(0, percent(sample.machineBusyMs - ours)),
    },
    groups: load.groups,
  };
}

/** The run whose key figure is the median: what the table reports. */
export function medianRun(result: ScenarioResult): RunFigures | null {
  return result.runs.length === 0 ? null : medianBy(result.runs, (run) => run[result.key]);
}

const number = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "median (min–max)" of one figure, the median being the median run's value. */
function withSpread(result: ScenarioResult, median: RunFigures, figure: (run: RunFigures) => number, digits: number): string {
  const value = number(figure(median), digits);
  if (result.runs.length < 2) return value;
  const { min, max } = spread(result.runs.map(figure));
  return `${value} (${number(min, digits)}–${number(max, digits)})`;
}

/** The results as a Markdown table: one row per scenario, the median run with the spread of all runs. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const header = [
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "statements / round trips per req",
    "server CPU ms/req",
    "server peak RSS MB",
    "CPU % server / db / load-gen / other",
  ];
  const rows = results.map((result) => {
    const median = medianRun(result);
    if (result.unavailable || !median) return [result.name, `unavailable: ${result.unavailable ?? "not run"}`, "", "", "", "", "", "", ""];
    const errors = result.runs.reduce((total, run) => total + run.errors, 0);
    const { cpuPercent } = median;
    return [
      result.name,
      withSpread(result, median, (run) => run.requestsPerSecond, 0),
      withSpread(result, median, (run) => run.p50, 1),
      withSpread(result, median, (run) => run.p99, 1),
      errors === 0 ? "0" : `${number(errors)} (${describeStatuses(result)})`,
      formatQueries(result.queries),
      withSpread(result, median, (run) => run.serverCpuMsPerRequest, 2),
      withSpread(result, median, (run) => run.serverPeakRssMb, 0),
      [cpuPercent.server, cpuPercent.database, cpuPercent.loadGenerator, cpuPercent.other]
        .map((value) => (value === null ? "n/a" : number(value)))
        .join(" / "),
    ];
  });
  return markdownTable(header, rows);
}

/** What each scenario does, for reading the table. */
export function formatLegend(results: readonly ScenarioResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length));
  return results
    .map((result) => `${result.name.padEnd(width)}  ${result.what} (${number(result.tableTasks)} tasks in the table)`)
    .join("\n");
}

function describeStatuses(result: ScenarioResult): string {
  const counts: Record<string, number> = {};
  for (const run of result.runs) {
    for (const group of run.groups) {
      for (const [status, count] of Object.entries(group.statusCounts)) {
        if (!status.startsWith("2")) counts[`HTTP ${status}`] = (counts[`HTTP ${status}`] ?? 0) + count;
      }
      if (group.socketErrors > 0) counts["no response"] = (counts["no response"] ?? 0) + group.socketErrors;
    }
  }
  return Object.entries(counts)
    .map(([status, count]) => `${status} ×${number(count)}`)
    .join(", ");
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** The statements behind one request of each scenario that counted them. */
export function formatStatements(results: readonly ScenarioResult[], names: readonly string[]): string {
  const lines: string[] = [];
  for (const name of names) {
    const queries = results.find((candidate) => candidate.name === name)?.queries;
    if (!queries) continue;
    const roundTrips =
      queries.roundTripsPerRequest === null ? "" : `; ${number(queries.roundTripsPerRequest, 2)} round trips (one request at a time)`;
    lines.push(`${name}: ${number(queries.perRequest, 2)} statements per request (${number(queries.requests)} requests counted)${roundTrips}`);
    for (const statement of queries.statements.filter((entry) => entry.perRequest >= 0.01)) {
      const text = statement.query.replace(/\s+/g, " ");
      lines.push(`  ${number(statement.perRequest, 2).padStart(5)} × ${text.length > 110 ? `${text.slice(0, 107)}…` : text}`);
    }
  }
  return lines.join("\n");
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** Null when it could not be measured in this run. */
  met: boolean | null;
}

/** The issue's targets, checked against the median runs. */
export function checkTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const median = (name: string) => {
    const result = results.find((candidate) => candidate.name === name);
    return result && !result.unavailable ? medianRun(result) : null;
  };
  const checks: TargetCheck[] = [];
  const check = (target: string, figures: (RunFigures | null)[], measure: (...runs: RunFigures[]) => [string, boolean]) => {
    if (figures.some((figure) => figure === null)) {
      checks.push({ target, measured: "not measured", met: null });
      return;
    }
    // Figures from failed requests (a 429 answers fast) say nothing about the target.
    const failed = figures.reduce((total, figure) => total + (figure?.errors ?? 0), 0);
    if (failed > 0) {
      checks.push({ target, measured: `not valid: ${number(failed)} requests failed`, met: null });
      return;
    }
    const [measured, met] = measure(...(figures as RunFigures[]));
    checks.push({ target, measured, met });
  };
  const ms = (value: number) => `${number(value, 1)} ms`;
  const ratio = (value: number) => `${number(value, 2)}×`;

  check("list ≥ 35% of floor's req/s", [median("list"), median("floor")], (list, floor) => {
    const share = list.requestsPerSecond / floor.requestsPerSecond;
    return [`${number(share * 100, 0)}% (${number(list.requestsPerSecond)} of ${number(floor.requestsPerSecond)} req/s)`, share >= 0.35];
  });
  check("list-100/s p99 ≤ 25 ms", [median("list-100/s")], (run) => [ms(run.p99), run.p99 <= 25]);
  check("list-jwt ≥ 1.3× list's req/s", [median("list-jwt"), median("list")], (jwt, list) => {
    const factor = jwt.requestsPerSecond / list.requestsPerSecond;
    return [ratio(factor), factor >= 1.3];
  });
  check("mixed-100/s p99 ≤ 40 ms, 0 errors", [median("mixed-100/s")], (run) => [
    `${ms(run.p99)}, ${run.errors} errors`,
    run.p99 <= 40 && run.errors === 0,
  ]);
  check("sign-in-20 ≥ 60 sign-ins/s, p50 ≤ 350 ms", [median("sign-in-20")], (run) => [
    `${number(run.requestsPerSecond, 1)}/s, p50 ${ms(run.p50)}`,
    run.requestsPerSecond >= 60 && run.p50 <= 350,
  ]);
  check("sign-in-1 p50 ≤ 40 ms", [median("sign-in-1")], (run) => [ms(run.p50), run.p50 <= 40]);
  check("list p99 during sign-ins ≤ 2× without", [median("sign-in-20+list-50/s"), median("list-50/s")], (busy, quiet) => {
    const factor = busy.p99 / quiet.p99;
    return [`${ratio(factor)} (${ms(busy.p99)} vs ${ms(quiet.p99)})`, factor <= 2];
  });
  check("scale: list p50, full table ≤ 1.3× small table", [median("list-50/s"), median("list-50/s-small")], (full, small) => {
    const factor = full.p50 / small.p50;
    return [`${ratio(factor)} (${ms(full.p50)} vs ${ms(small.p50)})`, factor <= 1.3];
  });
  for (const [name, limit] of [["list", 2], ["list-jwt", 1]] as const) {
    const queries = results.find((result) => result.name === name)?.queries;
    const target = `queries (round trips) per ${name} request ≤ ${limit}`;
    const roundTrips = queries?.roundTripsPerRequest ?? null;
    checks.push(
      queries && roundTrips !== null
        ? { target, measured: `${number(roundTrips, 2)} (${number(queries.perRequest, 2)} statements)`, met: roundTrips <= limit }
        : { target, measured: "not measured", met: null },
    );
  }
  const failing = results.filter((result) => result.runs.some((run) => run.errors > 0)).map((result) => result.name);
  checks.push({
    target: "0 errors in every run",
    measured: failing.length === 0 ? "0" : `errors in ${failing.join(", ")}`,
    met: failing.length === 0,
  });
  return checks;
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  return markdownTable(
    ["target", "measured", "verdict"],
    checks.map((check) => [check.target, check.measured, check.met === null ? "—" : check.met ? "met" : "MISSED"]),
  );
}
