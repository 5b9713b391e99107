import type { NextConfig } from "next";

import { STATIC_SECURITY_HEADERS } from "./src/server/http/security-headers";

const nextConfig: NextConfig = {
  // Both drivers load native/wasm assets at runtime; bundling them breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "postgres"],
  // `next dev` viewed at 127.0.0.1 would otherwise never hydrate.
  allowedDevOrigins: ["127.0.0.1"],
  poweredByHeader: false,
  typedRoutes: true,
  // Per-page headers (the CSP nonce, HSTS, no-store) are set in src/proxy.ts.
  headers: async () => [
    {
      source: "/:path*",
      headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
    },
  ],
};

export default nextConfig;
