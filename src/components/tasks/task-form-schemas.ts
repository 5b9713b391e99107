import * as z from "zod";

import { createTaskInput, taskDescriptionSchema, taskDueAtSchema, taskTitleSchema } from "@/lib/validators/task";

import { dueDateFromInput } from "./due-date";

/**
 * The task forms' validation: the API's own schemas. Loaded after the page has hydrated
 * rather than with it, which keeps zod out of the task page's first-load JavaScript.
 */

export const newTaskSchema = createTaskInput;

export const editTaskSchema = z.object({
  title: taskTitleSchema,
  description: taskDescriptionSchema,
  dueAt: taskDueAtSchema,
});

export type TaskFieldErrors = Partial<Record<"title" | "description" | "dueAt", string[]>>;

export function fieldErrorsOf(error: z.ZodError): TaskFieldErrors {
  return z.flattenError(error).fieldErrors;
}

/** What a task form (new or edit) holds, as its schema expects it. */
export function readTaskForm(form: HTMLFormElement) {
  const data = new FormData(form);
  return {
    title: String(data.get("title") ?? ""),
    description: String(data.get("description") ?? ""),
    dueAt: dueDateFromInput(String(data.get("dueAt") ?? "")),
  };
}

/**
 * Of the errors `shown`, those still true of what `form` now holds: fixing a field clears its
 * message as it is typed, while a field not yet complained about is left alone.
 */
export function remainingErrors(shown: TaskFieldErrors, schema: z.ZodType, form: HTMLFormElement): TaskFieldErrors {
  const parsed = schema.safeParse(readTaskForm(form));
  const now = parsed.success ? {} : fieldErrorsOf(parsed.error);
  const fields = (Object.keys(shown) as (keyof TaskFieldErrors)[]).filter((field) => now[field]);
  return Object.fromEntries(fields.map((field) => [field, now[field]]));
}
