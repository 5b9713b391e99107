"use client";

import { useId, useRef, useState, type FormEvent } from "react";

import { SubmitButton } from "@/components/submit-button";
import { FieldError, fieldErrorId } from "@/components/text-field";
import { fieldError, fieldLabel, primaryButton, textInput } from "@/components/ui";

import { DUE_DATE_MAX, DUE_DATE_MIN, dueDateToInput } from "./due-date";
import type { TaskFieldErrors as FieldErrors } from "./task-form-schemas";
import { useCreateTask } from "./use-task-mutations";

export const NEW_TASK_TITLE_ID = "new-task-title";

/** Adds a task: type a title and press Enter; notes and a due date are optional. */
export function NewTaskForm({ onAdded }: { onAdded: (title: string) => void }) {
  const title = useRef<HTMLInputElement>(null);
  const notes = useRef<HTMLTextAreaElement>(null);
  const due = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const ids = { title: useId(), description: useId(), dueAt: useId() };

  const create = useCreateTask({
    onCreated: (task) => onAdded(task.title),
    onRefused: (error, input) => {
      // Put back what was typed, unless the person has already started on another task.
      if (title.current && notes.current && due.current && title.current.value === "") {
        title.current.value = input.title;
        notes.current.value = input.description ?? "";
        due.current.value = dueDateToInput(input.dueAt ?? null);
      }
      const fieldErrors = error.data?.zodError?.fieldErrors;
      if (fieldErrors && Object.keys(fieldErrors).length > 0) setErrors(fieldErrors);
      else setServerError(error.data ? error.message : "Could not reach the server. Check your connection and try again.");
    },
  });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const { newTaskSchema, fieldErrorsOf, readTaskForm } = await import("./task-form-schemas");
    const parsed = newTaskSchema.safeParse(readTaskForm(form));
    if (!parsed.success) {
      setErrors(fieldErrorsOf(parsed.error));
      form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
      return;
    }
    setErrors({});
    setServerError(null);
    // Cleared at once: the next task can be typed while this one is saved, and the same
    // task can never be sent twice.
    form.reset();
    title.current?.focus();
    create.mutate(parsed.data);
  }

  async function revalidate(form: HTMLFormElement) {
    if (Object.keys(errors).length === 0) return;
    const { newTaskSchema, remainingErrors } = await import("./task-form-schemas");
    setErrors((shown) => remainingErrors(shown, newTaskSchema, form));
  }

  const describedBy = (field: keyof FieldErrors) => (errors[field] ? fieldErrorId(ids[field]) : undefined);

  return (
    <form onSubmit={(event) => void onSubmit(event)} onInput={(event) => void revalidate(event.currentTarget)} noValidate aria-label="Add a task" className="space-y-3">
      <div>
        <label htmlFor={NEW_TASK_TITLE_ID} className={fieldLabel}>
          New task
        </label>
        <div className="mt-1 flex gap-2">
          <input
            ref={title}
            id={NEW_TASK_TITLE_ID}
            name="title"
            type="text"
            autoComplete="off"
            placeholder="What needs doing?"
            aria-invalid={errors.title ? true : undefined}
            aria-describedby={describedBy("title")}
            className={textInput}
          />
          <SubmitButton aria-busy={create.isPending} className={`${primaryButton} shrink-0 whitespace-nowrap`}>
            {create.isPending ? "Adding…" : "Add task"}
          </SubmitButton>
        </div>
        <FieldError fieldId={ids.title} message={errors.title?.[0]} />
      </div>

      <details className="group" open={Boolean(errors.description ?? errors.dueAt)}>
        <summary className="w-fit cursor-pointer rounded py-1 text-sm font-medium text-indigo-800 hover:underline dark:text-indigo-200">
          Notes and due date
        </summary>
        <div className="mt-3 grid gap-3 sm:grid-cols-[1fr_auto]">
          <div>
            <label htmlFor={ids.description} className={fieldLabel}>
              Notes <span className="font-normal">(optional)</span>
            </label>
            <textarea
              ref={notes}
              id={ids.description}
              name="description"
              rows={2}
              aria-invalid={errors.description ? true : undefined}
              aria-describedby={describedBy("description")}
              className={`${textInput} mt-1`}
            />
            <FieldError fieldId={ids.description} message={errors.description?.[0]} />
          </div>
          <div>
            <label htmlFor={ids.dueAt} className={fieldLabel}>
              Due date <span className="font-normal">(optional)</span>
            </label>
            <input
              ref={due}
              id={ids.dueAt}
              name="dueAt"
              type="date"
              min={DUE_DATE_MIN}
              max={DUE_DATE_MAX}
              aria-invalid={errors.dueAt ? true : undefined}
              aria-describedby={describedBy("dueAt")}
              className={`${textInput} mt-1`}
            />
            <FieldError fieldId={ids.dueAt} message={errors.dueAt?.[0]} />
          </div>
        </div>
      </details>

      {serverError ? (
        <p role="alert" className={fieldError}>
          Your task was not added: {serverError}
        </p>
      ) : null}
    </form>
  );
}
