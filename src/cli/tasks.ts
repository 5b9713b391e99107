/**
 * `npm run tasks -- <command>`: the task API from a terminal, on the typed client.
 * Exit status: 0 done, 1 failed (one line on stderr says why), 2 wrong usage.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";

import { TRPCClientError } from "@trpc/client";

import { AuthRequestError, createTaskClient, signIn, signOut, type AppRouter, type TaskChange, type TaskClient } from "@/client";

import { cliConfig, DEFAULT_URL } from "./config";
import { forgetLogin, readLogin, writeLogin } from "./credentials";
import { formatDue, parseDue, shortId, taskTable, UsageError } from "./output";

const USAGE = `Usage: tasks <command> [options]

Commands:
  login [--email <email>] [--password-stdin] [--code <code>]
                                                sign in and remember the session; --code: the
                                                two-factor code (asked for when it is needed)
  logout                                        sign out and forget the session
  list [--status all|active|completed] [--search <text>] [--limit <n>]
  add <title> [--notes <text>] [--due YYYY-MM-DD]
  done <id> [--undo]                            mark a task done (or open again)
  edit <id> [--title <text>] [--notes <text>] [--due YYYY-MM-DD|none]
  rm <id>
  watch                                         print changes to your tasks as they happen (Ctrl-C stops)

<id> is a task id or a unique prefix of one (list shows the first 8 characters).

Options:
  --url <url>   the app (default: $TASKS_URL, else where you logged in, else ${DEFAULT_URL})
  --json        machine-readable output
  -h, --help    this help

A token in $TASKS_TOKEN (a bearer session token or a JWT) is used instead of the stored login.`;

const options = {
  url: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  email: { type: "string" },
  "password-stdin": { type: "boolean", default: false },
  code: { type: "string" },
  status: { type: "string" },
  search: { type: "string" },
  limit: { type: "string" },
  notes: { type: "string" },
  due: { type: "string" },
  title: { type: "string" },
  undo: { type: "boolean", default: false },
} satisfies ParseArgsConfig["options"];

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

interface Session {
  url: string;
  client: TaskClient;
  /** Where the token came from, for an error message that says what to do. */
  source: "TASKS_TOKEN" | "login";
}

class NotSignedIn extends Error {
  constructor() {
    super("not signed in: run `tasks login`");
  }
}

function baseUrl(flags: Flags): string {
  return flags.url ?? cliConfig.url ?? readLogin()?.url ?? DEFAULT_URL;
}

function session(flags: Flags): Session {
  const url = baseUrl(flags);
  if (cliConfig.token) return { url, client: createTaskClient({ baseUrl: url, token: cliConfig.token }), source: "TASKS_TOKEN" };
  const login = readLogin();
  if (!login) throw new NotSignedIn();
  return { url, client: createTaskClient({ baseUrl: url, token: login.token }), source: "login" };
}

function print(flags: Flags, human: string, data: unknown): void {
  console.log(flags.json ? JSON.stringify(data, null, 2) : human);
}

function argument(positionals: string[], index: number, name: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(`missing <${name}>`);
  return value;
}

/** A full task id, from a full id or a unique prefix of one. */
async function resolveId(client: TaskClient, idOrPrefix: string): Promise<string> {
  const prefix = idOrPrefix.toLowerCase();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(prefix)) return prefix;
  if (!/^[0-9a-f-]{4,}$/.test(prefix)) throw new UsageError(`"${idOrPrefix}" is not a task id (give at least 4 characters of one)`);
  const matches: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<TaskClient["task"]["list"]["query"]>> = await client.task.list.query({ limit: 100, cursor });
    matches.push(...page.items.map((task) => task.id).filter((id) => id.startsWith(prefix)));
    cursor = page.nextCursor;
  } while (cursor && matches.length < 2);
  if (matches.length === 0) throw new Error(`no task with an id starting "${idOrPrefix}"`);
  if (matches.length > 1) throw new Error(`"${idOrPrefix}" matches more than one task: give more of the id`);
  return matches[0]!;
}

