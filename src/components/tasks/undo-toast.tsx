"use client";

import { useEffect, useState } from "react";

import { secondaryButton } from "@/components/ui";

import type { Task } from "./task-list-query";

/** How long Undo is offered after a delete; the clock stops while the message has focus or the pointer. */
export const UNDO_WINDOW_MS = 8_000;

interface UndoToastProps {
  deleted: Task;
  onUndo: () => void;
  onDismiss: () => void;
}

/**
 * "Deleted … Undo". The delete has already happened on the server, so closing the tab or
 * letting the message go changes nothing; Undo restores the task as it was.
 */
export function UndoToast({ deleted, onUndo, onDismiss }: UndoToastProps) {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(onDismiss, UNDO_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [deleted, held, onDismiss]);

  return (
    <div
      role="status"
      aria-label="Deleted task"
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      onPointerEnter={() => setHeld(true)}
      onPointerLeave={() => setHeld(false)}
      className="fixed inset-x-3 bottom-3 z-40 flex items-center justify-between gap-3 rounded-lg bg-slate-900 p-3 pl-4 text-sm text-white shadow-lg sm:inset-x-auto sm:right-6 sm:bottom-6 sm:w-96 dark:bg-slate-100 dark:text-slate-950"
    >
      <p className="min-w-0 truncate">Deleted “{deleted.title}”.</p>
      <button type="button" onClick={onUndo} className={`${secondaryButton} shrink-0`}>
        Undo
      </button>
    </div>
  );
}
