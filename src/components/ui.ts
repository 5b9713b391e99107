/**
 * The few recurring control styles, kept in one place so every form looks and behaves alike.
 * Colour pairs are chosen for at least 4.5:1 contrast in both themes.
 */

export const primaryButton =
  "inline-flex min-h-10 items-center justify-center gap-2 rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800 disabled:cursor-not-allowed disabled:opacity-70 dark:bg-indigo-300 dark:text-slate-950 dark:hover:bg-indigo-200";

export const secondaryButton =
  "inline-flex min-h-10 items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-70 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800";

export const quietButton =
  "inline-flex min-h-10 min-w-10 items-center justify-center rounded-md px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-950 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white";

export const dangerButton =
  "inline-flex min-h-10 min-w-10 items-center justify-center rounded-md px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950";

export const textInput =
  "block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 placeholder:text-slate-500 aria-invalid:border-red-700 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 dark:aria-invalid:border-red-400";

export const fieldLabel = "block text-sm font-medium text-slate-800 dark:text-slate-200";

export const fieldError = "mt-1 text-sm text-red-700 dark:text-red-300";

export const mutedText = "text-slate-600 dark:text-slate-400";

/** A form-level error (role="alert"), as opposed to one beside its field. */
export const formAlert =
  "rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100";

export const card =
  "rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900";
