import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { sql } from "drizzle-orm";
import { afterEach, describe, expect, test } from "vitest";

import { testDriver } from "@/test/database";

import { openPglite } from "./client";
import { DataDirInUseError } from "./pglite-lock";

const FIXTURE = join(process.cwd(), "src/test/fixtures/hold-pglite.ts");

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), "tasks-lock-"));
  dirs.push(parent);
  return join(parent, "nested", "pglite");
}

interface Outcome {
  code: number | null;
  stderr: string;
  child: ChildProcess;
}

/** Starts a process that opens `dataDir`; resolves once it holds it, or once it has exited. */
function openInAnotherProcess(dataDir: string): Promise<Outcome> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", FIXTURE, dataDir], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("opened")) resolve({ code: null, stderr, child });
    });
    child.on("exit", (code) => resolve({ code, stderr, child }));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

// The lock guards PGlite only; one run of it is enough.
describe.runIf(testDriver === "pglite")("PGlite data directory lock", () => {
  test("a second process on the same directory fails at once with a message naming it", async () => {
    const dataDir = freshDataDir();
    const holder = await openInAnotherProcess(dataDir);
    expect(holder.code).toBeNull();

    const started = Date.now();
    const second = await openInAnotherProcess(dataDir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`The PGlite data directory ${dataDir} is in use by another process (pid ${holder.child.pid})`);
    // "At once" means the lock check, not a wait: most of this is starting Node and tsx.
    expect(Date.now() - started).toBeLessThan(15_000);

    await expect(openPglite(dataDir)).rejects.toBeInstanceOf(DataDirInUseError);
  });

  test("the directory is free again once its holder closes it", async () => {
    const dataDir = freshDataDir();
    const holder = await openInAnotherProcess(dataDir);
    holder.child.stdin?.end();
    await exited(holder.child);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);

    const handle = await openPglite(dataDir);
    await handle.close();
  });

  test("a lock left by a crashed process is taken over, and the data survives", async () => {
    const dataDir = freshDataDir();
    const first = await openPglite(dataDir);
    await first.db.execute(sql`create table kept (value text)`);
    await first.db.execute(sql`insert into kept values ('before the crash')`);
    await first.close();

    const holder = await openInAnotherProcess(dataDir);
    holder.child.kill("SIGKILL");
    await exited(holder.child);
    expect(existsSync(`${dataDir}.lock`)).toBe(true);

    const reopened = await openPglite(dataDir);
    try {
      const result = await reopened.db.execute<{ value: string }>(sql`select value from kept`);
      expect(JSON.stringify(result)).toContain("before the crash");
    } finally {
      await reopened.close();
    }
  });

  test("one process cannot open the same directory twice either", async () => {
    const dataDir = freshDataDir();
    const handle = await openPglite(dataDir);
    try {
      await expect(openPglite(dataDir)).rejects.toThrow(`${dataDir} is in use by another process (pid ${process.pid})`);
    } finally {
      await handle.close();
    }
  });
});
