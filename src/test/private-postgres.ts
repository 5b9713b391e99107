import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { freePort } from "./production-server";

const execFileAsync = promisify(execFile);

/** Runs a command to completion; its output is returned, and included in the error if it fails. */
async function runCommand(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    const output = [stdout, stderr].filter(Boolean).join("\n").trim();
    throw new Error(`${command} ${args.join(" ")} failed${output ? `:\n${output}` : ""}`, { cause: error });
  }
}

export interface PrivatePostgresOptions {
  /** Start of the temporary directory's name, so a directory left behind says whose it was. */
  directoryPrefix: string;
  /** `-c` settings beyond those every private server has (its port and socket directory, 127.0.0.1 only). */
  settings: Record<string, string>;
  /** Where PostgreSQL's programs are; by default where `pg_config --bindir` says. */
  binDir?: string;
  /**
   * Gets the steps that stop the server and remove its directory, each as soon as there is
   * something to undo (the fault run keeps a list of them).
   */
  cleanup: { defer(description: string, step: () => Promise<void> | void): void };
}

export interface PrivatePostgres {
  /** The superuser's URL of the `postgres` database. */
  url: string;
  /** Fast shutdown, waiting until it is done; nothing when the server is not running. Its files stay. */
  stop(): Promise<void>;
  /** Starts the server (again), waiting until it accepts connections. */
  start(): Promise<void>;
}

/**
 * A PostgreSQL server of the caller's own, in a temporary directory on a free port, that it
 * may stop and start at will; the shared server must never be reconfigured or restarted.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions): Promise<PrivatePostgres> {
  const binDir = options.binDir ?? (await runCommand("pg_config", ["--bindir"])).trim();
  const root = mkdtempSync(join(tmpdir(), options.directoryPrefix));
  options.cleanup.defer("remove the private PostgreSQL directory", () => rmSync(root, { recursive: true, force: true }));

  // initdb refuses to run as root: run the server as the `postgres` account then.
  const asServerUser = process.getuid?.() === 0;
  if (asServerUser) await runCommand("chown", ["postgres:postgres", root]);
  const pg = (program: string, args: string[]) =>
    asServerUser
      ? runCommand("runuser", ["-u", "postgres", "--", join(binDir, program), ...args])
      : runCommand(join(binDir, program), args);

  const dataDir = join(root, "data");
  await pg("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${root}`,
    "-c listen_addresses=127.0.0.1",
    ...Object.entries(options.settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(" ");
  const server: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (existsSync(join(dataDir, "postmaster.pid"))) await pg("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]);
    },
    async start() {
      await pg("pg_ctl", ["-D", dataDir, "-o", serverOptions, "-l", join(root, "server.log"), "-w", "start"]);
    },
  };
  // Deferred before starting: pg_ctl detaches the server, so an interrupted start must still stop it.
  options.cleanup.defer("stop the private PostgreSQL server", () => server.stop());
  await server.start();
  return server;
}
