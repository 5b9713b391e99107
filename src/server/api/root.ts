import "server-only";

import { taskRouter } from "@/server/tasks/task-router";

import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  task: taskRouter,
});

/** The API's type; clients get every input and output type from it. */
export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests) with a given context. */
export const createCaller = createCallerFactory(appRouter);
