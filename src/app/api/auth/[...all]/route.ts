import { authRoute } from "@/server/auth/http";

// The production server (src/server/main.ts) answers these in its auth process instead,
// when it runs on PostgreSQL; `next dev` and PGlite deployments come here.
const { handle, preflight } = authRoute;

export { handle as GET, handle as POST, preflight as OPTIONS };
