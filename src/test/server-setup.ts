import type { TestProject } from "vitest/node";

import { ensureProductionBuild } from "./production-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL server that production-server tests create their database on, or null for PGlite. */
    serverTestPostgresUrl: string | null;
  }
}

/** Tests of the production server need a build of the current sources. */
export default async function setup(project: TestProject) {
  await ensureProductionBuild();
  project.provide("serverTestPostgresUrl", process.env.TEST_DATABASE_URL ?? null);
}
