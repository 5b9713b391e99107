import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import * as z from "zod";

import { cliConfig } from "./config";

const storedLogin = z.object({ url: z.url(), token: z.string().min(1), email: z.string() });
export type StoredLogin = z.infer<typeof storedLogin>;

const credentialsPath = () => join(cliConfig.configDir, "credentials.json");

/** The login saved by `tasks login`, or null when there is none (or it is unreadable). */
export function readLogin(): StoredLogin | null {
  try {
    const parsed = storedLogin.safeParse(JSON.parse(readFileSync(credentialsPath(), "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Saves a login readable by its owner only: the token is as good as the password for a session. */
export function writeLogin(login: StoredLogin): string {
  mkdirSync(cliConfig.configDir, { recursive: true, mode: 0o700 });
  const path = credentialsPath();
  writeFileSync(path, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an older file keeps its bits otherwise.
  chmodSync(path, 0o600);
  return path;
}

export function forgetLogin(): void {
  rmSync(credentialsPath(), { force: true });
}
