/**
 * What the bench started, undone in reverse order: on success, on failure and on Ctrl-C.
 * Every step runs even when an earlier one fails, and each runs once however often
 * `run()` is called (a signal can arrive while the main path is already cleaning up).
 */
export interface Cleanup {
  /** Registers an undo step; it runs before every step registered earlier. */
  defer(description: string, step: () => Promise<void> | void): void;
  run(): Promise<void>;
}

export function createCleanup(): Cleanup {
  const steps: { description: string; step: () => Promise<void> | void }[] = [];
  let running: Promise<void> | undefined;

  async function runSteps() {
    for (let next = steps.pop(); next; next = steps.pop()) {
      try {
        await next.step();
      } catch (error) {
        console.error(`bench: cleanup failed to ${next.description}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  return {
    defer(description, step) {
      steps.push({ description, step });
    },
    run() {
      // A step deferred while cleanup runs (a server still starting) is picked up by the loop.
      running ??= runSteps().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
