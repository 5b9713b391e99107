import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

/** One query client per request on the server and one per tab in the browser. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Data prefetched on the server is fresh on arrival; refetching it at once would
        // only repeat the server's work.
        staleTime: 30_000,
      },
      mutations: {
        // Send even when the browser says it is offline: the request then fails at once and
        // the change is undone and explained, rather than waiting silently ("Adding…") for a
        // connection that may never come back before the tab is closed.
        networkMode: "always",
      },
      // Dates survive the trip from the server render to the browser as dates.
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: {
        deserializeData: superjson.deserialize,
      },
    },
  });
}
