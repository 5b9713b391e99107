"use client";

import type { ComponentProps } from "react";

import { useHydrated } from "@/components/use-hydrated";

/**
 * A form's submit button, disabled until React has hydrated the page. Before that, a click or
 * Enter would submit the form natively: a GET of the page itself, with every field in the
 * address (a password too, into the history and the server's logs), that signs nobody in and
 * saves nothing.
 */
export function SubmitButton({ disabled = false, ...props }: Omit<ComponentProps<"button">, "type">) {
  const hydrated = useHydrated();
  return <button type="submit" disabled={!hydrated || disabled} {...props} />;
}
