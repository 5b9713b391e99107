import "server-only";
import { sql } from "drizzle-orm";

import { withDeadline } from "@/server/deadline";

import { isDatabaseUnavailable } from "./errors";
import { discardUnreachablePool, getDb } from "./index";

/** A real round trip to the database; resolves false instead of throwing when it fails. */
export async function isDatabaseHealthy(): Promise<boolean> {
  try {
    await withDeadline((async () => (await getDb()).execute(sql`select 1`))());
    return true;
  } catch (error) {
    if (isDatabaseUnavailable(error)) discardUnreachablePool();
    return false;
  }
}