async function readPassword(flags: Flags): Promise<string> {
  if (flags["password-stdin"] || !process.stdin.isTTY) {
    let input = "";
    for await (const chunk of process.stdin) input += String(chunk);
    return input.replace(/\r?\n$/, "");
  }
  return promptHidden("Password: ");
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (settle: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      settle();
    };
    function onData(chunk: string) {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return finish(() => resolve(value));
        if (char === "\u0003") return finish(() => reject(new UsageError("cancelled")));
        value = char === "\u007f" || char === "\b" ? value.slice(0, -1) : value + char;
      }
    }
    stdin.on("data", onData);
  });
}

/** The two-factor code: --code, else asked for on the terminal. */
async function readCode(flags: Flags): Promise<string> {
  if (flags.code) return flags.code;
  if (!process.stdin.isTTY) throw new UsageError("this account uses two-factor sign-in: give --code");
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question("Code from your authenticator app (or a backup code): ")).trim();
  } finally {
    prompt.close();
  }
}

async function readEmail(flags: Flags): Promise<string> {
  if (flags.email) return flags.email;
  if (!process.stdin.isTTY) throw new UsageError("give --email when the password comes from stdin");
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question("Email: ")).trim();
  } finally {
    prompt.close();
  }
}

const commands: Record<string, (flags: Flags, positionals: string[]) => Promise<void>> = {
  async login(flags) {
    const url = baseUrl(flags);
    const email = await readEmail(flags);
    const password = await readPassword(flags);
    let askedForCode = false;
    const secondFactor = () => {
      askedForCode = true;
      return readCode(flags);
    };
    const token = await signIn({ baseUrl: url, email, password, secondFactor }).catch((error: unknown) => {
      // Past the password, a refusal is about the code.
      if (askedForCode && error instanceof AuthRequestError && error.status === 401) throw new Error("wrong two-factor code, or a backup code already used");
      throw error;
    });
    const path = writeLogin({ url, token, email });
    print(flags, `Signed in to ${url} as ${email}. Session saved in ${path}.`, { url, email });
  },

  async logout(flags) {
    const login = readLogin();
    if (login) {
      try {
        await signOut({ baseUrl: login.url, token: login.token });
      } finally {
        // Forget the token even if the server cannot be told: it is useless to keep.
        forgetLogin();
      }
    }
    print(flags, login ? "Signed out." : "Not signed in.", { signedOut: Boolean(login) });
  },

  async list(flags) {
    const { client } = session(flags);
    const status = flags.status ?? "all";
    if (status !== "all" && status !== "active" && status !== "completed") {
      throw new UsageError(`--status must be all, active or completed, not "${status}"`);
    }
    const limit = flags.limit === undefined ? undefined : Number(flags.limit);
    const { items, nextCursor } = await client.task.list.query({ status, search: flags.search, limit });
    const more = nextCursor ? `\n(more tasks: raise --limit or narrow with --search)` : "";
    print(flags, `${taskTable(items)}${more}`, { items, nextCursor });
  },

  async add(flags, positionals) {
    const title = argument(positionals, 0, "title");
    // Usage is checked before anything is sent, so a mistyped date stores nothing.
    const dueAt = flags.due === undefined ? undefined : parseDue(flags.due);
    const { client } = session(flags);
    const task = await client.task.create.mutate({ title, description: flags.notes, dueAt });
    print(flags, `Added ${shortId(task.id)}  ${task.title}${task.dueAt ? ` (due ${formatDue(task.dueAt)})` : ""}`, task);
  },

  async done(flags, positionals) {
    const { client } = session(flags);
    const id = await resolveId(client, argument(positionals, 0, "id"));
    const task = await client.task.update.mutate({ id, completed: !flags.undo });
    print(flags, `${task.completed ? "Done" : "Open again"}: ${shortId(task.id)}  ${task.title}`, task);
  },

  async edit(flags, positionals) {
    if (flags.title === undefined && flags.notes === undefined && flags.due === undefined) {
      throw new UsageError("nothing to change: give --title, --notes or --due");
    }
    const dueAt = flags.due === undefined ? undefined : parseDue(flags.due);
    const { client } = session(flags);
    const id = await resolveId(client, argument(positionals, 0, "id"));
    const task = await client.task.update.mutate({ id, title: flags.title, description: flags.notes, dueAt });
    print(flags, `Updated ${shortId(task.id)}  ${task.title}`, task);
  },

  async rm(flags, positionals) {
    const { client } = session(flags);
    const id = await resolveId(client, argument(positionals, 0, "id"));
    await client.task.delete.mutate({ id });
    print(flags, `Deleted ${shortId(id)}`, { id });
  },

  async watch(flags) {
    const { client } = session(flags);
    let printing = Promise.resolve();
    let heard = false;
    await new Promise<void>((resolve, reject) => {
      const subscription = client.task.onChange.subscribe(undefined, {
        onData(change) {
          const reconnected = heard;
          heard = true;
          // In arrival order, though each line may wait for a title.
          printing = printing.then(() => printChange(flags, client, change, reconnected));
        },
        onConnectionStateChange(state) {
          if (state.state === "connecting" && heard) console.error("tasks: connection lost; reconnecting…");
        },
        onError(error) {
          subscription.unsubscribe();
          reject(error);
        },
      });
      process.once("SIGINT", () => {
        subscription.unsubscribe();
        resolve();
      });
    });
    await printing;
  },
};

