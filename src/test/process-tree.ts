import { readdirSync, readFileSync } from "node:fs";

/** `pid` and every process it started, and they started, and so on (Linux /proc). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // it ended meanwhile
    }
    // The parent's pid is the second field after the parenthesised command name.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index] ?? -1) ?? []));
  return tree;
}

/** A process's nice value (Linux /proc); for a thread, pass `pid/task/tid`. */
export function niceOf(path: number | string): number {
  const stat = readFileSync(`/proc/${path}/stat`, "utf8");
  // nice is field 19 of the whole line: the 17th after the parenthesised command name.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}
