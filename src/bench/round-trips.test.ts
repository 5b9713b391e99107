import { execFileSync } from "node:child_process";

import postgres from "postgres";
import { expect, test } from "vitest";

import { readDatabaseWrites, sumDataSegments } from "./round-trips";

test("data segments are summed over the sockets of the given processes only", () => {
  const output = [
    '0      0      127.0.0.1:39520 127.0.0.1:5432 users:(("node",pid=12,fd=19))',
    "\t bbr wscale:10,10 rto:204 bytes_sent:471 segs_out:20 data_segs_out:13 data_segs_in:12",
    '0      0      127.0.0.1:39522 127.0.0.1:5432 users:(("node",pid=99,fd=20))',
    "\t bbr wscale:10,10 rto:204 segs_out:900 data_segs_out:700",
    '0      0      127.0.0.1:39524 127.0.0.1:5432 users:(("node",pid=12,fd=21),("node",pid=13,fd=21))',
    "\t bbr wscale:10,10 rto:204 segs_out:9 data_segs_out:5",
    "",
  ].join("\n");
  expect(sumDataSegments(output, new Set([12]))).toBe(18);
  expect(sumDataSegments(output, new Set([13, 99]))).toBe(705);
  expect(sumDataSegments(output, new Set([1]))).toBe(0);
});

const hasSs = (() => {
  try {
    execFileSync("ss", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const serverUrl = process.env.TEST_DATABASE_URL;

test.runIf(hasSs && serverUrl)("a pipelined batch is one round trip; awaited queries are one each", async () => {
  const sql = postgres(serverUrl!, { max: 1, onnotice: () => {} });
  try {
    // Connected, and the statement described (a statement's first run takes one more round trip).
    await sql`select ${0}::int`;
    const port = Number(new URL(serverUrl!).port || 5432);
    const count = () => readDatabaseWrites([process.pid], port)!;
    let before = count();
    for (let index = 0; index < 5; index++) await sql`select ${index}::int`;
    expect(count() - before).toBe(5);
    before = count();
    await Promise.all(Array.from({ length: 5 }, (_, index) => sql`select ${index}::int`));
    expect(count() - before).toBe(1);
  } finally {
    await sql.end();
  }
});
