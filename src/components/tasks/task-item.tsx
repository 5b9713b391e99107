"use client";

import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import { SubmitButton } from "@/components/submit-button";
import { FieldError, fieldErrorId } from "@/components/text-field";
import { dangerButton, fieldLabel, mutedText, primaryButton, quietButton, secondaryButton, textInput } from "@/components/ui";
import { useHydrated } from "@/components/use-hydrated";

import { DUE_DATE_MAX, DUE_DATE_MIN, dueDateToInput, dueState, formatDueDate } from "./due-date";
import type { TaskPatch } from "./task-cache";
import type { TaskFieldErrors as FieldErrors } from "./task-form-schemas";
import type { Task } from "./task-list-query";
import { useTaskMutations } from "./use-task-mutations";

/** The id of a task's checkbox, where focus goes when a neighbour is deleted. */
export function taskToggleId(taskId: string): string {
  return `task-${taskId}-done`;
}

interface TaskItemProps {
  task: Task;
  /** Today in the person's time zone ("YYYY-MM-DD"), for overdue highlighting. */
  today: string;
  /** Called before this task leaves the list (deleted, or filtered out by a change). */
  onLeaving: () => void;
  /** Whether the list would still show the task after `patch`. */
  staysListed: (patch: TaskPatch) => boolean;
  onError: (message: string) => void;
  onDeleted: (title: string) => void;
  /** Called with the server's copy of the task once the delete is done (for undo). */
  onDeleteConfirmed: (deleted: Task) => void;
}

export function TaskItem({ task, today, onLeaving, staysListed, onError, onDeleted, onDeleteConfirmed }: TaskItemProps) {
  const { update, remove } = useTaskMutations(task, onError, onDeleteConfirmed);
  const [editing, setEditing] = useState(false);
  // Before hydration a tick would show on screen and never be saved.
  const hydrated = useHydrated();
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (!editing && returnFocus.current) {
      returnFocus.current = false;
      editButton.current?.focus();
    }
  }, [editing]);

  function change(patch: TaskPatch) {
    if (!staysListed(patch)) onLeaving();
    update(patch);
  }

  function stopEditing() {
    returnFocus.current = true;
    setEditing(false);
  }

  const due = task.dueAt ? dueState(task.dueAt, today) : null;
  const overdue = due === "overdue" && !task.completed;

  return (
    <li
      className={`flex gap-3 border-l-4 px-3 py-3 sm:px-4 ${overdue ? "border-l-red-600 bg-red-50/60 dark:border-l-red-400 dark:bg-red-950/30" : "border-l-transparent"}`}
    >
      <input
        id={taskToggleId(task.id)}
        type="checkbox"
        checked={task.completed}
        disabled={!hydrated}
        onChange={(event) => change({ completed: event.currentTarget.checked })}
        aria-label={task.title}
        className="mt-0.5 size-6 shrink-0 cursor-pointer accent-indigo-700 dark:accent-indigo-300"
      />
      {editing ? (
        <EditTaskForm
          task={task}
          onCancel={stopEditing}
          onSave={(patch) => {
            stopEditing();
            if (Object.keys(patch).length > 0) change(patch);
          }}
        />
      ) : (
        <>
          <div className="min-w-0 flex-1">
            <p
              onDoubleClick={() => setEditing(true)}
              className={`break-words ${task.completed ? `line-through ${mutedText}` : "font-medium"}`}
            >
              {task.title}
            </p>
            {task.dueAt ? (
              <p
                className={`mt-0.5 text-sm ${overdue ? "font-semibold text-red-700 dark:text-red-300" : mutedText}`}
              >
                {overdue ? "Overdue · " : ""}
                {due === "today" ? "Due today" : `Due ${formatDueDate(task.dueAt)}`}
              </p>
            ) : null}
            {task.description ? (
              <p className={`mt-1 line-clamp-3 text-sm break-words whitespace-pre-line ${mutedText}`}>{task.description}</p>
            ) : null}
          </div>
          <div className="flex shrink-0 items-start gap-1">
            <button
              ref={editButton}
              type="button"
              onClick={() => setEditing(true)}
              aria-label={`Edit “${task.title}”`}
              title="Edit"
              className={quietButton}
            >
              <PencilIcon />
            </button>
            <button
              type="button"
              onClick={() => {
                onLeaving();
                remove();
                onDeleted(task.title);
              }}
              aria-label={`Delete “${task.title}”`}
              title="Delete"
              className={dangerButton}
            >
              <TrashIcon />
            </button>
          </div>
        </>
      )}
    </li>
  );
}

