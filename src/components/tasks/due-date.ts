import { useSyncExternalStore } from "react";

/**
 * Due dates are calendar days. A day picked in the form is stored as midnight UTC of that
 * day and always read back in UTC, so it shows the same day in every time zone and the
 * server render matches the browser's.
 */

const DAY_KEY_LENGTH = "YYYY-MM-DD".length;

/**
 * The date inputs' bounds: the API's (years 1000–9999, see `EARLIEST_DATE` and `LATEST_DATE`
 * in src/lib/validators/task.ts), written out so the page does not load the validators.
 */
export const DUE_DATE_MIN = "1000-01-01";
export const DUE_DATE_MAX = "9999-12-31";

/** The date input's value ("" or "YYYY-MM-DD") as a due date. */
export function dueDateFromInput(value: string): Date | null {
  if (value === "") return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A due date as the date input's value. */
export function dueDateToInput(date: Date | null): string {
  return date ? date.toISOString().slice(0, DAY_KEY_LENGTH) : "";
}

const dueDateFormat = new Intl.DateTimeFormat("en", {
  weekday: "short",
  month: "short",
  day: "numeric",
  year: "numeric",
  timeZone: "UTC",
});

export function formatDueDate(date: Date): string {
  return dueDateFormat.format(date);
}

export type DueState = "overdue" | "today" | "upcoming";

/** Where a due date stands relative to `today` ("YYYY-MM-DD" in the person's time zone). */
export function dueState(dueAt: Date, today: string): DueState {
  const day = dueDateToInput(dueAt);
  if (day < today) return "overdue";
  return day === today ? "today" : "upcoming";
}

function localToday(): string {
  const now = new Date();
  const month = String(now.getMonth() + 1).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, "0");
  return `${now.getFullYear()}-${month}-${day}`;
}

// The server knows no time zone: it renders with the UTC date, and the browser switches to
// its own date right after hydrating (the two differ only near midnight).
function utcToday(): string {
  return new Date().toISOString().slice(0, DAY_KEY_LENGTH);
}

function subscribeToClock(onChange: () => void): () => void {
  const timer = setInterval(onChange, 60_000);
  return () => clearInterval(timer);
}

/** Today's date in the person's time zone, kept current across midnight. */
export function useToday(): string {
  return useSyncExternalStore(subscribeToClock, localToday, utcToday);
}
