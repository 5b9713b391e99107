import { parseArgs } from "node:util";

export const PROFILE_DIR = "bench-results/profiles";

export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export type DatabaseMode =
  | { kind: "private-pg" }
  | { kind: "server"; url: string }
  | { kind: "pglite" };

export interface BenchOptions {
  database: DatabaseMode;
  /** Seconds per measured run. */
  duration: number;
  /** Seconds of unmeasured load before a scenario's runs, so they meet a warm server. */
  warmup: number;
  /** Seconds of unmeasured load before the first scenario. */
  serverWarmup: number;
  /** Measured runs per scenario; the table shows the median run. */
  runs: number;
  /** Background users inserted with SQL. */
  users: number;
  /** Tasks in the table for every scenario but `scale-small`. */
  tasks: number;
  /** Tasks in the table while `scale-small` runs. */
  smallTableTasks: number;
  /** Users signed up over HTTP who generate the load. */
  loadUsers: number;
  /** Tasks each load user owns (a full first page). */
  tasksPerLoadUser: number;
  /** Run only these scenarios (all when empty). */
  only: string[];
  short: boolean;
  /** Write a V8 CPU profile of the server to this directory when it stops. */
  cpuProfileDir: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

Measures the production build under load and prints a table (full figures: bench-results/).

Database (one of):
  --private-pg       a private PostgreSQL server started for the run, with pg_stat_statements
                     (default; used unless BENCH_DATABASE_URL is set)
  --server           a fresh database on the PostgreSQL server at BENCH_DATABASE_URL
                     (default ${DEFAULT_SERVER_URL}); setting
                     BENCH_DATABASE_URL alone also selects it
  --pglite           a fresh embedded PGlite directory

Scale:
  --duration <s>     seconds per measured run (default 5)
  --runs <n>         measured runs per scenario, at least 1 (default 3)
  --users <n>        background users (default 10000)
  --tasks <n>        tasks in the table (default 1000000)
  --only <a,b>       run only these scenarios
  --short            CI smoke mode: small seed, 2 s runs, 1 run each; asserts only zero errors
  --cpu-prof         profile the server (open the .cpuprofile in Chrome DevTools or speedscope);
                     written to bench-results/profiles/ when the run ends
  --help`;

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${value}"`);
  return number;
}

/** Parses the command line; `null` means help was asked for. */
export function parseOptions(argv: string[], env: { BENCH_DATABASE_URL?: string | undefined }): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      "private-pg": { type: "boolean" },
      server: { type: "boolean" },
      pglite: { type: "boolean" },
      duration: { type: "string" },
      runs: { type: "string" },
      users: { type: "string" },
      tasks: { type: "string" },
      only: { type: "string" },
      short: { type: "boolean" },
      "cpu-prof": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return null;

  const chosen = [values["private-pg"], values.server, values.pglite].filter(Boolean).length;
  if (chosen > 1) throw new Error("choose one of --private-pg, --server and --pglite");
  const serverUrl = env.BENCH_DATABASE_URL || DEFAULT_SERVER_URL;
  const database: DatabaseMode = values.pglite
    ? { kind: "pglite" }
    : values.server || (!values["private-pg"] && env.BENCH_DATABASE_URL)
      ? { kind: "server", url: serverUrl }
      : { kind: "private-pg" };

  const short = values.short ?? false;
  const users = positiveInteger("users", values.users, short ? 200 : 10_000);
  const tasks = positiveInteger("tasks", values.tasks, short ? 20_000 : 1_000_000);
  const loadUsers = short ? 5 : 50;
  const tasksPerLoadUser = 50;
  if (tasks < loadUsers * tasksPerLoadUser) {
    throw new Error(`--tasks must be at least ${loadUsers * tasksPerLoadUser}: the load users own that many`);
  }
  const duration = positiveInteger("duration", values.duration, short ? 2 : 5);
  return {
    database,
    duration,
    warmup: 1,
    serverWarmup: short ? 2 : 5,
    runs: positiveInteger("runs", values.runs, short ? 1 : 3),
    users,
    tasks,
    smallTableTasks: Math.min(10_000, tasks),
    loadUsers,
    tasksPerLoadUser,
    only: values.only ? values.only.split(",").map((name) => name.trim()).filter(Boolean) : [],
    short,
    cpuProfileDir: values["cpu-prof"] ? PROFILE_DIR : null,
  };
}
