import type { Task } from "@/client";

/** "YYYY-MM-DD" of a due date: due dates are calendar days stored as midnight UTC. */
export function formatDue(dueAt: Date | null): string {
  return dueAt ? dueAt.toISOString().slice(0, 10) : "";
}

/**
 * A due date given on the command line: "YYYY-MM-DD", a day that exists in the years
 * 0001–9999, as midnight UTC; or "none" to clear it.
 */
export function parseDue(value: string): Date | null {
  if (value === "none") return null;
  const date = /^(?!0000)\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : null;
  // Date rolls a day that does not exist over (2030-02-31 would be 2030-03-03): it must read back unchanged.
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`invalid --due: ${value} is not a date (YYYY-MM-DD)`);
  }
  return date;
}

export const shortId = (id: string) => id.slice(0, 8);

/** Tasks as an aligned table; overdue open tasks are marked. */
export function taskTable(tasks: readonly Task[], now = new Date()): string {
  if (tasks.length === 0) return "No tasks.";
  const today = now.toISOString().slice(0, 10);
  const rows = tasks.map((task) => {
    const due = formatDue(task.dueAt);
    const overdue = !task.completed && due !== "" && due < today;
    return [shortId(task.id), task.completed ? "[x]" : "[ ]", overdue ? `${due}!` : due, task.title];
  });
  const header = ["ID", "DONE", "DUE", "TITLE"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** A mistake in how the command was called: exit status 2. */
export class UsageError extends Error {}
