"use client";

import { useQueryClient } from "@tanstack/react-query";
import type { Route } from "next";
import { useRouter } from "next/navigation";
import { useTransition } from "react";

/**
 * What every way of signing in does once it succeeds: forget whatever this tab cached for a
 * previous person, then go on to `next`. `navigating` stays true until the page has moved.
 */
export function useEnterSession() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [navigating, startNavigation] = useTransition();
  function enter(next: Route) {
    queryClient.clear();
    startNavigation(() => router.replace(next));
  }
  return { enter, navigating };
}
