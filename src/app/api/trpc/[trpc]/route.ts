import { handleTRPCRequest } from "@/server/api/http";
import { createTRPCContext } from "@/server/api/trpc";
import { withCors } from "@/server/http/cors";
import { configuredOriginPolicy } from "@/server/http/origins";

const { handle, preflight } = withCors(configuredOriginPolicy, (request) =>
  handleTRPCRequest(request, createTRPCContext, configuredOriginPolicy()),
);

export { handle as GET, handle as POST, preflight as OPTIONS };
