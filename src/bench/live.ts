/**
 * `npm run bench:live`: how fast a change reaches an open view on another instance. Starts
 * two production instances on one fresh PostgreSQL database, opens idle subscriptions (other
 * users, who hear nothing) on the second, then one user makes changes on the first, one at a
 * time, each timed from the write's answer to its `task.onChange` event on the second. Prints
 * p50/p99 and the second instance's memory per open subscription (src/bench/README.md).
 */
import { parseArgs } from "node:util";

import { createTaskClient, type TaskChange } from "@/client";
import { processTree } from "@/test/process-tree";
import { ensureProductionBuild, signUpOverHttp, startProductionServer } from "@/test/production-server";

import { rssBytes } from "./measure";

const { values } = parseArgs({
  options: {
    changes: { type: "string", default: "500" },
    idle: { type: "string", default: "200" },
  },
});
const CHANGES = Number(values.changes);
const IDLE = Number(values.idle);
const IDLE_USERS = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds, polling every millisecond; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

await ensureProductionBuild((message) => console.log(`bench: ${message}`));
const env = { RATE_LIMIT_MULTIPLIER: "1000", TRUSTED_PROXIES: "127.0.0.1,::1", SHUTDOWN_DELAY_MS: "0" };
const first = await startProductionServer({ postgresUrl: process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", env });
const second = await startProductionServer({ shareDatabaseWith: first, env });
const subscriptions: { unsubscribe(): void }[] = [];
try {
  const writer = await signUpOverHttp(first.baseUrl);
  const idlers = await Promise.all(Array.from({ length: IDLE_USERS }, () => signUpOverHttp(first.baseUrl)));

  /** Subscribes on the second instance; resolves once its first `resync` arrived. */
  async function subscribe(token: string, onData: (change: TaskChange) => void = () => {}): Promise<void> {
    let live = false;
    subscriptions.push(
      createTaskClient({ baseUrl: second.baseUrl, token }).task.onChange.subscribe(undefined, {
        onData(change) {
          live = true;
          onData(change);
        },
      }),
    );
    await until(() => live, 30_000, "a subscription to start");
  }

  // A first subscription makes the instance listen; memory is counted from there.
  await subscribe(writer.token!);
  await sleep(1_000);
  const rssBefore = rssBytes(processTree(second.pid));
  for (let index = 0; index < IDLE; index += 20) {
    await Promise.all(Array.from({ length: Math.min(20, IDLE - index) }, (_, offset) => subscribe(idlers[(index + offset) % IDLE_USERS]!.token!)));
  }
  await sleep(2_000);
  const rssPerSubscriber = (rssBytes(processTree(second.pid)) - rssBefore) / IDLE;

  const arrived = new Map<string, number>();
  await subscribe(writer.token!, (change) => {
    if (change.kind !== "resync") arrived.set(`${change.kind}:${change.taskId}`, performance.now());
  });
  const tasks = createTaskClient({ baseUrl: first.baseUrl, token: writer.token! });
  const task = await tasks.task.create.mutate({ title: "Timed" });
  const delays: number[] = [];
  for (let change = 0; change < CHANGES; change++) {
    arrived.clear();
    await tasks.task.update.mutate({ id: task.id, completed: change % 2 === 0 });
    const acked = performance.now();
    const key = `updated:${task.id}`;
    await until(() => arrived.has(key), 5_000, `the event of change ${change}`);
    // An event may arrive before the write's answer does: that counts as no delay.
    delays.push(Math.max(0, arrived.get(key)! - acked));
  }
  delays.sort((a, b) => a - b);
  console.log(
    `\n| changes | idle subscribers | p50 ms | p99 ms | max ms | RSS per subscriber KiB |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      `| ${CHANGES} | ${IDLE} | ${percentile(delays, 50).toFixed(1)} | ${percentile(delays, 99).toFixed(1)} | ${delays.at(-1)!.toFixed(1)} | ${(rssPerSubscriber / 1024).toFixed(0)} |`,
  );
} finally {
  for (const subscription of subscriptions) subscription.unsubscribe();
  await second.stop();
  await first.stop();
}
