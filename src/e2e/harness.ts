import { mkdirSync } from "node:fs";
import { join } from "node:path";

import axe from "axe-core";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import superjson from "superjson";
import { expect, inject, test } from "vitest";

import {
  startDevServer,
  startProductionServer,
  type ProductionServer,
  type ProductionServerOptions,
  type RunningServer,
} from "@/test/production-server";

import { CHROMIUM_PATH, INSTALL_CHROMIUM } from "./chromium";

const baseUrl = inject("e2eBaseUrl");
const postgresUrl = inject("e2ePostgresUrl");

const SCREENSHOT_DIR = join(process.cwd(), "test-results", "screenshots");

// Quiet, offline Chromium: no sandbox (root in a container), no GPU, none of the
// browser's own background traffic, which would also break the "no other hosts" check.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  // Host names under .test (reserved for testing) are the test's own servers: sibling sites.
  "--host-resolver-rules=MAP *.test 127.0.0.1",
];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface PersonOptions {
  name?: string;
  /** Every run starts from an empty database, so a fixed address is free once per run. */
  email?: string;
  colorScheme?: "light" | "dark";
  viewport?: { width: number; height: number };
}

type ContextOptions = Pick<PersonOptions, "colorScheme" | "viewport">;

export interface Person {
  name: string;
  email: string;
  password: string;
  context: BrowserContext;
  page: Page;
}

export interface BrowserHarness {
  baseUrl: string;
  /** With `twoInstances`: the two production instances (the first serves `baseUrl`). */
  instances: ProductionServer[];
  /** A new person with their own browser context (cookies, storage) and network address. */
  person(options?: PersonOptions): Promise<Person>;
  /** Another browser context for an existing person (signed out until they sign in). */
  newContext(options?: ContextOptions): Promise<BrowserContext>;
}

let people = 0;

/**
 * A test that drives Chromium against the production server. It fails on any uncaught page
 * error, any console error other than the browser's note about an HTTP error status (the
 * tests provoke those on purpose), and any request to a host other than the app.
 * Without Chromium it is reported as skipped, with the command that installs it.
 */
export function browserTest(name: string, body: (harness: BrowserHarness) => Promise<void>, options: BrowserTestOptions = {}): void {
  test(name, async ({ skip }) => {
    if (!baseUrl) return skip(`Chromium not found at ${CHROMIUM_PATH}; install it with: ${INSTALL_CHROMIUM}`);
    if (options.twoInstances && !postgresUrl) return skip("two instances need a PostgreSQL server: set TEST_DATABASE_URL");
    const servers: RunningServer[] = [];
    const instances: ProductionServer[] = [];
    const problems: string[] = [];
    try {
      await startOwnServers(options, servers, instances);
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      try {
        const urls = servers.length > 0 ? servers.map((server) => server.baseUrl) : [baseUrl];
        // next dev compiles a page on its first visit, often beyond Playwright's 30 s default.
        await body({ ...createHarness(browser, urls, problems, options.dev ? 120_000 : undefined), instances });
        expect(problems, "page errors, console errors or foreign requests").toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      // Last started first: the first instance drops the database the second serves.
      for (const server of servers.reverse()) await server.stop();
    }
  }, options.timeout);
}

/** The servers the test asked for (none: it uses the shared one), listed as each starts so a failed start still stops the rest. */
async function startOwnServers(options: BrowserTestOptions, servers: RunningServer[], instances: ProductionServer[]): Promise<void> {
  if (options.twoInstances) {
    const first = await startProductionServer({ postgresUrl, env: options.serverEnv });
    servers.push(first);
    const second = await startProductionServer({ shareDatabaseWith: first, env: options.serverEnv });
    servers.push(second);
    instances.push(first, second);
  } else if (options.dev) {
    servers.push(await startDevServer());
  } else if (options.serverEnv || options.host) {
    servers.push(await startProductionServer({ env: options.serverEnv, host: options.host }));
  }
}

export interface BrowserTestOptions {
  /**
   * Run against a production server of the test's own (a fresh database), started with this
   * environment: for tests that need other settings than the shared server's, or that would
   * use up its per-address limits (RATE_LIMIT_MULTIPLIER).
   */
  serverEnv?: ProductionServerOptions["env"];
  /** Run against a server of its own reached by this host name (passkeys need `localhost`, not an address). */
  host?: string;
  /**
   * Run against two production instances of the test's own over one fresh database on the
   * PostgreSQL server (TEST_DATABASE_URL; skipped without it). Pages may visit either.
   */
  twoInstances?: boolean;
  /** Run against `next dev` of the test's own (a fresh PGlite directory); its first compile is slow. */
  dev?: boolean;
  /** Milliseconds, for a test whose length grows with a list of cases (the project's default otherwise). */
  timeout?: number;
}

/** `urls`: the servers pages may talk to; contexts open the first. */
function createHarness(browser: Browser, urls: string[], problems: string[], timeout?: number): Omit<BrowserHarness, "instances"> {
  const [url = ""] = urls;
  // The app, or a sibling site the test serves under a .test name.
  const isOwnServer = (requestUrl: string) =>
    urls.some((allowed) => requestUrl.startsWith(allowed)) || (/^https?:/.test(requestUrl) && new URL(requestUrl).hostname.endsWith(".test"));
  async function newContext({ colorScheme = "light", viewport = DESKTOP }: ContextOptions = {}) {
    people += 1;
    const context = await browser.newContext({
      baseURL: url,
      colorScheme,
      viewport,
    });
    if (timeout) context.setDefaultTimeout(timeout);
    context.on("request", (request) => {
      const requestUrl = request.url();
      if (!isOwnServer(requestUrl) && !/^(data|blob):/.test(requestUrl)) problems.push(`request to ${requestUrl}`);
    });
    context.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
        problems.push(`console error: ${message.text()}`);
      }
    });
    context.on("weberror", (error) => problems.push(`page error: ${error.error().message}`));
    return context;
  }

  return {
    baseUrl: url,
    newContext,
    async person({ name, email, ...options } = {}) {
      const context = await newContext(options);
      const page = await context.newPage();
      const id = `${Date.now().toString(36)}-${people}`;
      return {
        name: name ?? `Person ${people}`,
        email: email ?? `person-${id}@example.com`,
        password: `a long passphrase ${id}`,
        context,
        page,
      };
    },
  };
}

