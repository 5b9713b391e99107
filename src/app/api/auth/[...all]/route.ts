import { authRoute } from "@/server/auth/http";

const { handle, preflight } = authRoute;

export { handle as GET, handle as POST, preflight as OPTIONS };
