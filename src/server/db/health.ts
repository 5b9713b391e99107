import "server-only";
import { sql } from "drizzle-orm";

import { withDeadline } from "@/server/deadline";

import { getDb, isDatabaseOpen } from "./index";

/**
 * Whether the database is migrated and answers a real round trip; resolves false instead of
 * throwing when it does not. While start-up is still migrating it answers false at once.
 */
export async function isDatabaseHealthy(): Promise<boolean> {
  if (!isDatabaseOpen()) return false;
  try {
    await withDeadline((async () => (await getDb()).execute(sql`select 1`))());
    return true;
  } catch {
    return false;
  }
}
