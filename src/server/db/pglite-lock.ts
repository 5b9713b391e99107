import "server-only";
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";

/**
 * PGlite has no cross-process lock: two processes on one data directory lose rows
 * silently. This lock file beside the directory records the holder's pid; a second
 * process fails at once, and a lock left by a process that no longer runs is taken over.
 */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | null,
  ) {
    const holder = holderPid === null ? "another process" : `another process (pid ${holderPid})`;
    super(
      `The PGlite data directory ${dataDir} is in use by ${holder}. ` +
        "PGlite cannot be shared between processes: stop that process, point PGLITE_DATA_DIR " +
        "at another directory, or set DATABASE_URL to use a PostgreSQL server.",
    );
    this.name = "DataDirInUseError";
  }
}

interface LockHolder {
  pid: number | null;
  ageMs: number;
}

// A lock file younger than this with no readable pid is still being written by its creator.
const FRESH_LOCK_MS = 5_000;

/** Takes the lock for `dataDir` (an absolute path) and returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      } finally {
        closeSync(fd);
      }
      return holdLock(lockPath);
    } catch (error) {
      if (!isErrorCode(error, "EEXIST")) throw error;
    }
    const holder = readHolder(lockPath);
    if (holder === null) continue;
    if (holder.pid === null ? holder.ageMs < FRESH_LOCK_MS : isRunning(holder.pid)) {
      throw new DataDirInUseError(dataDir, holder.pid);
    }
    rmSync(lockPath, { force: true });
  }
  throw new DataDirInUseError(dataDir, null);
}

function holdLock(lockPath: string): () => void {
  const release = () => {
    process.off("exit", release);
    if (readHolder(lockPath)?.pid === process.pid) rmSync(lockPath, { force: true });
  };
  // Covers normal exits and Ctrl-C (Next.js exits on SIGINT/SIGTERM); after a crash the
  // pid check above frees the lock.
  process.on("exit", release);
  return release;
}

function readHolder(lockPath: string): LockHolder | null {
  let ageMs: number;
  let text: string;
  try {
    ageMs = Date.now() - statSync(lockPath).mtimeMs;
    text = readFileSync(lockPath, "utf8");
  } catch (error) {
    if (isErrorCode(error, "ENOENT")) return null;
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const pid = (parsed as { pid?: unknown }).pid;
    return { pid: Number.isInteger(pid) ? (pid as number) : null, ageMs };
  } catch {
    return { pid: null, ageMs };
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrorCode(error, "EPERM");
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
