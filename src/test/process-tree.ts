import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * The fields of `/proc/<path>/stat` after the command name (which is in parentheses and may
 * itself contain spaces), so field N of the whole line is `[N - 3]` here; null if it is gone.
 * For a thread, pass `pid/task/tid`.
 */
export function procStatFields(path: number | string): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${path}/stat`, "utf8");
  } catch {
    return null;
  }
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** `pid` and every process it started, and they started, and so on (Linux /proc). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    // The parent's pid is field 4; a process that ended meanwhile is skipped.
    const parent = procStatFields(entry)?.[1];
    if (parent === undefined) continue;
    children.set(Number(parent), [...(children.get(Number(parent)) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index] ?? -1) ?? []));
  return tree;
}

/**
 * How many established TCP connections the processes `pids` hold to loopback `ports` (Linux
 * /proc): what a process has open towards a database or pooler, whatever the other side calls it.
 */
export function tcpConnectionsTo(pids: number[], ports: Set<number>): number {
  const sockets = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith("socket:[")) sockets.add(target.slice(8, -1));
      } catch {
        // Closed meanwhile.
      }
    }
  }
  // Lines of /proc/net/tcp: `sl local rem st … uid timeout inode`, addresses as HEXIP:HEXPORT, 01 = established.
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === "01" && ports.has(parseInt(fields[2]?.split(":")[1] ?? "", 16)) && sockets.has(fields[9] ?? "")).length;
}
