import { createServer, type Socket } from "node:net";

import { sql } from "drizzle-orm";
import { afterEach, expect, test } from "vitest";

import { connectPostgres } from "./client";

/**
 * A pooler that accepts the login and then refuses the first query, as PgBouncer does for
 * `server_login_retry` after a database restart ("server login has been failing"): the
 * query fails, and nothing else does. (postgres.js's own array-type lookup on a new
 * connection used to get that error, as an unhandled rejection; found by `npm run cluster`.)
 */

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const int32 = (value: number) => Buffer.from([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
const fields = (entries: [string, string][]) => Buffer.concat([...entries.map(([code, text]) => Buffer.from(`${code}${text}\0`)), Buffer.from([0])]);

const sockets = new Set<Socket>();
const server = createServer((socket) => {
  sockets.add(socket);
  let startupSeen = false;
  socket.on("data", () => {
    if (!startupSeen) {
      startupSeen = true;
      // AuthenticationOk, then ReadyForQuery (idle).
      socket.write(Buffer.concat([message("R", int32(0)), message("Z", Buffer.from("I"))]));
      return;
    }
    socket.end(message("E", fields([["S", "FATAL"], ["V", "FATAL"], ["C", "08P01"], ["M", "server login has been failing, try again later (server_login_retry)"]])));
  });
});

afterEach(() => {
  for (const socket of sockets) socket.destroy();
  server.close();
});

test("a query the pooler refuses after login fails that query, with no unhandled rejection", async () => {
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  const handle = connectPostgres(`postgres://tasks@127.0.0.1:${port}/tasks`, { max: 1 });
  try {
    await expect(handle.db.execute(sql`select 1`)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await handle.close();
  }
});
