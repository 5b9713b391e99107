import "server-only";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Argon2id on dedicated threads at the lowest CPU priority. Each hash is ~10 ms of CPU and
 * 19 MiB of memory: on libuv's pool, at normal priority, a burst of sign-ins took every core
 * from the event loop and every other request waited behind it. At nice 19 the kernel gives
 * these threads only what the rest of the app leaves, so sign-ins still use every idle core
 * but no longer slow the task API.
 */

type Argon2Job =
  | { kind: "hash"; password: string; options: Record<string, number> }
  | { kind: "verify"; hash: string; password: string };

// Plain CommonJS run with `eval`, so no bundler has to find a separate worker file. On Linux
// setpriority() with "this process" applies to the calling thread only: the app keeps nice 0.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
require("node:os").setPriority(19);
const argon2 = require("@node-rs/argon2");
parentPort.on("message", (job) => {
  try {
    const result = job.kind === "hash" ? argon2.hashSync(job.password, job.options) : argon2.verifySync(job.hash, job.password);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Pending {
  job: Argon2Job;
  resolve: (result: string | boolean) => void;
  reject: (error: Error) => void;
}

interface HashingThread {
  worker: Worker;
  current: Pending | null;
}

const queue: Pending[] = [];
const threads: HashingThread[] = [];
const THREAD_COUNT = availableParallelism();

/** `@node-rs/argon2`'s `hash`, on a hashing thread. */
export async function argon2Hash(password: string, options: Record<string, number>): Promise<string> {
  const result = await runArgon2({ kind: "hash", password, options });
  if (typeof result !== "string") throw new Error("password hashing returned no hash");
  return result;
}

/** `@node-rs/argon2`'s `verify`, on a hashing thread. */
export async function argon2Verify(hash: string, password: string): Promise<boolean> {
  return (await runArgon2({ kind: "verify", hash, password })) === true;
}

/** Runs `job` on the next free hashing thread; jobs wait in order, none is refused. */
function runArgon2(job: Argon2Job): Promise<string | boolean> {
  return new Promise((resolve, reject) => {
    queue.push({ job, resolve, reject });
    dispatch();
  });
}

function dispatch(): void {
  while (threads.length < THREAD_COUNT) threads.push(startThread());
  for (const thread of threads) {
    if (thread.current) continue;
    const next = queue.shift();
    if (!next) return;
    thread.current = next;
    thread.worker.ref();
    thread.worker.postMessage(next.job);
  }
}

function startThread(): HashingThread {
  const thread: HashingThread = { worker: new Worker(WORKER_SOURCE, { eval: true }), current: null };
  // An idle hashing thread must not keep the process alive.
  thread.worker.unref();
  thread.worker.on("message", (reply: { result?: string | boolean; error?: string }) => {
    const finished = thread.current;
    thread.current = null;
    thread.worker.unref();
    if (reply.error !== undefined || reply.result === undefined) finished?.reject(new Error(`password hashing failed: ${reply.error}`));
    else finished?.resolve(reply.result);
    dispatch();
  });
  // A thread that dies takes only its own job with it; the next job gets a fresh thread.
  const replace = (error: Error) => {
    const index = threads.indexOf(thread);
    if (index === -1) return;
    threads.splice(index, 1);
    thread.current?.reject(error);
    thread.current = null;
    dispatch();
  };
  thread.worker.on("error", replace);
  thread.worker.on("exit", (code) => replace(new Error(`a password hashing thread exited (${code})`)));
  return thread;
}
