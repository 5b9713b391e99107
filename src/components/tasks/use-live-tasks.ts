"use client";

import { onlineManager, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useState, useSyncExternalStore } from "react";

import { useTRPC } from "@/trpc/react";

/** `connecting` before the first connection; `reconnecting` after a drop; `stopped` if refused (signed out). */
export type LiveState = "connecting" | "live" | "reconnecting" | "stopped";

/**
 * Keeps this tab's task queries in step with changes made anywhere else (another tab, device,
 * the CLI, another program): each change, and each (re)connection, which may have missed
 * some, refetches them. The events carry only ids; the data comes through the usual queries.
 * The browser's own word that it is offline counts too: a dropped stream can take a while
 * to notice, and coming back online refetches.
 */
export function useLiveTasks(): LiveState {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [connectedOnce, setConnectedOnce] = useState(false);

  function refetchTasks() {
    // While this tab's own change is in flight its optimistic state stays; the change
    // refetches everything once it settles (see useTaskCache's reconcile).
    if (queryClient.isMutating({ mutationKey: trpc.task.pathKey() }) > 0) return;
    void queryClient.invalidateQueries(trpc.task.pathFilter());
  }

  const online = useSyncExternalStore(onlineManager.subscribe.bind(onlineManager), () => onlineManager.isOnline(), () => true);
  useEffect(
    () => onlineManager.subscribe((isOnline) => void (isOnline && queryClient.invalidateQueries(trpc.task.pathFilter()))),
    [queryClient, trpc],
  );

  const subscription = useSubscription(
    trpc.task.onChange.subscriptionOptions(undefined, {
      onStarted: () => setConnectedOnce(true),
      onData: refetchTasks,
    }),
  );

  if (!online) return connectedOnce ? "reconnecting" : "connecting";
  switch (subscription.status) {
    case "pending":
      return "live";
    case "error":
      return "stopped";
    default:
      return connectedOnce ? "reconnecting" : "connecting";
  }
}