interface EditTaskFormProps {
  task: Task;
  onSave: (patch: TaskPatch) => void;
  onCancel: () => void;
}

/** Edits title, notes and due date in place: Enter saves, Escape cancels. */
function EditTaskForm({ task, onSave, onCancel }: EditTaskFormProps) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const ids = { title: useId(), description: useId(), dueAt: useId() };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const { editTaskSchema, fieldErrorsOf, readTaskForm } = await import("./task-form-schemas");
    const parsed = editTaskSchema.safeParse(readTaskForm(form));
    if (!parsed.success) {
      setErrors(fieldErrorsOf(parsed.error));
      form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
      return;
    }
    // Only what changed is sent, so an unchanged field never conflicts with another tab.
    const { title, description, dueAt } = parsed.data;
    const patch: TaskPatch = {};
    if (title !== task.title) patch.title = title;
    if (description !== task.description) patch.description = description;
    if (dueDateToInput(dueAt) !== dueDateToInput(task.dueAt)) patch.dueAt = dueAt;
    onSave(patch);
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key !== "Escape") return;
    event.preventDefault();
    onCancel();
  }

  async function revalidate(form: HTMLFormElement) {
    if (Object.keys(errors).length === 0) return;
    const { editTaskSchema, remainingErrors } = await import("./task-form-schemas");
    setErrors((shown) => remainingErrors(shown, editTaskSchema, form));
  }

  const describedBy = (field: keyof FieldErrors) => (errors[field] ? fieldErrorId(ids[field]) : undefined);

  return (
    <form onSubmit={(event) => void onSubmit(event)} onInput={(event) => void revalidate(event.currentTarget)} onKeyDown={onKeyDown} noValidate aria-label={`Edit “${task.title}”`} className="min-w-0 flex-1 space-y-3">
      <div>
        <label htmlFor={ids.title} className={fieldLabel}>
          Title
        </label>
        <input
          id={ids.title}
          name="title"
          type="text"
          defaultValue={task.title}
          // The person asked to edit: the title is what they came for.
          autoFocus
          autoComplete="off"
          aria-invalid={errors.title ? true : undefined}
          aria-describedby={describedBy("title")}
          className={`${textInput} mt-1`}
        />
        <FieldError fieldId={ids.title} message={errors.title?.[0]} />
      </div>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto]">
        <div>
          <label htmlFor={ids.description} className={fieldLabel}>
            Notes
          </label>
          <textarea
            id={ids.description}
            name="description"
            rows={2}
            defaultValue={task.description ?? ""}
            aria-invalid={errors.description ? true : undefined}
            aria-describedby={describedBy("description")}
            className={`${textInput} mt-1`}
          />
          <FieldError fieldId={ids.description} message={errors.description?.[0]} />
        </div>
        <div>
          <label htmlFor={ids.dueAt} className={fieldLabel}>
            Due date
          </label>
          <input
            id={ids.dueAt}
            name="dueAt"
            type="date"
            min={DUE_DATE_MIN}
            max={DUE_DATE_MAX}
            defaultValue={dueDateToInput(task.dueAt)}
            aria-invalid={errors.dueAt ? true : undefined}
            aria-describedby={describedBy("dueAt")}
            className={`${textInput} mt-1`}
          />
          <FieldError fieldId={ids.dueAt} message={errors.dueAt?.[0]} />
        </div>
      </div>
      <div className="flex gap-2">
        <SubmitButton className={primaryButton}>
          Save
        </SubmitButton>
        <button type="button" onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// Icons are decoration: the buttons carry their names (aria-label) and a tooltip (title).
const iconProps = {
  "aria-hidden": true,
  width: 20,
  height: 20,
  viewBox: "0 0 24 24",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 2,
  strokeLinecap: "round",
  strokeLinejoin: "round",
} as const;

function PencilIcon() {
  return (
    <svg {...iconProps}>
      <path d="M12 20h9" />
      <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
    </svg>
  );
}

function TrashIcon() {
  return (
    <svg {...iconProps}>
      <path d="M3 6h18" />
      <path d="M8 6V4h8v2" />
      <path d="M19 6l-1 14H6L5 6" />
      <path d="M10 11v6M14 11v6" />
    </svg>
  );
}
