import type { Page } from "playwright-core";
import { expect } from "vitest";

import { accessibilityViolations, browserTest, signOut, signUp } from "./harness";

/**
 * A platform authenticator that says yes at once, through the DevTools protocol: what a
 * fingerprint reader does for a person. It keeps its credentials for the page's life.
 */
async function addVirtualAuthenticator(page: Page) {
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("WebAuthn.enable");
  const { authenticatorId } = await devtools.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await devtools.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
  };
}

function passkeysSection(page: Page) {
  return page.getByRole("region", { name: "Passkeys" });
}

browserTest(
  "passkeys: added on the account page, they sign in without a password; removed, they no longer do",
  async ({ person }) => {
    const alice = await person({ name: "Alice" });
    await signUp(alice);
    const { page } = alice;
    const authenticator = await addVirtualAuthenticator(page);

    await page.goto("/account");
    const section = passkeysSection(page);
    await section.getByText("No passkeys yet.").waitFor();
    await section.getByLabel("Name for a new passkey (optional)").fill("Work laptop");
    await section.getByRole("button", { name: "Add a passkey" }).click();
    await section.getByText("Passkey added. You can now sign in with it.").waitFor();
    await section.getByRole("list", { name: "Your passkeys" }).getByText("Work laptop", { exact: true }).waitFor();
    expect(await authenticator.credentials()).toHaveLength(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The same device again: the browser refuses a second passkey for one account.
    await section.getByRole("button", { name: "Add a passkey" }).click();
    await section.getByText("This device already holds a passkey for your account.").waitFor();

    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL("**/tasks");
    await page.getByRole("heading", { name: "Your tasks" }).waitFor();

    await page.goto("/account");
    await section.getByRole("button", { name: "Remove passkey Work laptop" }).click();
    await section.getByText("Passkey removed.").waitFor();
    await section.getByText("No passkeys yet.").waitFor();

    // The device still offers its key, but the app no longer knows it.
    await signOut(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByText("That passkey is no longer registered here. Sign in with your password, then add it again.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  },
  // A passkey belongs to a host name, and WebAuthn refuses an IP address for one.
  { host: "localhost" },
);
