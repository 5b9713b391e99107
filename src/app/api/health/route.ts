import { isDatabaseHealthy } from "@/server/db/health";
import { isShuttingDown } from "@/server/lifecycle";

export const dynamic = "force-dynamic";

/** Readiness for load balancers and people: the database answers, and the server is not stopping. */
export async function GET() {
  const stopping = isShuttingDown();
  const healthy = !stopping && (await isDatabaseHealthy());
  const body = healthy
    ? { status: "ok", database: "ok" }
    : { status: stopping ? "shutting-down" : "error", database: stopping ? "not checked" : "unavailable" };
  return Response.json(body, {
    status: healthy ? 200 : 503,
    headers: { "cache-control": "no-store", ...(healthy ? {} : { "retry-after": "5" }) },
  });
}
