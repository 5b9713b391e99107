import { useSyncExternalStore } from "react";

// Nothing to subscribe to: the answer changes once, from the server's render to the browser's.
const subscribe = () => () => {};

/**
 * False in the server's HTML and while React hydrates it, true from then on (at once on a page
 * reached by client navigation). Controls that do nothing without React wait on it.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
