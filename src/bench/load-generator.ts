import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

import type { Cleanup } from "./cleanup";
import type { LoadCommand, LoadReply, LoadResult } from "./load-protocol";
import { stopChild } from "./processes";

export interface LoadGenerator {
  run(command: Omit<LoadCommand, "id">): Promise<LoadResult>;
}

/** Starts the load generator process (`load.ts`); `cleanup` stops it. */
export function startLoadGenerator(cleanup: Cleanup): LoadGenerator {
  const child = fork(fileURLToPath(new URL("./load.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  cleanup.defer("stop the load generator", () => stopChild(child));
  let nextId = 0;

  return {
    run(command) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const onMessage = (reply: LoadReply) => {
          if ((reply.type === "result" ? reply.result.id : reply.id) !== id) return;
          settle();
          if (reply.type === "result") resolve(reply.result);
          else reject(new Error(`load generator: ${reply.message}`));
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          settle();
          reject(new Error(`the load generator exited (${code ?? signal})`));
        };
        const settle = () => {
          child.off("message", onMessage);
          child.off("exit", onExit);
        };
        child.on("message", onMessage);
        child.once("exit", onExit);
        // With a callback a failed send (the process is gone) rejects instead of crashing the bench.
        child.send({ ...command, id } satisfies LoadCommand, (error) => {
          if (!error) return;
          settle();
          reject(error);
        });
      });
    },
  };
}
