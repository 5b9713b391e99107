import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, expect, test } from "vitest";

import { sendPaced, type Recorder } from "./paced";

const servers: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => handler(request, response, body));
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const newRecorder = (): Recorder => ({ sent: 0, latencies: [], statusCounts: {}, socketErrors: 0 });

test("sends rate × duration requests spread over the run, each built by requestAt", async () => {
  const arrivals: { at: number; method: string; path: string; header: string; body: string }[] = [];
  const baseUrl = await serve((request, response, body) => {
    arrivals.push({
      at: performance.now(),
      method: request.method ?? "",
      path: request.url ?? "",
      header: String(request.headers["x-who"]),
      body,
    });
    response.end("ok");
  });
  const recorder = newRecorder();
  const started = performance.now();
  await sendPaced(
    {
      baseUrl,
      rate: 40,
      duration: 1,
      timeout: 5,
      requestAt: (k) => ({
        method: "POST",
        path: `/item/${k}`,
        headers: { "x-who": `user-${k % 3}` },
        setupRequest: (request) => ({ ...request, body: `body-${k}` }),
      }),
    },
    recorder,
  );

  expect(recorder).toMatchObject({ sent: 40, socketErrors: 0, statusCounts: { 200: 40 } });
  expect(recorder.latencies).toHaveLength(40);
  expect(arrivals.map((arrival) => arrival.path)).toEqual(Array.from({ length: 40 }, (_, k) => `/item/${k}`));
  expect(arrivals[4]).toMatchObject({ method: "POST", header: "user-1", body: "body-4" });
  // Spread, not a burst: the last request leaves ~975 ms after the first.
  const last = arrivals.at(-1)?.at ?? 0;
  expect(last - started).toBeGreaterThan(900);
});

test("a stalled answer shows in its own latency and holds up no other request", async () => {
  let requests = 0;
  const baseUrl = await serve((_request, response) => {
    requests += 1;
    if (requests === 5) setTimeout(() => response.end("late"), 300);
    else response.end("ok");
  });
  const recorder = newRecorder();
  await sendPaced({ baseUrl, rate: 20, duration: 0.5, timeout: 5, requestAt: () => ({ path: "/" }) }, recorder);

  expect(recorder.latencies).toHaveLength(10);
  const slow = recorder.latencies.filter((latency) => latency >= 300);
  expect(slow).toHaveLength(1);
  // The sender did not wait for the stalled answer: every other request stayed fast.
  expect(recorder.latencies.filter((latency) => latency < 100)).toHaveLength(9);
});

test("statuses are counted as they come; dropped connections and timeouts are socket errors", async () => {
  let requests = 0;
  const baseUrl = await serve((request, response) => {
    requests += 1;
    if (requests === 2) request.socket.destroy();
    else if (requests === 3) return; // never answered: the timeout ends it
    else response.writeHead(requests === 4 ? 503 : 200).end();
  });
  const recorder = newRecorder();
  await sendPaced({ baseUrl, rate: 10, duration: 0.5, timeout: 0.5, requestAt: () => ({ path: "/" }) }, recorder);

  expect(recorder.sent).toBe(5);
  expect(recorder.socketErrors).toBe(2);
  expect(recorder.statusCounts).toEqual({ 200: 2, 503: 1 });
});
