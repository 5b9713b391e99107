import "server-only";
import * as z from "zod";

import { EARLIEST_DATE, LATEST_DATE } from "@/lib/validators/task";

/** A position in the newest-first task order: the last item of the previous page. */
export interface TaskCursor {
  createdAt: Date;
  id: string;
}

const cursorPayload = z.tuple([z.iso.datetime(), z.uuid()]);

/** Opaque to clients: base64url of the last item's creation time and id. */
export function encodeCursor({ createdAt, id }: TaskCursor): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

/** The cursor, if it is exactly what {@link encodeCursor} makes of a time in the API's date range. */
export function decodeCursor(cursor: string): TaskCursor | null {
  try {
    const parsed = cursorPayload.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const decoded = { createdAt: new Date(parsed.data[0]), id: parsed.data[1] };
    if (!(decoded.createdAt >= EARLIEST_DATE && decoded.createdAt <= LATEST_DATE)) return null;
    return encodeCursor(decoded) === cursor ? decoded : null;
  } catch {
    return null;
  }
}

/** The `cursor` input of `task.list`: an earlier page's `nextCursor`, decoded. */
export const taskCursorSchema = z
  .string({ error: "Cursor must be text" })
  .max(200, { error: "Invalid cursor: pass the nextCursor of a previous page" })
  .transform((value, ctx) => {
    const cursor = decodeCursor(value);
    if (cursor) return cursor;
    ctx.addIssue({ code: "custom", message: "Invalid cursor: pass the nextCursor of a previous page" });
    return z.NEVER;
  });
