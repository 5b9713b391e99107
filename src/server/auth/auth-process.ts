/**
 * Better Auth's requests (`/api/auth/*`) in a process of their own, at the lowest CPU priority.
 *
 * A sign-in costs ~9 ms of JavaScript besides its password hash: Better Auth's endpoint
 * pipeline, five queries, cookie signing, and the garbage all that leaves. On the event loop
 * that also serves the task API, a burst of sign-ins queued every API request behind that
 * work (`task.list` p99 went from 12 ms to 94 ms during 80 sign-ins/s). Here the event loop
 * only passes each request on. The auth process runs at the lowest CPU priority — every thread
 * of it, V8's garbage collector threads included, which is why it is a process and not worker
 * threads (those share the app's collector threads at normal priority) — so the kernel gives it
 * whatever CPU the API leaves. On Linux that is the SCHED_IDLE policy (`chrt --idle`): a thread
 * of the API (or a database backend) that wakes up takes the core at once, where under nice 19
 * alone it could wait out the running thread's time slice; measured during 20 clients' sign-ins,
 * `task.list` p99 at 50 req/s was 21 and 47 ms under nice 19, 17 and 18 ms under SCHED_IDLE,
 * with the same sign-in rate. Where `chrt` is missing or refused, nice 19 it is. One process is
 * enough: a sign-in burst is bound by the two cores, not by its event loop.
 *
 * It loads the app's own auth modules (through tsx, as `npm start` does) and opens its own pool
 * to the same PostgreSQL database, as a second instance of the app would; so it is used only
 * with `DATABASE_URL` (a PGlite directory can be opened by one process only).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";

import { STATIC_SECURITY_HEADERS } from "../http/security-headers";

/** Bytes per request body: sign-up, the largest, needs well under 1 kB. */
export const MAX_AUTH_BODY_BYTES = 100_000;

export interface AuthRequest {
  kind: "request";
  id: number;
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer> | null;
}

export type ToAuthProcess = AuthRequest | { kind: "close" };

export type AuthReply =
  | { kind: "ready" }
  | { kind: "response"; id: number; status: number; headers: [string, string][]; setCookies: string[]; body: Uint8Array }
  | { kind: "failure"; id: number };

type Answer = Extract<AuthReply, { kind: "response" }> | null;

export interface AuthProcess {
  /** Answers one `/api/auth/*` request. */
  serve(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Lets the process close its database pool and end. */
  close(): Promise<void>;
}

const entry = fileURLToPath(new URL("./auth-process-entry.ts", import.meta.url));
// After a crash, wait this long before starting the next one, so one that cannot start does not spin.
const RESTART_DELAY_MS = 1_000;

// While no auth process runs (or when it died with the request), as the auth route answers a database outage.
const UNAVAILABLE = { code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable. Try again in a few seconds." };

/** Starts the auth process and resolves once it has loaded the app's auth modules. */
export async function startAuthProcess({ baseUrl }: { baseUrl: string }): Promise<AuthProcess> {
  let child: ChildProcess | null = null;
  const pending = new Map<number, (answer: Answer) => void>();
  let nextId = 0;
  let closing = false;

  const launcher = lowestPriorityLauncher();

  function start(): Promise<ChildProcess> {
    // Node is started at the lowest priority, so every thread it creates inherits it.
    // `react-server` lets `server-only` load outside Next.js's bundler.
    const started = spawn(launcher.command, [...launcher.args, process.execPath, "--conditions=react-server", "--import", "tsx", entry], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    return new Promise((resolve, reject) => {
      started.on("message", (reply: AuthReply) => {
        if (reply.kind === "ready") {
          child = started;
          return resolve(started);
        }
        const answer = pending.get(reply.id);
        pending.delete(reply.id);
        answer?.(reply.kind === "response" ? reply : null);
      });
      started.on("error", reject);
      // A crash fails only the requests in flight (503: their outcome is unknown); a fresh process takes its place.
      started.on("exit", (code, signal) => {
        if (child === started) child = null;
        for (const answer of pending.values()) answer(null);
        pending.clear();
        if (closing) return;
        reject(new Error(`the auth process exited before it was ready (${signal ?? `exit ${code}`})`));
        console.error(JSON.stringify({ level: "error", time: new Date().toISOString(), event: "auth.process.exited", code, signal }));
        setTimeout(() => {
          if (!closing) void start().catch(() => undefined);
        }, RESTART_DELAY_MS);
      });
    });
  }

  await start();

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (body === "too large") {
      // The rest of the body is not read: the connection closes after this answer.
      response.setHeader("connection", "close");
      return send(response, 413, { code: "PAYLOAD_TOO_LARGE", message: `Request bodies are limited to ${MAX_AUTH_BODY_BYTES / 1000} kB.` });
    }
    const reply = await new Promise<Answer>((resolve) => {
      if (!child) return resolve(null);
      const id = nextId++;
      pending.set(id, resolve);
      const message: AuthRequest = {
        kind: "request",
        id,
        method: request.method ?? "GET",
        url: new URL(request.url ?? "/", baseUrl).href,
        headers: requestHeaders(request),
        body,
      };
      // A process that has just died cannot take it: answered like one that died holding it.
      child.send(message, (error) => {
        if (!error) return;
        pending.delete(id);
        resolve(null);
      });
    });
    if (!reply) {
      response.setHeader("retry-after", String(RESTART_DELAY_MS / 1000));
      return send(response, 503, UNAVAILABLE);
    }
    for (const [name, value] of reply.headers) response.setHeader(name, value);
    if (reply.setCookies.length > 0) response.setHeader("set-cookie", reply.setCookies);
    writeStaticHeaders(response);
    response.writeHead(reply.status).end(reply.body);
  }

  return {
    async serve(request, response) {
      try {
        await answer(request, response);
      } catch (error) {
        // A client that went away mid-request (or a reply that could not be sent): nothing to answer.
        if (!response.headersSent) send(response, 500, { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side. Try again." });
        else response.destroy(error instanceof Error ? error : undefined);
      }
    },

    async close() {
      closing = true;
      const running = child;
      if (!running) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.send({ kind: "close" } satisfies ToAuthProcess);
      const timeout = setTimeout(() => running.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

function requestHeaders(request: IncomingMessage): [string, string][] {
  return Object.entries(request.headers).flatMap(([name, value]): [string, string][] =>
    value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]],
  );
}

/** The body, or "too large" once it passes {@link MAX_AUTH_BODY_BYTES}, counted as it streams in. */
async function readBody(request: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | null | "too large"> {
  if (request.method === "GET" || request.method === "HEAD") return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_AUTH_BODY_BYTES) return "too large";
    chunks.push(chunk);
  }
  return size === 0 ? null : Buffer.concat(chunks);
}

/** What next.config.ts adds to every response Next.js sends. */
function writeStaticHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) response.setHeader(name, value);
}

function send(response: ServerResponse, status: number, body: { code: string; message: string }): void {
  writeStaticHeaders(response);
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/**
 * The command that runs a program at the lowest CPU priority available: SCHED_IDLE (with nice 19
 * as well, which covers a later switch back to the normal policy) where `chrt` may set it, else
 * nice 19. Tried once, so a system without `chrt`, or one that refuses the policy, still starts.
 */
function lowestPriorityLauncher(): { command: string; args: string[] } {
  const idle = { command: "chrt", args: ["--idle", "0", "nice", "-n", "19"] };
  const probe = spawnSync(idle.command, [...idle.args, "true"], { stdio: "ignore" });
  return probe.status === 0 ? idle : { command: "nice", args: ["-n", "19"] };
}
