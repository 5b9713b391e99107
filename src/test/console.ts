import { vi, type MockInstance } from "vitest";

let errorSpy: MockInstance<typeof console.error> | undefined;

/** Starts recording console.error (from the setup file, before each test). */
export function trapConsoleErrors(): void {
  errorSpy = vi.spyOn(console, "error").mockImplementation(() => {});
}

/** Returns what console.error received since the last call and forgets it: for tests that expect errors. */
export function takeConsoleErrors(): string[] {
  const lines = (errorSpy?.mock.calls ?? []).map((call) => call.map(String).join(" "));
  errorSpy?.mockClear();
  return lines;
}

/** Fails the test if console.error was called and not taken (from the setup file, after each test). */
export function assertNoConsoleErrors(): void {
  const lines = takeConsoleErrors();
  errorSpy?.mockRestore();
  errorSpy = undefined;
  if (lines.length > 0) throw new Error(`console.error was called during the test:\n${lines.join("\n")}`);
}
