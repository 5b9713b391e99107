import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, expect, test } from "vitest";

import { call } from "./load";

// An instance killed mid-answer: the headers are out, then the connection drops.
const server = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
  response.write("{");
  setTimeout(() => response.socket?.destroy(), 50);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("an answer cut off after its headers ends the call as a reset, not a hang", async () => {
  const { port } = server.address() as AddressInfo;
  const outcome = await call(`http://127.0.0.1:${port}`, "", "/api/trpc/task.list");
  expect(outcome).toMatchObject({ path: "/api/trpc/task.list", error: "ECONNRESET" });
  expect(outcome.status).toBeUndefined();
});
