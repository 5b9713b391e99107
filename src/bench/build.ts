import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import type { Cleanup } from "./cleanup";
import { stopChild } from "./processes";

// Everything `next build` compiles into the server; bench code, tests and docs are not.
const BUILD_INPUTS = ["src", "drizzle", "next.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];
const NOT_BUILT = /(^|\/)(bench|test|e2e)(\/|$)|\.test\.tsx?$/;

/** Newest modification time under `relativePath` (relative to `root`), skipping what is not built. */
function newestMtimeMs(root: string, relativePath: string): number {
  const path = join(root, relativePath);
  if (NOT_BUILT.test(relativePath) || !existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtimeMs(root, join(relativePath, entry))));
}

/** Why the production build is stale, or null if `.next` was built after every input changed. */
export function staleBuildReason(root: string): string | null {
  const buildId = join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "no production build yet";
  const builtAt = statSync(buildId).mtimeMs;
  const changedAt = Math.max(...BUILD_INPUTS.map((input) => newestMtimeMs(root, input)));
  return changedAt > builtAt ? "sources changed since the last build" : null;
}

/** Builds the app unless `.next` is up to date, so a run never measures stale code. */
export async function ensureFreshBuild(root: string, cleanup: Cleanup): Promise<void> {
  const reason = staleBuildReason(root);
  if (!reason) return;
  console.log(`bench: building (${reason}) …`);
  const build = spawn(join(root, "node_modules", ".bin", "next"), ["build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  cleanup.defer("stop next build", () => stopChild(build));
  const code = await new Promise<number | null>((resolve, reject) => {
    build.once("error", reject);
    build.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`next build failed (exit code ${code})`);
}