/** One line per change; the title is read through the API, as any view would. */
async function printChange(flags: Flags, client: TaskClient, change: TaskChange, reconnected: boolean): Promise<void> {
  if (change.kind === "resync") {
    console.error(
      reconnected
        ? "tasks: reconnected; changes made meanwhile are not listed (`tasks list` shows the tasks now)"
        : "Watching your tasks for changes (Ctrl-C stops).",
    );
    return;
  }
  const title = change.kind === "deleted" ? null : await client.task.byId.query({ id: change.taskId }).then((task) => task.title, () => null);
  if (flags.json) console.log(JSON.stringify({ ...change, title }));
  else console.log(`${change.kind.padEnd(8)}${shortId(change.taskId)}${title === null ? "" : `  ${title}`}`);
}

/** One line a person can act on, for any failure. */
function describeFailure(error: unknown, flags: Flags): string {
  if (error instanceof TRPCClientError) {
    const code = (error as TRPCClientError<AppRouter>).data?.code;
    if (code === "UNAUTHORIZED") {
      return cliConfig.token
        ? "TASKS_TOKEN was refused (expired, signed out or not a token of this app)"
        : "not signed in (the session has ended): run `tasks login`";
    }
    if (code === undefined && isConnectionFailure(error)) return `cannot reach ${baseUrl(flags)}: is the app running?`;
    return error.message;
  }
  if (error instanceof AuthRequestError) {
    return error.status === 401 ? "wrong email or password" : `sign-in failed: ${error.message}`;
  }
  if (isConnectionFailure(error)) return `cannot reach ${baseUrl(flags)}: is the app running?`;
  return error instanceof Error ? error.message : String(error);
}

function isConnectionFailure(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current.message === "fetch failed" || (current as { code?: string }).code === "ECONNREFUSED") return true;
  }
  return false;
}

async function main(argv: string[]): Promise<number> {
  let flags: Flags;
  let positionals: string[];
  try {
    ({ values: flags, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  } catch (error) {
    console.error(`tasks: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const [name, ...rest] = positionals;
  if (flags.help || !name) {
    console.log(USAGE);
    return flags.help ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`tasks: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await command(flags, rest);
    return 0;
  } catch (error) {
    console.error(`tasks: ${describeFailure(error, flags)}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