/** Signs a new person up through the form and waits for their task list. */
export async function signUp(person: Person): Promise<void> {
  const { page } = person;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(person.name);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/tasks");
  await page.getByRole("heading", { name: "Your tasks" }).waitFor();
}

/** Signs out from the task page and waits for the sign-in page. */
export async function signOut(page: Page): Promise<void> {
  await page.goto("/tasks");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
}

export async function signIn(page: Page, person: Pick<Person, "email" | "password">): Promise<void> {
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Adds a task through the form with Enter and waits until the list shows it. */
export async function addTask(page: Page, title: string): Promise<void> {
  // Enter adds nothing until the page is hydrated; its submit button is disabled until then.
  await page.getByRole("form", { name: "Add a task" }).locator("button[type=submit]:enabled").waitFor();
  await page.getByLabel("New task").fill(title);
  await page.getByLabel("New task").press("Enter");
  await taskCheckbox(page, title).waitFor();
}

export function taskCheckbox(page: Page, title: string): Locator {
  return page.getByRole("checkbox", { name: title, exact: true });
}

/** The list item of the task with this exact title. */
export function taskRow(page: Page, title: string): Locator {
  return page.getByRole("listitem").filter({ has: taskCheckbox(page, title) });
}

/** The titles the list shows, top to bottom. */
export function visibleTitles(page: Page): Promise<string[]> {
  return page.getByRole("checkbox").evaluateAll((boxes) => boxes.map((box) => box.getAttribute("aria-label") ?? ""));
}

/** The count shown on a filter button ("All", "Active", "Completed"). */
export async function filterCount(page: Page, label: string): Promise<string> {
  const text = await page.getByRole("group", { name: "Show tasks" }).getByRole("button", { name: label }).innerText();
  return text.replace(label, "").trim();
}

export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** axe-core's WCAG 2.1 A/AA violations on the current page, as "rule: selector" lines. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const { axe: runner } = window as unknown as { axe: typeof axe };
    const result = await runner.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] });
    return result.violations.flatMap((violation) =>
      violation.nodes.map((node) => `${violation.id}: ${node.target.join(" ")} (${violation.help})`),
    );
  });
}

/**
 * Calls a tRPC procedure over HTTP as the person signed in on `page` (their cookies), the
 * way the app's own client does: superjson bodies, one procedure per request.
 */
export async function callApi(
  page: Page,
  procedure: string,
  input: unknown,
  kind: "query" | "mutation" = "mutation",
): Promise<{ status: number; body: unknown }> {
  const payload = superjson.serialize(input);
  const response =
    kind === "mutation"
      ? await page.request.post(`/api/trpc/${procedure}`, { data: payload })
      : await page.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(payload))}`);
  return { status: response.status(), body: await response.json() };
}

/** The data of every server-sent message the page receives, read from Chromium's network log. */
export async function recordEvents(page: Page): Promise<string[]> {
  const events: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  // tRPC's own `connected` and `ping` events are named; the procedure's data is a plain message.
  cdp.on("Network.eventSourceMessageReceived", (message) => message.eventName === "message" && events.push(message.data));
  await cdp.send("Network.enable");
  return events;
}

/** Waits until the page's subscription says it hears changes (its first `resync`). */
export async function waitUntilLive(page: Page, events: string[]): Promise<void> {
  await expect.poll(() => events.some((data) => data.includes('"resync"')), { timeout: 10_000 }).toBe(true);
  // The refetch that the resync asks for, so it is not counted as a reaction to anything later.
  await page.waitForTimeout(300);
}

/** The id of a task shown on `page`, read from its checkbox. */
export async function taskId(page: Page, title: string): Promise<string> {
  const id = await taskCheckbox(page, title).getAttribute("id");
  const match = id?.match(/^task-(.+)-done$/);
  if (!match?.[1]) throw new Error(`no task id on the checkbox of “${title}”`);
  return match[1];
}
