/**
 * Runs once when the Next.js server starts (not during `next build`): validates the
 * environment and opens the database, so a misconfiguration or a PGlite directory held by
 * another process stops start-up with a clear message instead of failing the first request.
 */
export async function register() {
  // Next.js inlines NEXT_RUNTIME per bundle; this keeps Node-only modules out of edge bundles.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareServer } = await import("./server/startup");
  await prepareServer();
}
