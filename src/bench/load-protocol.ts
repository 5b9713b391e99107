/** Messages between the bench and its load generator process (Node IPC, plain JSON). */

export type HeaderValues = Record<string, string>;

/** What each connection sends; connection `i` acts as identity `i % identities.length`. */
export type RequestPlan =
  | { kind: "get"; path: string; identities: HeaderValues[] }
  | { kind: "update-task"; identities: { headers: HeaderValues; taskIds: string[] }[] }
  | { kind: "create-task"; identities: HeaderValues[] }
  | { kind: "sign-in"; credentials: { email: string; password: string }[] }
  /** Connection `i` follows the part that slot `i % (sum of weights)` falls in. */
  | { kind: "mix"; parts: { weight: number; plan: RequestPlan }[] };

/**
 * `closed`: each connection sends its next request as soon as the last one is answered
 * (throughput). `paced`: a fixed offered rate, spread evenly over the second.
 */
export type Pacing = { kind: "closed"; connections: number } | { kind: "paced"; rate: number };

export interface LoadGroup {
  name: string;
  pacing: Pacing;
  plan: RequestPlan;
}

export interface LoadCommand {
  id: number;
  baseUrl: string;
  /** Seconds; all groups run at the same time. */
  duration: number;
  /**
   * Instead of running for `duration`: every connection sends this many requests and waits
   * for each answer, so none is cut off when the run ends (counting queries needs that).
   * Paced groups then run closed, one connection per request per second of their rate.
   */
  requestsPerConnection?: number;
  groups: LoadGroup[];
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface GroupResult {
  name: string;
  /** Requests sent, including those still unanswered when the run ended. */
  sent: number;
  /** Responses received, whatever their status. */
  responses: number;
  /** Successful (2xx) responses per second of the run. */
  requestsPerSecond: number;
  /** Over every response, in milliseconds. */
  latencyMs: LatencySummary;
  statusCounts: Record<string, number>;
  /** Connection errors and timeouts: requests that got no response at all. */
  socketErrors: number;
  /** Non-2xx responses plus socket errors. */
  errors: number;
}

export interface LoadResult {
  id: number;
  groups: GroupResult[];
  /** CPU the load generator used during the command (user + system), in milliseconds. */
  cpuMs: number;
  wallMs: number;
}

export type LoadReply = { type: "result"; result: LoadResult } | { type: "error"; id: number; message: string };
