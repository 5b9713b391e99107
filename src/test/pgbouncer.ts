import { execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePort } from "./production-server";

/** Debian's PgBouncer (1.18: no prepared statements in transaction mode). */
export const PGBOUNCER_BIN = "/usr/sbin/pgbouncer";

export const hasPgBouncer = existsSync(PGBOUNCER_BIN);

export interface PgBouncer {
  /** `serverUrl` with the host and port of the pooler: every database of that server, pooled. */
  url(serverUrl: string): string;
  /** Stops it (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A PgBouncer in transaction mode (what Neon, Supabase and most managed poolers hand out) on
 * a free loopback port, in front of the PostgreSQL server at `serverUrl` (trust auth), with
 * `poolSize` server connections per database, and any other `settings` of its ini file. Runs
 * as the `postgres` account when started by root (PgBouncer refuses to run as root).
 */
export async function startPgBouncer(
  serverUrl: string,
  { poolSize = 20, settings = {} }: { poolSize?: number; settings?: Record<string, string | number> } = {},
): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const dir = mkdtempSync(join(tmpdir(), "tasks-pgbouncer-"));
  const port = await freePort();
  writeFileSync(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      // Any database name the client asks for, on the one server, as its superuser.
      `* = host=${server.hostname} port=${server.port || 5432} user=${server.username || "postgres"}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = any",
      "pool_mode = transaction",
      `default_pool_size = ${poolSize}`,
      "max_client_conn = 1000",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
      "",
    ].join("\n"),
  );
  const asRoot = process.getuid?.() === 0;
  const account = asRoot ? { uid: Number(execFileSync("id", ["-u", "postgres"])), gid: Number(execFileSync("id", ["-g", "postgres"])) } : {};
  if (asRoot) chownSync(dir, account.uid!, account.gid!);
  const child = spawn(PGBOUNCER_BIN, [join(dir, "pgbouncer.ini")], { ...account, stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`PgBouncer did not start: ${errors}`, { cause: error });
  }
  return {
    url(serverUrlOfDatabase) {
      const url = new URL(serverUrlOfDatabase);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    stop,
  };
}

async function waitForPort(port: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited()) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listens on port ${port}`);
}
