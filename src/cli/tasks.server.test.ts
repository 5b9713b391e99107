import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, expect, inject, test, vi } from "vitest";

import { freePort, signUpOverHttp, startProductionServer, type ProductionServer } from "@/test/production-server";

/** The CLI end to end: a real process against the production server. */

let server: ProductionServer;
let account: Awaited<ReturnType<typeof signUpOverHttp>>;
let configDir: string;

beforeAll(async () => {
  server = await startProductionServer({ postgresUrl: inject("serverTestPostgresUrl") });
  account = await signUpOverHttp(server.baseUrl);
  configDir = mkdtempSync(join(tmpdir(), "tasks-cli-"));
});

afterAll(async () => {
  await server.stop();
  rmSync(configDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tasks(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/tasks.ts", ...args], {
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "",
      HOME: configDir,
      TASKS_URL: server.baseUrl,
      TASKS_CONFIG_DIR: configDir,
      ...options.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? "");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

// The tests run in order and share one login: the production server allows 3 sign-ins
// per 10 s from one address.

test("without a login every command says how to sign in, and fails", async () => {
  const run = await tasks(["list"]);
  expect(run).toMatchObject({ code: 1, stdout: "" });
  expect(run.stderr.trim()).toBe("tasks: not signed in: run `tasks login`");
});

test("a wrong password is one clear line and no stored login", async () => {
  const run = await tasks(["login", "--email", account.email, "--password-stdin"], { stdin: "not the password\n" });
  expect(run.code).toBe(1);
  expect(run.stderr.trim()).toBe("tasks: wrong email or password");
});

test("login stores the session readable by its owner only", async () => {
  const run = await tasks(["login", "--email", account.email, "--password-stdin"], { stdin: `${account.password}\n` });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`Signed in to ${server.baseUrl} as ${account.email}`);
  const path = join(configDir, "credentials.json");
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ url: server.baseUrl, email: account.email, token: expect.any(String) });
});

test("add, list, done, edit and rm work end to end, by id prefix", async () => {
  const added = await tasks(["add", "Buy milk", "--due", "2030-01-02", "--notes", "2 litres", "--json"]);
  expect(added.code).toBe(0);
  const task = JSON.parse(added.stdout) as { id: string; title: string; dueAt: string };
  expect(task).toMatchObject({ title: "Buy milk", dueAt: "2030-01-02T00:00:00.000Z" });
  expect((await tasks(["add", "Walk the dog"])).stdout).toMatch(/^Added [0-9a-f]{8} {2}Walk the dog/);

  const table = await tasks(["list"]);
  expect(table.stdout).toMatch(/ID\s+DONE\s+DUE\s+TITLE/);
  expect(table.stdout).toMatch(new RegExp(`${task.id.slice(0, 8)}\\s+\\[ \\]\\s+2030-01-02\\s+Buy milk`));

  expect((await tasks(["done", task.id.slice(0, 8)])).stdout).toContain("Done:");
  const completed = JSON.parse((await tasks(["list", "--status", "completed", "--json"])).stdout) as { items: { id: string }[] };
  expect(completed.items.map((item) => item.id)).toEqual([task.id]);

  const edited = JSON.parse((await tasks(["edit", task.id, "--title", "Buy oat milk", "--due", "none", "--json"])).stdout);
  expect(edited).toMatchObject({ title: "Buy oat milk", dueAt: null, completed: true });

  expect((await tasks(["rm", task.id.slice(0, 6)])).stdout).toContain(`Deleted ${task.id.slice(0, 8)}`);
  const again = await tasks(["rm", task.id]);
  expect(again.code).toBe(1);
  expect(again.stderr.trim()).toBe("tasks: Task not found.");
});

test("bad input is refused with the API's message and exit 1; bad usage exits 2", async () => {
  const long = await tasks(["add", "x".repeat(201)]);
  expect(long.code).toBe(1);
  expect(long.stderr).toContain("Title must be at most 200 characters");
  expect((await tasks(["add", "ok", "--due", "next week"])).code).toBe(2);
  expect((await tasks(["frobnicate"])).code).toBe(2);
  expect((await tasks(["list", "--status", "finished"])).code).toBe(2);
});

