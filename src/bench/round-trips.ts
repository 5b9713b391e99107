import { execFileSync } from "node:child_process";

/**
 * Round trips to the database, counted by the kernel: the TCP segments carrying data that the
 * app server's processes sent on their connections to the database (`ss`'s `data_segs_out`).
 * A client sends one segment per write while it waits for the answer, and a pipelined batch
 * (BEGIN, binding, statement, COMMIT) is one write, so the count is round trips, not
 * statements. A write over the loopback MSS (32 kB) would count twice; the app's are far
 * smaller. Sockets closed between two readings take their counts with them, so read over a
 * pass in which the pool stays open.
 */
export function readDatabaseWrites(serverPids: readonly number[], databasePort: number): number | null {
  let output: string;
  try {
    output = execFileSync("ss", ["-tinpH", "state", "established", `( dport = :${databasePort} )`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return null; // no `ss` (iproute2) here
  }
  return sumDataSegments(output, new Set(serverPids));
}

/** Sums `data_segs_out` over the sockets of `ss -tinp` output owned by one of `pids`. */
export function sumDataSegments(output: string, pids: ReadonlySet<number>): number {
  let total = 0;
  let owned = false;
  for (const line of output.split("\n")) {
    // A socket's first line names its owners (`users:(("node",pid=12,fd=33))`); its details follow, indented.
    if (!/^\s/.test(line)) {
      owned = [...line.matchAll(/pid=(\d+)/g)].some((match) => pids.has(Number(match[1])));
      continue;
    }
    const segments = /\bdata_segs_out:(\d+)/.exec(line);
    if (owned && segments) total += Number(segments[1]);
  }
  return total;
}
