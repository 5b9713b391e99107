"use client";

import { useEffect, useRef, type RefObject } from "react";

import { secondaryButton } from "@/components/ui";

export const SHORTCUTS = [
  { key: "n", description: "New task" },
  { key: "/", description: "Search" },
  { key: "?", description: "Show these shortcuts" },
] as const;

type ShortcutKey = (typeof SHORTCUTS)[number]["key"];

// Fields where a key types a character: a shortcut must never steal it.
const NOT_TYPED_INTO = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"]);

function isTypingIn(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  const field = target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
  if (field instanceof HTMLInputElement) return !NOT_TYPED_INTO.has(field.type);
  return field !== null;
}

/** Single-key shortcuts for the whole page, off while a field has focus or a modifier is held. */
export function useKeyboardShortcuts(actions: Record<ShortcutKey, () => void>) {
  const latest = useRef(actions);
  useEffect(() => {
    latest.current = actions;
  });
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTypingIn(event.target)) return;
      if (event.target instanceof Element && event.target.closest("dialog")) return;
      const action = SHORTCUTS.some(({ key }) => key === event.key) ? latest.current[event.key as ShortcutKey] : undefined;
      if (!action) return;
      event.preventDefault();
      action();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}

/** The list of shortcuts, as a modal dialog (Escape or the button closes it). */
export function ShortcutsDialog({ dialogRef }: { dialogRef: RefObject<HTMLDialogElement | null> }) {
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby="shortcuts-heading"
      className="m-auto w-[min(24rem,calc(100%-2rem))] rounded-lg bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id="shortcuts-heading" className="text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <dl className="mt-3 space-y-2">
        {SHORTCUTS.map(({ key, description }) => (
          <div key={key} className="flex items-center justify-between gap-4">
            <dt>
              <kbd className="rounded border border-slate-300 px-2 py-0.5 font-mono text-sm dark:border-slate-600">{key}</kbd>
            </dt>
            <dd>{description}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog" className="mt-4 flex justify-end">
        <button type="submit" className={secondaryButton}>
          Close
        </button>
      </form>
    </dialog>
  );
}
