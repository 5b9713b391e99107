import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgPolicy,
  pgRole,
  pgSchema,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

// The foreign key to the user is the one place app data refers to Better Auth's data.
import { user } from "./auth";

/** The application's own PostgreSQL schema; Better Auth never touches it. */
export const appSchema = pgSchema("app");

/**
 * The restricted role the task repository switches to inside each transaction. It may
 * only touch `app.tasks`, and only rows whose `user_id` matches `app.user_id`.
 * Created by the `0000_tasks_role` migration, so drizzle-kit must not manage it.
 */
export const tasksRole = pgRole("tasks_app").existing();

const ownerMatchesSession = sql`user_id = current_setting('app.user_id', true)`;

// Millisecond precision matches JavaScript dates, so keyset cursors round-trip exactly.
const millisecondTimestamp = (name: string) =>
  timestamp(name, { withTimezone: true, precision: 3 });

export const tasks = appSchema.table(
  "tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    completed: boolean("completed").notNull().default(false),
    dueAt: millisecondTimestamp("due_at"),
    createdAt: millisecondTimestamp("created_at").notNull().defaultNow(),
    updatedAt: millisecondTimestamp("updated_at").notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (table) => [
    // Keyset pagination order (newest first, as `ORDER BY … DESC` sorts) for "all", and per status
    // for the filter tabs.
    index("tasks_user_created_idx").on(
      table.userId,
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    index("tasks_user_status_created_idx").on(
      table.userId,
      table.completed,
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    // The "due" order: soonest first, none last (as `coalesce(…, 'infinity')`), then newest.
    index("tasks_user_due_created_idx").on(
      table.userId,
      sql`coalesce(${table.dueAt}, 'infinity'::timestamptz)`,
      table.createdAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    check("tasks_title_length", sql`char_length(title) between 1 and 200`),
    check("tasks_description_length", sql`char_length(description) <= 10000`),
    pgPolicy("tasks_owner_only", {
      as: "permissive",
      for: "all",
      to: tasksRole,
      using: ownerMatchesSession,
      withCheck: ownerMatchesSession,
    }),
  ],
);

/**
 * Failed sign-ins per account (keyed by a hash of the email, so the table holds no address),
 * which slow further attempts on that account whatever address they come from. Written by
 * the auth module; the tasks role has no privilege on it.
 */
export const signInThrottle = appSchema.table("sign_in_throttle", {
  accountKey: text("account_key").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull(),
});

/**
 * Writes per user in the current one-minute window, counted here so that every instance of
 * the app enforces one shared limit (src/server/api/write-limiter.ts). No foreign key: a row
 * outliving its user is harmless, and a write must not fail on it.
 */
export const writeLimit = appSchema.table("write_limit", {
  userId: text("user_id").primaryKey(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  writes: integer("writes").notNull(),
});
