import type { HeaderValues, LoadGroup, RequestPlan } from "./load-protocol";

/** What the scenarios act with: the signed-up load users, in every form a scenario needs. */
export interface Identities {
  cookies: HeaderValues[];
  /** Null when the server has no JWT endpoint; `bearerUnavailable` says why. */
  bearers: HeaderValues[] | null;
  bearerUnavailable: string;
  tasks: { headers: HeaderValues; taskIds: string[] }[];
  credentials: { email: string; password: string }[];
}

/**
 * `small`: runs while the table holds the small number of tasks (the scale comparison);
 * `large`: after it has been filled to the full size.
 */
export type Phase = "small" | "large";

/** Which figure picks a scenario's median run: what its target is about. */
export type KeyFigure = "requestsPerSecond" | "p50" | "p99";

export interface Scenario {
  name: string;
  what: string;
  phase: Phase;
  key: KeyFigure;
  /** The group whose latency and rate the table shows (others run alongside as background). */
  primary: string;
  /** Why it cannot run against this server, or null. */
  unavailable(identities: Identities): string | null;
  groups(identities: Identities): LoadGroup[];
}

const LIST_PATH = "/api/trpc/task.list";

const listWithCookies = (identities: Identities): RequestPlan => ({
  kind: "get",
  path: LIST_PATH,
  identities: identities.cookies,
});

const available = () => null;

function pacedList(name: string, what: string, phase: Phase, key: KeyFigure, rate: number): Scenario {
  return {
    name,
    what,
    phase,
    key,
    primary: "list",
    unavailable: available,
    groups: (identities) => [{ name: "list", pacing: { kind: "paced", rate }, plan: listWithCookies(identities) }],
  };
}

const signInClients = (connections: number) => (identities: Identities): LoadGroup => ({
  name: "sign-in",
  pacing: { kind: "closed", connections },
  plan: { kind: "sign-in", credentials: identities.credentials },
});

/**
 * Load that is never measured, sent once before the first scenario: it lets the JIT compile
 * the server's hot paths, so the first scenario (the small-table half of the scale
 * comparison) does not measure a colder server than the rest.
 */
export const serverWarmup = (identities: Identities): LoadGroup[] => [
  { name: "warm-up", pacing: { kind: "closed", connections: 10 }, plan: listWithCookies(identities) },
];

/** Every scenario, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [
  pacedList("list-50/s-small", "task.list at 50 req/s, small table (scale baseline)", "small", "p50", 50),
  {
    name: "floor",
    what: "GET /api/health/live, 50 connections",
    phase: "large",
    key: "requestsPerSecond",
    primary: "floor",
    unavailable: available,
    groups: () => [
      { name: "floor", pacing: { kind: "closed", connections: 50 }, plan: { kind: "get", path: "/api/health/live", identities: [{}] } },
    ],
  },
  {
    name: "list",
    what: "task.list, cookie, 50 users on 50 connections",
    phase: "large",
    key: "requestsPerSecond",
    primary: "list",
    unavailable: available,
    groups: (identities) => [{ name: "list", pacing: { kind: "closed", connections: 50 }, plan: listWithCookies(identities) }],
  },
  {
    name: "list-jwt",
    what: "task.list, JWT bearer, 50 users on 50 connections",
    phase: "large",
    key: "requestsPerSecond",
    primary: "list",
    unavailable: (identities) => (identities.bearers ? null : identities.bearerUnavailable),
    groups: (identities) => [
      {
        name: "list",
        pacing: { kind: "closed", connections: 50 },
        plan: { kind: "get", path: LIST_PATH, identities: identities.bearers ?? [] },
      },
    ],
  },
  pacedList("list-100/s", "task.list at 100 req/s", "large", "p99", 100),
  pacedList("list-50/s", "task.list at 50 req/s, full table", "large", "p99", 50),
  {
    name: "mixed-100/s",
    what: "80% list, 15% update, 5% create at 100 req/s",
    phase: "large",
    key: "p99",
    primary: "mixed",
    unavailable: available,
    groups: (identities) => [
      {
        name: "mixed",
        pacing: { kind: "paced", rate: 100 },
        plan: {
          kind: "mix",
          parts: [
            { weight: 80, plan: listWithCookies(identities) },
            { weight: 15, plan: { kind: "update-task", identities: identities.tasks } },
            { weight: 5, plan: { kind: "create-task", identities: identities.cookies } },
          ],
        },
      },
    ],
  },
  {
    name: "sign-in-1",
    what: "POST /api/auth/sign-in/email, one client",
    phase: "large",
    key: "p50",
    primary: "sign-in",
    unavailable: available,
    groups: (identities) => [signInClients(1)(identities)],
  },
  {
    name: "sign-in-20",
    what: "sign-in, 20 concurrent clients",
    phase: "large",
    key: "requestsPerSecond",
    primary: "sign-in",
    unavailable: available,
    groups: (identities) => [signInClients(20)(identities)],
  },
  {
    name: "sign-in-20+list-50/s",
    what: "task.list at 50 req/s during the sign-in-20 load",
    phase: "large",
    key: "p99",
    primary: "list",
    unavailable: available,
    groups: (identities) => [
      signInClients(20)(identities),
      { name: "list", pacing: { kind: "paced", rate: 50 }, plan: listWithCookies(identities) },
    ],
  },
];
