import type { LatencySummary } from "./load-protocol";

/** The nearest-rank percentile (0–100) of `sorted` (ascending); 0 for no values. */
export function percentile(sorted: readonly number[], rank: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    mean: sorted.length === 0 ? 0 : sum / sorted.length,
  };
}

/** The median element of `items` by `key` (the lower middle one for an even count). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error("medianBy: no items");
  return middle;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median, minimum and maximum of one figure across runs. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: medianBy(sorted, (value) => value), min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}
