import * as z from "zod";

/**
 * Task input rules, shared by the API (the authority) and the forms that call it.
 * PostgreSQL text cannot hold NUL characters, so they are refused here, not by the database.
 */

export const TASK_TITLE_MAX_LENGTH = 200;
export const TASK_DESCRIPTION_MAX_LENGTH = 10_000;
export const TASK_SEARCH_MAX_LENGTH = 200;
export const TASK_PAGE_MAX_SIZE = 100;
export const TASK_PAGE_DEFAULT_SIZE = 50;
/** `version` is a PostgreSQL integer (int4). */
export const TASK_VERSION_MAX = 2_147_483_647;

const hasNoNul = (value: string) => !value.includes("\u0000");

export const taskIdSchema = z.uuid({ error: "Task id must be a UUID" });

export const taskTitleSchema = z
  .string({ error: "Title must be text" })
  .trim()
  .min(1, { error: "Title is required" })
  .max(TASK_TITLE_MAX_LENGTH, { error: `Title must be at most ${TASK_TITLE_MAX_LENGTH} characters` })
  .refine(hasNoNul, { error: "Title must not contain NUL characters" });

/** Notes; blank notes are stored as none. */
export const taskDescriptionSchema = z
  .string({ error: "Notes must be text" })
  .max(TASK_DESCRIPTION_MAX_LENGTH, {
    error: `Notes must be at most ${TASK_DESCRIPTION_MAX_LENGTH.toLocaleString("en")} characters`,
  })
  .refine(hasNoNul, { error: "Notes must not contain NUL characters" })
  .transform((value) => (value.trim() === "" ? null : value))
  .nullable();

/**
 * The dates the API takes: years 1000–9999, UTC. JavaScript and PostgreSQL each hold more, but
 * not the same more (PostgreSQL has no year 0 and nothing before 4713 BC), and drizzle reads a
 * timestamp back with `new Date(text)`, which takes years below 100 for 19xx or 20xx.
 */
export const EARLIEST_DATE = new Date("1000-01-01T00:00:00.000Z");
export const LATEST_DATE = new Date("9999-12-31T23:59:59.999Z");
const dateRange = "between 1000-01-01 and 9999-12-31 (UTC)";

export const taskDueAtSchema = z
  .date({ error: "Due date must be a valid date" })
  .min(EARLIEST_DATE, { error: `Due date must be ${dateRange}` })
  .max(LATEST_DATE, { error: `Due date must be ${dateRange}` })
  .nullable();

export const taskStatusSchema = z.enum(["all", "active", "completed"], {
  error: "Status must be one of all, active or completed",
});

// Zod's own message for a missing or non-object input names JavaScript's types ("received undefined").
const objectInput = { error: (issue: z.core.$ZodRawIssue) => (issue.code === "invalid_type" ? "Input must be an object" : undefined) };

export const taskIdInput = z.strictObject({ id: taskIdSchema }, objectInput);

export const createTaskInput = z.strictObject({
  title: taskTitleSchema,
  description: taskDescriptionSchema.optional(),
  dueAt: taskDueAtSchema.optional(),
}, objectInput);

export const updateTaskInput = z
  .strictObject({
    id: taskIdSchema,
    title: taskTitleSchema.optional(),
    description: taskDescriptionSchema.optional(),
    completed: z.boolean({ error: "Completed must be true or false" }).optional(),
    dueAt: taskDueAtSchema.optional(),
    expectedVersion: z
      .number({ error: "Expected version must be a number" })
      .int({ error: "Expected version must be a whole number" })
      .min(1, { error: "Expected version must be at least 1" })
      .max(TASK_VERSION_MAX, { error: `Expected version must be at most ${TASK_VERSION_MAX}` })
      .optional(),
  }, objectInput)
  .refine(
    (patch) =>
      patch.title !== undefined ||
      patch.description !== undefined ||
      patch.completed !== undefined ||
      patch.dueAt !== undefined,
    { error: "Nothing to update: give a title, notes, completed or due date" },
  );

/**
 * The list's orders: newest first; soonest due first (tasks without a due date last, newest
 * first among equals); or open tasks before completed ones, each newest first.
 */
export const TASK_SORTS = ["newest", "due", "completedLast"] as const;
export const taskSortSchema = z.enum(TASK_SORTS, { error: "Sort must be one of newest, due or completedLast" });

/** The list filters without the cursor, whose decoding is the server's business. */
export const listTasksFilters = z.strictObject({
  status: taskStatusSchema.default("all"),
  sort: taskSortSchema.default("newest"),
  search: z
    .string({ error: "Search must be text" })
    .trim()
    .max(TASK_SEARCH_MAX_LENGTH, { error: `Search must be at most ${TASK_SEARCH_MAX_LENGTH} characters` })
    .refine(hasNoNul, { error: "Search must not contain NUL characters" })
    .optional(),
  limit: z
    .number({ error: "Limit must be a number" })
    .int({ error: "Limit must be a whole number" })
    .min(1, { error: "Limit must be at least 1" })
    .max(TASK_PAGE_MAX_SIZE, { error: `Limit must be at most ${TASK_PAGE_MAX_SIZE}` })
    .default(TASK_PAGE_DEFAULT_SIZE),
}, objectInput);

const taskTimestampSchema = z
  .date({ error: "Timestamps must be valid dates" })
  .min(EARLIEST_DATE, { error: `Timestamps must be ${dateRange}` })
  .max(LATEST_DATE, { error: `Timestamps must be ${dateRange}` });

/** A deleted task exactly as `task.delete` returned it, to put back (undo). */
export const restoreTaskInput = z.strictObject({
  id: taskIdSchema,
  title: taskTitleSchema,
  description: taskDescriptionSchema,
  completed: z.boolean({ error: "Completed must be true or false" }),
  dueAt: taskDueAtSchema,
  createdAt: taskTimestampSchema,
  updatedAt: taskTimestampSchema,
  version: z
    .number({ error: "Version must be a number" })
    .int({ error: "Version must be a whole number" })
    .min(1, { error: "Version must be at least 1" })
    .max(TASK_VERSION_MAX, { error: `Version must be at most ${TASK_VERSION_MAX}` }),
}, objectInput);

export type TaskStatus = z.infer<typeof taskStatusSchema>;
export type TaskSort = z.infer<typeof taskSortSchema>;
export type CreateTaskInput = z.input<typeof createTaskInput>;
export type UpdateTaskInput = z.input<typeof updateTaskInput>;
