import * as fc from "fast-check";
import { expect, test } from "vitest";

import { OPEN_REDIRECT_FORMS } from "@/test/open-redirects";

import { safeNextPath } from "./next-path";

/** What any returned path must be: one "/" then neither "/" nor "\", resolving to the same origin and to itself. */
function expectInAppPath(path: string, input: string) {
  expect(path, input).toMatch(/^\/(?![/\\])/);
  for (const base of ["http://127.0.0.1:3000", "https://app.example.com/deep/page?x=1#y"]) {
    const url = new URL(path, base);
    expect(url.origin, input).toBe(new URL(base).origin);
    expect(`${url.pathname}${url.search}${url.hash}`, `${input} is returned normalised`).toBe(path);
  }
  expect(safeNextPath(path), input).toBe(path);
}

test("sends people back to the page of this site they came from", () => {
  expect(safeNextPath("/tasks")).toBe("/tasks");
  expect(safeNextPath("/tasks?status=active#top")).toBe("/tasks?status=active#top");
  expect(safeNextPath("/account")).toBe("/account");
  expect(safeNextPath("/")).toBe("/");
  expect(safeNextPath("/tasks/0b6f3c1e-1b1a-4c52-9d6e-0f1e2d3c4b5a")).toBe("/tasks/0b6f3c1e-1b1a-4c52-9d6e-0f1e2d3c4b5a");
  expect(safeNextPath("/tasks/../account")).toBe("/account");
  expect(safeNextPath("/tasks/é")).toBe("/tasks/%C3%A9");
});

test("never sends people to another site (open redirect)", () => {
  for (const next of ["https://evil.example/", "//evil.example/tasks", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)", "tasks"]) {
    expect(safeNextPath(next), next).toBe("/tasks");
  }
});

test("open redirect: dot segments, encodings and control characters that resolve to //host or /\\host fall back to the task list", () => {
  expect(OPEN_REDIRECT_FORMS.length).toBeGreaterThanOrEqual(20);
  for (const next of OPEN_REDIRECT_FORMS) expect(safeNextPath(next), JSON.stringify(next)).toBe("/tasks");
});

test("open redirect: whatever comes in, what comes out is a normalised path of this site", () => {
  const piece = fc.constantFrom(
    ...["/", "//", "\\", ".", "..", "%2e", "%2E%2e", "%2F", "%2f", "%5C", "%5c", "%09", "%0d%0a", "\t", "\n", " ", "?", "#", "@", ":"],
    ...["evil.example", "tasks", "account", "sign-in", "https:", "javascript:", "%", "%E3%80%82", "é", "\u0000", "\u3002", "x=1&y=/"],
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
      const next = pieces.join("");
      expectInAppPath(safeNextPath(next), JSON.stringify(next));
    }),
    { numRuns: 1000 },
  );
  for (const next of OPEN_REDIRECT_FORMS) expectInAppPath(safeNextPath(next), JSON.stringify(next));
});

test("falls back to the task list when there is nowhere sensible to go", () => {
  expect(safeNextPath(undefined)).toBe("/tasks");
  expect(safeNextPath(["/a", "/b"])).toBe("/tasks");
  expect(safeNextPath("/sign-in?next=/tasks")).toBe("/tasks");
  expect(safeNextPath("/sign-up/")).toBe("/tasks");
});
