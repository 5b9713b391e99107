/**
 * The auth process (see auth-process.ts): serves the `/api/auth/*` requests the production
 * server hands it over IPC, with the same handlers as the route inside Next.js.
 */
import "server-only";

import { closeDb } from "@/server/db";
import { logError } from "@/server/log";

import type { AuthReply, AuthRequest, ToAuthProcess } from "./auth-process";
import { authRoute } from "./http";

if (!process.send) throw new Error("auth-process-entry.ts runs only as the auth process of src/server/main.ts");
const reply = (message: AuthReply) => process.send?.(message);

// The server that started this process decides when it ends: a Ctrl-C in a terminal reaches
// the whole process group, and requests still draining need this process until they are done.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => undefined);
// If that server is gone, so is everyone who could send a request.
process.on("disconnect", () => process.exit(0));

process.on("message", (message: ToAuthProcess) => {
  if (message.kind === "request") void serve(message);
  else void closeDb().finally(() => process.exit(0));
});
reply({ kind: "ready" });

async function serve({ id, method, url, headers, body }: AuthRequest): Promise<void> {
  try {
    const request = new Request(url, { method, headers, body });
    const response = await (method === "OPTIONS" ? authRoute.preflight(request) : authRoute.handle(request));
    reply({
      kind: "response",
      id,
      status: response.status,
      headers: [...response.headers].filter(([name]) => name !== "set-cookie"),
      setCookies: response.headers.getSetCookie(),
      body: new Uint8Array(await response.arrayBuffer()),
    });
  } catch (error) {
    logError("auth.process.error", { path: new URL(url).pathname }, error);
    reply({ kind: "failure", id });
  }
}
