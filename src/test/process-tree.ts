import { readdirSync, readFileSync } from "node:fs";

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
