import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

import { processTree, procStatFields } from "@/test/process-tree";

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Stops a child by its own pid: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited(child);
  clearTimeout(timer);
}

// USER_HZ: what /proc counts CPU time in; 100 on every Linux the bench runs on (`getconf CLK_TCK`).
const MS_PER_CLOCK_TICK = 10;

/** CPU time (user + system) a process has used so far, in milliseconds; null if it is gone. */
export function processCpuMs(pid: number): number | null {
  const fields = procStatFields(pid);
  // utime and stime are fields 14 and 15 of the whole line.
  return fields ? (Number(fields[11]) + Number(fields[12])) * MS_PER_CLOCK_TICK : null;
}

/** CPU time all cores of the machine have spent busy so far, in milliseconds. */
function machineBusyMs(): number {
  const [, ...ticks] = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return (user + nice + system + irq + softirq + steal) * MS_PER_CLOCK_TICK;
}

/** Resident memory of a process right now, in bytes (Linux /proc); 0 if it is gone. */
export function processRssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function totalRssBytes(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processRssBytes(pid), 0);
}

function cpuDeltaMs(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let used = 0;
  for (const [pid, cpu] of after) used += cpu - (before.get(pid) ?? 0);
  return used;
}

function totalCpuMs(pids: readonly number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    const cpu = processCpuMs(pid);
    if (cpu !== null) used.set(pid, cpu);
  }
  return used;
}

export interface ProcessSample<T> {
  value: T;
  serverPeakRssBytes: number;
  /**
   * CPU used while `work` ran, in milliseconds: by the server (with the processes it started),
   * the database's backends, and the whole machine.
   */
  serverCpuMs: number;
  databaseCpuMs: number | null;
  machineBusyMs: number;
}

/**
 * Samples the machine while `work` runs: the server's peak resident memory (with the
 * processes it started, polled every 50 ms; VmHWM would hold the peak of its whole life) and
 * who used the CPU. The server's processes and the database's backends are listed before and
 * after, since either may start processes meanwhile (a process started mid-run is polled
 * for memory only at the end).
 */
export async function sampleWhile<T>(
  serverPid: number,
  databasePids: (() => Promise<number[]>) | null,
  work: () => Promise<T>,
): Promise<ProcessSample<T>> {
  // Listing the tree reads every process's stat file: done at the ends, not on every poll.
  const serverPids = processTree(serverPid);
  let serverPeakRssBytes = totalRssBytes(serverPids);
  const databaseBefore = databasePids ? totalCpuMs(await databasePids()) : null;
  const serverBefore = totalCpuMs(serverPids);
  const machineBefore = machineBusyMs();
  const timer = setInterval(() => {
    serverPeakRssBytes = Math.max(serverPeakRssBytes, totalRssBytes(serverPids));
  }, 50);
  try {
    const value = await work();
    const machineAfter = machineBusyMs();
    const serverPidsAfter = processTree(serverPid);
    const serverAfter = totalCpuMs(serverPidsAfter);
    serverPeakRssBytes = Math.max(serverPeakRssBytes, totalRssBytes(serverPidsAfter));
    let databaseCpuMs: number | null = null;
    if (databasePids && databaseBefore) databaseCpuMs = cpuDeltaMs(databaseBefore, totalCpuMs(await databasePids()));
    return {
      value,
      serverPeakRssBytes,
      serverCpuMs: cpuDeltaMs(serverBefore, serverAfter),
      databaseCpuMs,
      machineBusyMs: machineAfter - machineBefore,
    };
  } finally {
    clearInterval(timer);
  }
}
