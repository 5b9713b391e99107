import "server-only";
import type { Sql } from "postgres";

type Unsafe = Sql["unsafe"];
type UnsafeOptions = Parameters<Unsafe>[2];

/**
 * The options for a postgres.js `unsafe` call with `params`: a named prepared statement
 * whenever there are parameters. Unprepared, postgres.js must ask the server for the
 * statement's parameter types (Parse, Describe, Sync) and wait for the answer before it
 * can send them: two round trips per query, and the SQL parsed again every time. Prepared,
 * a connection describes each statement once and afterwards sends only Bind and Execute.
 * Queries without parameters go as simple queries, one round trip, as before.
 */
function preparedWhenParameterized(params: readonly unknown[] | undefined, options?: UnsafeOptions): UnsafeOptions {
  return params && params.length > 0 ? { ...options, prepare: true } : options;
}

/**
 * `sql` with every parameterized query prepared, in transactions, savepoints and reserved
 * connections too.
 * drizzle's postgres.js driver runs every query it was not given a name for through
 * `unsafe(text, params, { prepare: false })`, whatever the client was configured with
 * (drizzle-orm#6096, open at 0.45.2). The fix proposed upstream (drizzle-orm#6098) does
 * the same as this, inside drizzle.
 */
export function withPreparedStatements<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === "unsafe") {
        const unsafe: Unsafe = (query, params, options) => target.unsafe(query, params, preparedWhenParameterized(params, options));
        return unsafe;
      }
      if (key === "reserve") {
        // The repository's pipelined transactions (`queryAsUser`) run on a reserved connection.
        return async () => withPreparedStatements(await target.reserve());
      }
      if (key === "begin" || key === "savepoint") {
        // `savepoint` exists on a transaction's `sql` only; TransactionSql is not an Sql.
        const open = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        // The transaction's own `sql` (the callback's last argument) gets the same treatment.
        return (...args: unknown[]) => {
          const work = args.pop() as (transaction: Sql) => unknown;
          return open.call(target, ...args, (transaction: Sql) => work(withPreparedStatements(transaction)));
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
