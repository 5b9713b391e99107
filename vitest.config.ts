import { fileURLToPath } from "node:url";

import { configDefaults, defineConfig } from "vitest/config";
import type { InlineConfig } from "vitest/node";

const src = fileURLToPath(new URL("./src", import.meta.url));

// The unit and server projects run the same way; only what they include and set up differs.
const nodeTests = {
  environment: "node",
  setupFiles: ["src/test/setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  env: { NODE_ENV: "test" },
} satisfies InlineConfig;

export default defineConfig({
  resolve: {
    alias: {
      "@": src,
      "server-only": `${src}/test/empty-module.ts`,
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "src/e2e/**", "src/**/*.server.test.ts"],
          // Tests of one file share a database; files run in parallel, each with its own.
          globalSetup: ["src/test/global-setup.ts"],
          ...nodeTests,
        },
      },
      {
        extends: true,
        test: {
          name: "server",
          // Tests that start the production server (src/test/production-server.ts).
          include: ["src/**/*.server.test.ts"],
          // Builds the app if the build is missing or older than the sources.
          globalSetup: ["src/test/server-setup.ts"],
          ...nodeTests,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["src/e2e/**/*.test.ts"],
          environment: "node",
          // Builds the app if the build is missing or older than the sources, then serves it.
          globalSetup: ["src/e2e/global-setup.ts"],
          // One production server and one browser at a time: parallel files would only
          // fight over two cores and make timings flaky.
          fileParallelism: false,
          // And only once the other projects are done: their servers and builds running
          // beside a browser made a sign-up miss its 30 s wait in CI.
          sequence: { groupOrder: 1 },
          testTimeout: 90_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
