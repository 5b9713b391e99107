import { readFileSync } from "node:fs";

import autocannon from "autocannon";

import { processTree, procStatFields } from "@/test/process-tree";

/** Closed-loop load: `connections` keep-alive connections, connection `i` sending `request(i)` again and again. */
export interface Load {
  baseUrl: string;
  connections: number;
  request(connection: number): autocannon.Request;
}

/** What one timed run saw. */
export interface Run {
  /** 2xx answers per second. */
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx answers and socket errors (timeouts included). */
  errors: number;
  /** CPU time of the server's process tree per answer, in milliseconds. */
  cpuMsPerRequest: number;
  /** Peak resident memory of the server's process tree, polled every 100 ms. */
  peakRssBytes: number;
  /** Answers by status code, to say what went wrong when `errors` is not 0. */
  statusCodes: Record<string, number>;
}

/** Sends `load` for `limit.duration` seconds or `limit.amount` requests (stopped early when `signal` aborts). */
export function sendLoad(load: Load, limit: { duration: number } | { amount: number }, signal: AbortSignal): Promise<autocannon.Result> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    let connection = 0;
    const stop = () => instance.stop();
    const instance = autocannon(
      {
        url: load.baseUrl,
        connections: load.connections,
        timeout: 10,
        setupClient: (client) => client.setRequests([load.request(connection++)]),
        ...limit,
      },
      (error: unknown, result) => {
        signal.removeEventListener("abort", stop);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result);
      },
    );
    signal.addEventListener("abort", stop, { once: true });
  });
}

// /proc counts CPU time in clock ticks: USER_HZ is 100 on every Linux this runs on.
const MS_PER_TICK = 10;

/** CPU time (user + system) each process has used so far, in milliseconds. */
function cpuMsByPid(pids: readonly number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    // utime and stime are fields 14 and 15 of the whole line.
    const fields = procStatFields(pid);
    if (fields) used.set(pid, (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK);
  }
  return used;
}

/** Resident memory of these processes together. */
export function rssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
    } catch {
      // Ended meanwhile.
    }
  }
  return total;
}

/** One timed run of `load`, with the server's CPU time and peak memory (its whole process tree). */
export async function timedRun(load: Load, seconds: number, serverPid: number, signal: AbortSignal): Promise<Run> {
  let pids = processTree(serverPid);
  const cpuBefore = cpuMsByPid(pids);
  let peakRssBytes = rssBytes(pids);
  let polls = 0;
  const poll = setInterval(() => {
    // Listing the tree reads every process's stat file: once a second, not on every poll.
    if (++polls % 10 === 0) pids = processTree(serverPid);
    peakRssBytes = Math.max(peakRssBytes, rssBytes(pids));
  }, 100);
  let result: autocannon.Result;
  try {
    result = await sendLoad(load, { duration: seconds }, signal);
  } finally {
    clearInterval(poll);
  }
  let cpuMs = 0;
  for (const [pid, used] of cpuMsByPid(processTree(serverPid))) cpuMs += used - (cpuBefore.get(pid) ?? 0);
  const answers = result["2xx"] + result.non2xx;
  return {
    rps: result["2xx"] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    cpuMsPerRequest: answers > 0 ? cpuMs / answers : 0,
    peakRssBytes,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count = 0 }]) => [code, count])),
  };
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** One line of the table: the medians of a scenario's runs, its errors summed, its peak memory. */
export interface Row {
  scenario: string;
  what: string;
  runs: Run[];
  /** Failed requests during the warm-up, which count as failures too. */
  warmupErrors: number;
}

export function errorsOf(row: Row): number {
  return row.warmupErrors + row.runs.reduce((sum, run) => sum + run.errors, 0);
}

/** The markdown table of the results. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    "| scenario | req/s | p50 ms | p99 ms | errors | server CPU ms/req | peak RSS MiB | what |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    const mid = (figure: (run: Run) => number) => median(row.runs.map(figure));
    const cells = [
      row.scenario,
      mid((run) => run.rps).toFixed(0),
      mid((run) => run.p50).toFixed(0),
      mid((run) => run.p99).toFixed(0),
      String(errorsOf(row)),
      mid((run) => run.cpuMsPerRequest).toFixed(2),
      (Math.max(...row.runs.map((run) => run.peakRssBytes)) / 2 ** 20).toFixed(0),
      row.what,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
