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
