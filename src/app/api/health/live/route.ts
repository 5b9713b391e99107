export const dynamic = "force-dynamic";

/**
 * Liveness: answers as long as the process serves requests, without touching the database,
 * so an orchestrator restarts a hung process but not one whose database is briefly away
 * (`/api/health` reports that). The benchmark uses it as the server's cost floor.
 */
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
