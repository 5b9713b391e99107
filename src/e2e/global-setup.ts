import { existsSync } from "node:fs";

import type { TestProject } from "vitest/node";

import { ensureProductionBuild, startProductionServer } from "@/test/production-server";

import { CHROMIUM_PATH, INSTALL_CHROMIUM } from "./chromium";

declare module "vitest" {
  export interface ProvidedContext {
    /** The production server under test, or null when Chromium is missing (tests skip). */
    e2eBaseUrl: string | null;
    /** The PostgreSQL server (TEST_DATABASE_URL) for tests of several instances, or null (they skip). */
    e2ePostgresUrl: string | null;
  }
}

/**
 * Serves the production build (rebuilt first if missing or older than the sources) on a
 * free port over a fresh PGlite directory. Without Chromium nothing is built or started,
 * and every browser test reports itself skipped with the command that installs it.
 */
export default async function setup(project: TestProject) {
  project.provide("e2ePostgresUrl", process.env.TEST_DATABASE_URL ?? null);
  if (!existsSync(CHROMIUM_PATH)) {
    project.provide("e2eBaseUrl", null);
    // Said at the end of the run, next to the summary that counts the skipped tests.
    return () => console.warn(`\nBrowser tests skipped: ${CHROMIUM_PATH} not found. Install it with:\n  ${INSTALL_CHROMIUM}\n`);
  }

  await ensureProductionBuild((message) => console.log(`Browser tests: ${message}`));
  // One address signs up every person of every browser test: the production limit (20 an
  // hour per address) would refuse the later ones. The limits are tested by the server project.
  const server = await startProductionServer({ env: { RATE_LIMIT_MULTIPLIER: "10" } });
  project.provide("e2eBaseUrl", server.baseUrl);
  return () => server.stop();
}
