import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The CLI's own settings, read once here (the CLI is a separate program from the app and
 * does not load the app's src/env.ts).
 */
export const cliConfig = {
  /** `TASKS_URL`: the app's base URL, when `--url` is not given. */
  url: process.env.TASKS_URL || undefined,
  /** `TASKS_TOKEN`: a bearer token to use instead of the stored one (CI, scripts). */
  token: process.env.TASKS_TOKEN || undefined,
  /** Where the stored login lives: `TASKS_CONFIG_DIR`, else `$XDG_CONFIG_HOME/tasks`, else ~/.config/tasks. */
  configDir:
    process.env.TASKS_CONFIG_DIR ||
    join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "tasks"),
};

export const DEFAULT_URL = "http://localhost:3000";
