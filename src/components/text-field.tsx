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

/** A labelled input whose error and hint are announced with it (aria-describedby). */
export function TextField({ name, label, type, autoComplete, error, hint }: TextFieldProps) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
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
      {error ? (
        <p id={`${id}-error`} className={fieldError}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Moves focus to the first field marked invalid, once React has rendered the error state. */
export function focusFirstInvalid(form: HTMLFormElement) {
  requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
}
