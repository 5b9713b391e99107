import "server-only";
import * as z from "zod";

import { EARLIEST_DATE, LATEST_DATE, type TaskSort } from "@/lib/validators/task";

/**
 * A position in one of the list's orders: the sort keys of the last item of the previous
 * page. Every order ends in (created_at, id), which makes positions unique; "due" and
 * "completedLast" put one more key in front.
 */
export type TaskCursor =
  | { sort: "newest"; createdAt: Date; id: string }
  | { sort: "due"; createdAt: Date; id: string; dueAt: Date | null }
  | { sort: "completedLast"; createdAt: Date; id: string; completed: boolean };

const datetime = z.iso.datetime();
const cursorPayload = z.union([
  z.tuple([datetime, z.uuid()]),
  z.tuple([datetime, z.uuid(), z.literal("due"), datetime.nullable()]),
  z.tuple([datetime, z.uuid(), z.literal("completedLast"), z.boolean()]),
]);

/** The cursor after `task` in the order `sort`. */
export function cursorAfter(
  sort: TaskSort,
  task: { createdAt: Date; id: string; dueAt: Date | null; completed: boolean },
): TaskCursor {
  const { createdAt, id } = task;
  if (sort === "due") return { sort, createdAt, id, dueAt: task.dueAt };
  if (sort === "completedLast") return { sort, createdAt, id, completed: task.completed };
  return { sort, createdAt, id };
}

/** Opaque to clients: base64url of JSON; a newest-first cursor is [createdAt, id], as it always was. */
export function encodeCursor(cursor: TaskCursor): string {
  const position = [cursor.createdAt.toISOString(), cursor.id];
  const payload =
    cursor.sort === "due"
      ? [...position, "due", cursor.dueAt?.toISOString() ?? null]
      : cursor.sort === "completedLast"
        ? [...position, "completedLast", cursor.completed]
        : position;
  return Buffer.from(JSON.stringify(payload)).toString("base64url");
}

const inRange = (date: Date) => date >= EARLIEST_DATE && date <= LATEST_DATE;

/** The cursor, if it is exactly what {@link encodeCursor} makes of times in the API's date range. */
export function decodeCursor(cursor: string): TaskCursor | null {
  try {
    const parsed = cursorPayload.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const [created, id, sort, key] = parsed.data;
    const createdAt = new Date(created);
    const decoded: TaskCursor =
      sort === "due"
        ? { sort, createdAt, id, dueAt: typeof key === "string" ? new Date(key) : null }
        : sort === "completedLast"
          ? { sort, createdAt, id, completed: key === true }
          : { sort: "newest", createdAt, id };
    if (!inRange(createdAt) || (decoded.sort === "due" && decoded.dueAt && !inRange(decoded.dueAt))) return null;
    return encodeCursor(decoded) === cursor ? decoded : null;
  } catch {
    return null;
  }
}

/** The `cursor` input of `task.list`: an earlier page's `nextCursor`, decoded. */
export const taskCursorSchema = z
  .string({ error: "Cursor must be text" })
  .max(300, { error: "Invalid cursor: pass the nextCursor of a previous page" })
  .transform((value, ctx) => {
    const cursor = decodeCursor(value);
    if (cursor) return cursor;
    ctx.addIssue({ code: "custom", message: "Invalid cursor: pass the nextCursor of a previous page" });
    return z.NEVER;
  });
