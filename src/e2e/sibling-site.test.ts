import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { build } from "esbuild";
import { afterAll } from "vitest";

import { addTask, browserTest, signUp } from "./harness";

/**
 * What a docs site beside the app runs: Better Auth's official client reads the shared
 * session, and tRPC's client lists the person's tasks, both with `credentials: 'include'`.
 */
const DOCS_SCRIPT = `
import { createAuthClient } from "better-auth/client";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

const app = document.documentElement.dataset.app;
const auth = createAuthClient({ baseURL: app, fetchOptions: { credentials: "include" } });
const api = createTRPCClient({
  links: [httpLink({ url: app + "/api/trpc", transformer: superjson, fetch: (url, init) => fetch(url, { ...init, credentials: "include" }) })],
});
const show = (id, text) => (document.getElementById(id).textContent = text);

async function render() {
  const { data } = await auth.getSession();
  show("who", data ? "Signed in as " + data.user.email : "Signed out");
  if (data) show("tasks", (await api.task.list.query({})).items.map((task) => task.title).join(", "));
}
document.getElementById("sign-out").onclick = async () => {
  await auth.signOut();
  await render();
};
render().catch((error) => show("who", "Failed: " + error.message));
`;

/** The docs site: its own small server on loopback, the page's script bundled by esbuild. */
async function serveDocs() {
  const bundle = await build({
    stdin: { contents: DOCS_SCRIPT, resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((request, response) => {
    const app = new URL(request.url ?? "/", "http://docs").searchParams.get("app") ?? "";
    // What the docs site's own server could do with it: forward it to get-session.
    const cookie = /(^|; )better-auth\.session_token=/.test(request.headers.cookie ?? "") ? "received" : "did not receive";
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html lang="en" data-app="${app.replace(/[^\w:./-]/g, "")}"><title>Docs</title>
<p>This site's server ${cookie} the session cookie.</p><p id="who">…</p><p id="tasks"></p><button id="sign-out">Sign out</button>
<script type="module">${script}</script></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://docs.example.test:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const docsSite = await serveDocs();
afterAll(() => docsSite.close());

browserTest(
  "a sibling site under AUTH_COOKIE_DOMAIN reads the session with Better Auth's client and calls the API",
  async ({ baseUrl, person }) => {
    const alice = await person({ name: "Alice" });
    await signUp(alice);
    await addTask(alice.page, "Read the docs");

    const docs = await alice.context.newPage();
    await docs.goto(`${docsSite.url}/?app=${encodeURIComponent(baseUrl)}`);
    await docs.getByText("This site's server received the session cookie.").waitFor();
    await docs.getByText(`Signed in as ${alice.email}`).waitFor();
    await docs.getByText("Read the docs").waitFor();

    // Signing out there ends the one session: the app asks for a sign-in again.
    await docs.getByRole("button", { name: "Sign out" }).click();
    await docs.getByText("Signed out").waitFor();
    await alice.page.goto("/tasks");
    await alice.page.getByRole("heading", { name: "Sign in" }).waitFor();
  },
  {
    host: "app.example.test",
    serverEnv: { AUTH_COOKIE_DOMAIN: "example.test", TRUSTED_ORIGINS: docsSite.url },
  },
);
