import { passkeyClient } from "@better-auth/passkey/client";
import { twoFactorClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

/**
 * Better Auth's browser client. With no base URL it calls `/api/auth` on the page's own
 * origin, so the app works under whatever host name people reach it by.
 */
export const authClient = createAuthClient({
  // The sign-in form asks for the code itself when a sign-in answers `twoFactorRedirect`.
  plugins: [twoFactorClient(), passkeyClient()],
});
