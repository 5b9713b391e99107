/**
 * The open-loop sender for paced groups: request `k` is due at `k / rate` seconds, whatever
 * happened to the ones before it, and its latency counts from that moment, so a stall
 * anywhere — server or generator — shows in the figures instead of delaying later sends.
 *
 * Why not autocannon here: its rate limit sends each second's quota in a burst at the
 * start of the second, and the way around that (one autocannon instance per connection,
 * started through the first second) costs ~10 ms of the generator's event loop per
 * instance. Measured against a bare Node server answering in 0.1 ms at 100 req/s, that
 * generator itself reported p99 75–943 ms; this one reports p99 3.4–5.3 ms.
 */
import { Agent, request } from "node:http";

import type autocannon from "autocannon";

/** What a run records as its answers come in, for either sender. */
export interface Recorder {
  sent: number;
  latencies: number[];
  statusCounts: Record<string, number>;
  socketErrors: number;
}

export interface PacedRun {
  baseUrl: string;
  rate: number;
  /** Seconds over which requests are sent; the run then waits for every answer. */
  duration: number;
  /** Seconds before an unanswered request counts as a socket error. */
  timeout: number;
  /** The request due `k`-th; called as it is sent. */
  requestAt(k: number): autocannon.Request;
}

export async function sendPaced(run: PacedRun, recorder: Recorder): Promise<void> {
  const url = new URL(run.baseUrl);
  // Keep-alive with at most one socket per request of a second: as autocannon's connections.
  const agent = new Agent({ keepAlive: true, maxSockets: run.rate });
  const spacingMs = 1000 / run.rate;
  const total = Math.round(run.rate * run.duration);
  const answers: Promise<void>[] = [];
  const started = performance.now();

  const send = (due: number, template: autocannon.Request) => {
    const { setupRequest } = template;
    const { method = "GET", path = "/", headers = {}, body } =
      typeof setupRequest === "function" ? setupRequest({ ...template }, {}) : template;
    recorder.sent += 1;
    return new Promise<void>((resolve) => {
      const outgoing = request({ host: url.hostname, port: url.port, method, path, headers, agent }, (response) => {
        response.resume();
        response.on("end", () => {
          recorder.latencies.push(performance.now() - due);
          const status = String(response.statusCode);
          recorder.statusCounts[status] = (recorder.statusCounts[status] ?? 0) + 1;
          resolve();
        });
      });
      outgoing.setTimeout(run.timeout * 1000, () => outgoing.destroy(new Error("timed out")));
      outgoing.on("error", () => {
        recorder.socketErrors += 1;
        resolve();
      });
      outgoing.end(body);
    });
  };

  await new Promise<void>((finished) => {
    let k = 0;
    // One timer for the next due request; a late wake-up sends everything already due.
    const tick = () => {
      const now = performance.now();
      for (; k < total && started + k * spacingMs <= now; k++) {
        answers.push(send(started + k * spacingMs, run.requestAt(k)));
      }
      if (k < total) setTimeout(tick, started + k * spacingMs - performance.now());
      else finished();
    };
    tick();
  });
  await Promise.all(answers);
  agent.destroy();
}
