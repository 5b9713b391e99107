/**
 * The load generator: a separate process, so the bench's own bookkeeping never competes
 * with it, driven over IPC by the bench. It runs autocannon without pipelining and
 * measures what it costs itself (CPU), since it shares the machine with the server.
 */
import autocannon from "autocannon";

import type { GroupResult, LoadCommand, LoadGroup, LoadReply, RequestPlan } from "./load-protocol";
import { sendPaced, type Recorder } from "./paced";
import { summarizeLatencies } from "./stats";

const JSON_HEADERS = { "content-type": "application/json" };

let createdTasks = 0;

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error("a request plan needs at least one identity");
  return item;
}

/** The request connection `connection` sends, built fresh so no two connections share one. */
function requestFor(plan: RequestPlan, connection: number, origin: string): autocannon.Request {
  switch (plan.kind) {
    case "get":
      return { method: "GET", path: plan.path, headers: { ...pick(plan.identities, connection) } };
    case "update-task": {
      const { headers, taskIds } = pick(plan.identities, connection);
      return {
        method: "POST",
        path: "/api/trpc/task.update",
        headers: { ...headers, ...JSON_HEADERS, origin },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            json: { id: pick(taskIds, Math.floor(Math.random() * taskIds.length)), completed: Math.random() < 0.5 },
          }),
        }),
      };
    }
    case "create-task": {
      const headers = pick(plan.identities, connection);
      return {
        method: "POST",
        path: "/api/trpc/task.create",
        headers: { ...headers, ...JSON_HEADERS, origin },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ json: { title: `Bench task ${++createdTasks}` } }),
        }),
      };
    }
    case "sign-in":
      return {
        method: "POST",
        path: "/api/auth/sign-in/email",
        headers: { ...JSON_HEADERS, origin },
        body: JSON.stringify(pick(plan.credentials, connection)),
      };
    case "mix": {
      const total = plan.parts.reduce((sum, part) => sum + part.weight, 0);
      let slot = connection % total;
      for (const part of plan.parts) {
        if (slot < part.weight) return requestFor(part.plan, connection, origin);
        slot -= part.weight;
      }
      throw new Error("a mix needs parts with positive weights");
    }
  }
}

function runInstance(options: autocannon.Options, recorder: Recorder): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result) => (error ? reject(toError(error)) : resolve(result)));
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      recorder.latencies.push(responseTime);
      recorder.statusCounts[statusCode] = (recorder.statusCounts[statusCode] ?? 0) + 1;
    });
    instance.on("reqError", () => {
      recorder.socketErrors += 1;
    });
  });
}

async function runGroup(group: LoadGroup, command: LoadCommand): Promise<GroupResult> {
  const recorder: Recorder = { sent: 0, latencies: [], statusCounts: {}, socketErrors: 0 };
  const origin = command.baseUrl;
  const base = { url: command.baseUrl, duration: command.duration, pipelining: 1, timeout: 10 };
  const { pacing } = group;

  const setupClient = (connection: number) => (client: autocannon.Client) => {
    client.setRequests([requestFor(group.plan, connection, origin)]);
    // Every client emits "request" as it sends; autocannon's types leave that event out.
    const emitter: NodeJS.EventEmitter = client;
    emitter.on("request", () => {
      recorder.sent += 1;
    });
  };

  let seconds: number;
  if (command.requestsPerConnection !== undefined) {
    const started = performance.now();
    let connection = 0;
    await runInstance(
      {
        ...base,
        // A cap only: the run ends when every connection has had its answers.
        duration: 120,
        connections: pacing.kind === "closed" ? pacing.connections : pacing.rate,
        maxConnectionRequests: command.requestsPerConnection,
        setupClient: (client) => setupClient(connection++)(client),
      },
      recorder,
    );
    seconds = (performance.now() - started) / 1000;
  } else if (pacing.kind === "closed") {
    let connection = 0;
    const result = await runInstance(
      { ...base, connections: pacing.connections, setupClient: (client) => setupClient(connection++)(client) },
      recorder,
    );
    seconds = result.duration;
  } else {
    const { rate } = pacing;
    await sendPaced(
      { baseUrl: origin, rate, duration: command.duration, timeout: base.timeout, requestAt: (k) => requestFor(group.plan, k % rate, origin) },
      recorder,
    );
    seconds = command.duration;
  }

  const successes = Object.entries(recorder.statusCounts)
    .filter(([status]) => status.startsWith("2"))
    .reduce((total, [, count]) => total + count, 0);
  const responses = recorder.latencies.length;
  return {
    name: group.name,
    sent: recorder.sent,
    responses,
    requestsPerSecond: successes / seconds,
    latencyMs: summarizeLatencies(recorder.latencies),
    statusCounts: recorder.statusCounts,
    socketErrors: recorder.socketErrors,
    errors: responses - successes + recorder.socketErrors,
  };
}

async function run(command: LoadCommand): Promise<LoadReply> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const groups = await Promise.all(command.groups.map((group) => runGroup(group, command)));
    const cpu = process.cpuUsage(cpuBefore);
    return {
      type: "result",
      result: { id: command.id, groups, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - started },
    };
  } catch (error) {
    return { type: "error", id: command.id, message: toError(error).message };
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function reply(message: LoadReply) {
  process.send?.(message);
}

// Orphaned (the bench died): there is nobody to report to, so stop sending load.
process.on("disconnect", () => process.exit(0));
process.on("message", (command: LoadCommand) => {
  void run(command).then(reply);
});

