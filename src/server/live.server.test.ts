import { afterAll, beforeAll, expect, inject, test, vi } from "vitest";

import { createTaskClient, fetchJwt, type TaskChange } from "@/client";
import { signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** task.onChange on the production build: across instances, through a JWT, and at shutdown. */

const postgresUrl = inject("serverTestPostgresUrl");
let first: ProductionServer;
let second: ProductionServer;

beforeAll(async () => {
  if (!postgresUrl) return;
  first = await startProductionServer({ postgresUrl });
  second = await startProductionServer({ shareDatabaseWith: first });
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

interface Recording {
  /** Each event with when it arrived (performance.now()). */
  events: { change: TaskChange; at: number }[];
  states: string[];
  stop(): void;
}

/** Subscribes on `baseUrl` with a bearer token; resolves once the first `resync` says changes are heard. */
async function subscribe(baseUrl: string, token: string): Promise<Recording> {
  const events: Recording["events"] = [];
  const states: string[] = [];
  const subscription = createTaskClient({ baseUrl, token }).task.onChange.subscribe(undefined, {
    onData: (change) => events.push({ change, at: performance.now() }),
    onConnectionStateChange: (state) => states.push(state.state),
  });
  await vi.waitFor(() => expect(events.map((event) => event.change)).toContainEqual({ kind: "resync" }), { timeout: 10_000 });
  return { events, states, stop: () => subscription.unsubscribe() };
}

/** How long after `since` the event for `taskId` of `kind` arrived (waits up to 2 s for it). */
async function delayOf(recording: Recording, kind: string, taskId: string, since: number): Promise<number> {
  const event = await vi.waitFor(
    () => {
      const found = recording.events.find(({ change }) => change.kind === kind && "taskId" in change && change.taskId === taskId);
      if (!found) throw new Error(`no ${kind} event for ${taskId}`);
      return found;
    },
    { timeout: 2_000 },
  );
  return event.at - since;
}

// PGlite is one process's database by design: two instances need the PostgreSQL server.
test.runIf(postgresUrl)("a write on one instance reaches a subscriber on the other within a second, JWT writes included", async () => {
  const account = await signUpOverHttp(first.baseUrl);
  const stranger = await signUpOverHttp(first.baseUrl);
  const listening = await subscribe(second.baseUrl, account.token!);
  const strangerListening = await subscribe(second.baseUrl, stranger.token!);

  const viaSession = createTaskClient({ baseUrl: first.baseUrl, token: account.token! });
  let since = performance.now();
  const task = await viaSession.task.create.mutate({ title: "Written on the first instance" });
  expect(await delayOf(listening, "created", task.id, since)).toBeLessThan(1_000);

  const viaJwt = createTaskClient({ baseUrl: first.baseUrl, token: await fetchJwt({ baseUrl: first.baseUrl, token: account.token! }) });
  since = performance.now();
  await viaJwt.task.update.mutate({ id: task.id, completed: true });
  expect(await delayOf(listening, "updated", task.id, since)).toBeLessThan(1_000);
  since = performance.now();
  await viaJwt.task.delete.mutate({ id: task.id });
  expect(await delayOf(listening, "deleted", task.id, since)).toBeLessThan(1_000);

  listening.stop();
  strangerListening.stop();
  expect(strangerListening.events.map((event) => event.change)).toEqual([{ kind: "resync" }]);
});

test.runIf(postgresUrl)("a subscription with a JWT hears changes made with the session", async () => {
  const account = await signUpOverHttp(first.baseUrl);
  const listening = await subscribe(first.baseUrl, await fetchJwt({ baseUrl: first.baseUrl, token: account.token! }));
  const since = performance.now();
  const task = await createTaskClient({ baseUrl: second.baseUrl, token: account.token! }).task.create.mutate({ title: "By session" });
  expect(await delayOf(listening, "created", task.id, since)).toBeLessThan(1_000);
  listening.stop();
});

test("SIGTERM with event streams open still stops promptly, and the streams' clients start reconnecting", { timeout: 120_000 }, async () => {
  const server = await startProductionServer({ env: { SHUTDOWN_DELAY_MS: "200" } });
  const account = await signUpOverHttp(server.baseUrl);
  const listening = await Promise.all([subscribe(server.baseUrl, account.token!), subscribe(server.baseUrl, account.token!)]);
  const started = performance.now();
  expect(await server.stop()).toBe(0);
  // Well under the 15 s given to requests in flight: the streams were cut, not waited for.
  expect(performance.now() - started).toBeLessThan(5_000);
  for (const recording of listening) {
    await vi.waitFor(() => expect(recording.states.at(-1)).toBe("connecting"), { timeout: 5_000 });
    recording.stop();
  }
});
