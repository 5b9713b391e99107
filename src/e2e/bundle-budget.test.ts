import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { expect, inject, test } from "vitest";

import { CHROMIUM_PATH, INSTALL_CHROMIUM } from "./chromium";

// The budget, in the unit `next build` used to print (gzip, 1 kB = 1000 bytes).
const FIRST_LOAD_BUDGET_BYTES = 200_000;

interface RouteBundleStats {
  route: string;
  firstLoadUncompressedJsBytes: number;
  firstLoadChunkPaths: string[];
}

test("the task page's first-load JavaScript stays under 200 kB", async ({ skip, annotate }) => {
  // The browser tests' setup makes sure the build is current; without Chromium there is none.
  if (!inject("e2eBaseUrl")) return skip(`needs the build the browser tests make; install Chromium with: ${INSTALL_CHROMIUM} (${CHROMIUM_PATH})`);

  // Next.js 16 no longer prints First Load JS; it writes the chunk list of each route here.
  const stats = JSON.parse(readFileSync(join(process.cwd(), ".next", "diagnostics", "route-bundle-stats.json"), "utf8")) as RouteBundleStats[];
  const tasks = stats.find((row) => row.route === "/tasks");
  expect(tasks, "/tasks in route-bundle-stats.json").toBeDefined();
  const gzipBytes = (tasks?.firstLoadChunkPaths ?? []).reduce(
    (sum, path) => sum + gzipSync(readFileSync(join(process.cwd(), path)), { level: 9 }).length,
    0,
  );
  await annotate(
    `/tasks first-load JS: ${(gzipBytes / 1000).toFixed(1)} kB gzip (${((tasks?.firstLoadUncompressedJsBytes ?? 0) / 1000).toFixed(1)} kB uncompressed)`,
  );
  expect(gzipBytes).toBeGreaterThan(0);
  expect(gzipBytes).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);
});