test("an impossible --due (2030-02-31) exits 2 with a clear message and stores nothing, instead of 2030-03-03", async () => {
  const run = await tasks(["add", "Impossible day", "--due", "2030-02-31"]);
  expect(run).toMatchObject({ code: 2, stdout: "" });
  expect(run.stderr.trim()).toBe("tasks: invalid --due: 2030-02-31 is not a date (YYYY-MM-DD)");
  expect((await tasks(["add", "Year zero", "--due", "0000-01-01"])).code).toBe(2);
  const list = await tasks(["list", "--json"]);
  expect(list.code).toBe(0);
  const { items } = JSON.parse(list.stdout) as { items: { title: string }[] };
  const titles = items.map((item) => item.title);
  expect(titles).not.toContain("Impossible day");
  expect(titles).not.toContain("Year zero");
});

test("logout revokes the session on the server and forgets it", async () => {
  const { token } = JSON.parse(readFileSync(join(configDir, "credentials.json"), "utf8")) as { token: string };
  expect((await tasks(["logout"])).stdout.trim()).toBe("Signed out.");
  expect((await tasks(["list"])).stderr.trim()).toBe("tasks: not signed in: run `tasks login`");
  const stale = await tasks(["list"], { env: { TASKS_TOKEN: token } });
  expect(stale.code).toBe(1);
  expect(stale.stderr.trim()).toBe("tasks: TASKS_TOKEN was refused (expired, signed out or not a token of this app)");
});

test("TASKS_TOKEN works without a stored login", async () => {
  const token = (await signUpOverHttp(server.baseUrl)).token;
  expect(token).toBeTruthy();
  const run = await tasks(["list", "--json"], { env: { TASKS_TOKEN: token! } });
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ items: [], nextCursor: null });
});

test("a server that is not running is one clear line", async () => {
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  const run = await tasks(["list"], { env: { TASKS_URL: deadUrl, TASKS_TOKEN: "anything" } });
  expect(run.code).toBe(1);
  expect(run.stderr.trim()).toBe(`tasks: cannot reach ${deadUrl}: is the app running?`);
});

test("login asks for the two-factor code when the account has one: --code gives it, a wrong one is one clear line", async () => {
  const { email, password, cookie } = await signUpOverHttp(server.baseUrl);
  const headers = { "content-type": "application/json", origin: server.baseUrl, cookie };
  const enabled = await fetch(`${server.baseUrl}/api/auth/two-factor/enable`, { method: "POST", headers, body: JSON.stringify({ password }) });
  const totp = OTPAuth.URI.parse(((await enabled.json()) as { totpURI: string }).totpURI) as OTPAuth.TOTP;
  await fetch(`${server.baseUrl}/api/auth/two-factor/verify-totp`, { method: "POST", headers, body: JSON.stringify({ code: totp.generate() }) });

  const login = (extra: string[]) => tasks(["login", "--email", email, "--password-stdin", ...extra], { stdin: `${password}\n` });
  const withoutCode = await login([]);
  expect(withoutCode.code).toBe(2);
  expect(withoutCode.stderr).toContain("this account uses two-factor sign-in: give --code");
  const wrong = await login(["--code", "000000"]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr.trim()).toBe("tasks: wrong two-factor code, or a backup code already used");
  const right = await login(["--code", totp.generate()]);
  expect(right.code).toBe(0);
  expect(right.stdout).toContain(`as ${email}`);
  expect((await tasks(["list", "--json"])).code).toBe(0);
}, 90_000);

test("watch prints each change to the user's tasks as it happens, and stops on Ctrl-C", { timeout: 120_000 }, async () => {
  const { token } = await signUpOverHttp(server.baseUrl);
  const env = { TASKS_TOKEN: token! };
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/tasks.ts", "watch"], {
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: configDir, TASKS_URL: server.baseUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await vi.waitFor(() => expect(stderr).toContain("Watching your tasks for changes"), { timeout: 30_000 });

  const added = JSON.parse((await tasks(["add", "Watched task", "--json"], { env })).stdout) as { id: string };
  // One at a time: each line reads the task's title, which a quick delete would take away.
  const lines = (count: number) => vi.waitFor(() => expect(stdout.trim().split("\n")).toHaveLength(count), { timeout: 5_000 });
  await lines(1);
  await tasks(["done", added.id], { env });
  await lines(2);
  await tasks(["rm", added.id], { env });
  await lines(3);
  child.kill("SIGINT");

  expect(await exited).toBe(0);
  const short = added.id.slice(0, 8);
  expect(stdout.trim().split("\n").map((line) => line.replace(/\s+/g, " "))).toEqual([
    `created ${short} Watched task`,
    `updated ${short} Watched task`,
    `deleted ${short}`,
  ]);
});
