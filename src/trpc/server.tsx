import "server-only";

import { dehydrate, HydrationBoundary, type QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type ResolverDef, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";

import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { ResolvedSession } from "@/server/auth/session";

import { createQueryClient } from "./query-client";

// One context per server render: the session is resolved once and shared by the page's
// own check and every procedure it prefetches.
const createContext = cache(async () => createTRPCContext({ headers: new Headers(await headers()) }));

/** The query cache of this server render; `HydrateClient` sends it to the browser. */
export const getQueryClient: () => QueryClient = cache(createQueryClient);

/** Query options for server components, resolved in-process rather than over HTTP. */
export const trpc = createTRPCOptionsProxy({
  ctx: createContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** Calls procedures in-process as the person making this request. */
export const caller = createCaller(createContext);

/** The signed-in person of this request, or null. Pages check it themselves: it is the protection. */
export async function getSession(): Promise<ResolvedSession | null> {
  return (await createContext()).getSession();
}

/**
 * Fills this render's query cache. Await it to have the data in the first HTML, so the
 * page paints without a loading state.
 */
export async function prefetch<R extends ResolverDef>(queryOptions: ReturnType<TRPCQueryOptions<R>>): Promise<void> {
  await getQueryClient().prefetchQuery(queryOptions);
}

/** Hands this render's query cache to the client components below it. */
export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
