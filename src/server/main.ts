/**
 * The production server (`npm start`): Next.js behind a plain Node HTTP server, for two
 * things `next start` cannot do.
 *
 * 1. The client's address. `next start` passes on an `X-Forwarded-For` sent by the client
 *    and drops the socket address, so anyone could pick the address rate limits count
 *    against. Here the address comes from the socket, or from `X-Forwarded-For` only when
 *    the socket is a proxy listed in TRUSTED_PROXIES, and is handed on as `x-client-ip`,
 *    overwriting whatever a client sent under that name.
 * 2. Deploys. On SIGTERM (or SIGINT) the health check turns 503 so load balancers stop
 *    routing here; for SHUTDOWN_DELAY_MS the server still serves whatever arrives (closing
 *    the listener at once would reset connections still queued in the kernel); then it stops
 *    accepting, cuts event streams, lets requests in flight finish, closes the database, and
 *    exits 0.
 */
import { createServer, type IncomingMessage } from "node:http";

import next from "next";

import { appBaseUrl, env } from "../env";

import { clientAddress } from "./http/client-address";
import { HSTS_VALUE } from "./http/security-headers";
import { closeDatabase, markShuttingDown } from "./lifecycle";

// How long in-flight requests get to finish before the remaining connections are cut.
const DRAIN_TIMEOUT_MS = 15_000;

const trustedProxies = new Set(env.TRUSTED_PROXIES);
// Every response, whatever its path: the proxy (src/proxy.ts) gives it to pages only.
const hsts = new URL(appBaseUrl()).protocol === "https:";

function recordClientAddress(request: IncomingMessage): void {
  const address = clientAddress(request.socket.remoteAddress, request.headers["x-forwarded-for"], trustedProxies);
  if (address) request.headers["x-client-ip"] = address;
  else delete request.headers["x-client-ip"];
}

const app = next({ dev: false, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
const handle = app.getRequestHandler();
await app.prepare();

// Event streams (task.onChange) never end by themselves: draining cuts them, and their
// clients reconnect, to another instance.
const eventStreams = new Set<IncomingMessage>();

const server = createServer((request, response) => {
  recordClientAddress(request);
  if (request.headers.accept === "text/event-stream") {
    eventStreams.add(request);
    response.once("close", () => eventStreams.delete(request));
  }
  if (hsts) response.setHeader("strict-transport-security", HSTS_VALUE);
  void handle(request, response);
});
server.listen(env.PORT, env.HOST, () => {
  console.log(`Listening on http://${env.HOST}:${env.PORT}`);
});

let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  markShuttingDown();
  console.log(`${signal}: draining; closing the listener in ${env.SHUTDOWN_DELAY_MS} ms`);
  await new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_DELAY_MS));
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  for (const request of eventStreams) request.socket.destroy();
  const timeout = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
  await drained;
  clearTimeout(timeout);
  await closeDatabase();
  console.log("Stopped.");
  process.exit(0);
}

process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
