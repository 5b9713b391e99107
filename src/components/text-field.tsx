import { useId } from "react";

import { fieldError, fieldLabel, mutedText, textInput } from "@/components/ui";

interface TextFieldProps {
  name: string;
  label: string;
  type: "text" | "email" | "password";
  autoComplete: string;
  error: string | undefined;
  hint?: string | null;
}

/** The id of a field's error message, which the field names in aria-describedby. */
export const fieldErrorId = (fieldId: string) => `${fieldId}-error`;

/** A field's error message, if it has one, under the id {@link fieldErrorId} gives it. */
export function FieldError({ fieldId, message }: { fieldId: string; message: string | undefined }) {
  return message ? (
    <p id={fieldErrorId(fieldId)} className={fieldError}>
      {message}
    </p>
  ) : null;
}

/** A labelled input whose error and hint are announced with it (aria-describedby). */
export function TextField({ name, label, type, autoComplete, error, hint }: TextFieldProps) {
  const id = useId();
  const describedBy = [error ? fieldErrorId(id) : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return (
    <div>
      <label htmlFor={id} className={fieldLabel}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={`${textInput} mt-1`}
      />
      {hint ? (
        <p id={`${id}-hint`} className={`mt-1 text-sm ${mutedText}`}>
          {hint}
        </p>
      ) : null}
      <FieldError fieldId={id} message={error} />
    </div>
  );
}

/** Moves focus to the first field marked invalid, once React has rendered the error state. */
export function focusFirstInvalid(form: HTMLFormElement) {
  requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
}
