import "server-only";
import { eq, getTableColumns, sql } from "drizzle-orm";
import type { BetterAuthOptions, DBAdapter, Where } from "better-auth";

import type { Database } from "@/server/db";
import { session, user } from "@/server/db/schema/auth";

type AdapterFactory = (options: BetterAuthOptions) => DBAdapter<BetterAuthOptions>;
type FindOneQuery = Parameters<DBAdapter["findOne"]>[0];

/**
 * Better Auth's database adapter, with its hottest query prepared once. Every authenticated
 * request makes Better Auth look a session up by its token, joined with its user
 * (`findOne({ model: "session", where: token, join: { user: true } })`). The Drizzle adapter
 * builds that as a relational query each time: ~330 µs of CPU per request here, where the
 * same join as a prepared query costs ~50 µs. Exactly that call is answered with the
 * prepared join, in the shape the adapter returns (`session-lookup.test.ts` compares
 * the two); every other call, and every call inside a Better Auth transaction (which uses
 * an adapter of its own), goes to Better Auth's adapter unchanged.
 */
export function withPreparedSessionLookup(createAdapter: AdapterFactory, db: Database): AdapterFactory {
  const byToken = db
    .select({ session: getTableColumns(session), user: getTableColumns(user) })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    .where(eq(session.token, sql.placeholder("token")))
    .limit(1)
    .prepare("auth_session_by_token");

  return (options) => {
    const adapter = createAdapter(options);
    const findOne = adapter.findOne.bind(adapter);
    adapter.findOne = async <T>(query: FindOneQuery): Promise<T | null> => {
      const token = sessionTokenOf(query);
      if (token === null) return findOne<T>(query);
      const [found] = await byToken.execute({ token });
      return found ? ({ ...found.session, user: found.user } as T) : null;
    };
    return adapter;
  };
}

/** The token when `query` is exactly Better Auth's session-with-user lookup, else null. */
function sessionTokenOf({ model, where, select, join }: FindOneQuery): string | null {
  if (model !== "session" || select !== undefined || where.length !== 1) return null;
  if (!join || Object.keys(join).length !== 1 || join.user !== true) return null;
  const [clause] = where as [Where];
  const isPlainEquality =
    clause.field === "token" &&
    (clause.operator ?? "eq") === "eq" &&
    (clause.mode ?? "sensitive") === "sensitive" &&
    typeof clause.value === "string";
  return isPlainEquality ? (clause.value as string) : null;
}
