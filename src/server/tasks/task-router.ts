import "server-only";
import { TRPCError } from "@trpc/server";
import * as z from "zod";

import { createTaskInput, listTasksFilters, restoreTaskInput, taskIdInput, updateTaskInput } from "@/lib/validators/task";
import { createTRPCRouter, protectedProcedure } from "@/server/api/trpc";

import { taskCursorSchema } from "./cursor";

// tRPC's infinite queries send `direction` beside the cursor; pages only go forward.
const listTasksInput = listTasksFilters
  .extend({ cursor: taskCursorSchema.nullish(), direction: z.literal("forward").optional() })
  .refine((input) => !input.cursor || input.cursor.sort === input.sort, {
    error: "Invalid cursor: it belongs to another sort order",
    path: ["cursor"],
  })
  .prefault({});

// One message for "missing" and "someone else's": the API never confirms another user's task exists.
function taskNotFound(): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: "Task not found." });
}

// A JWT outlives the account it names.
function accountGone(): TRPCError {
  return new TRPCError({ code: "UNAUTHORIZED", message: "This account no longer exists. Sign in again." });
}

function quotaExceeded(quota: number): TRPCError {
  return new TRPCError({
    code: "FORBIDDEN",
    message: `You have ${quota.toLocaleString("en")} tasks, the most one account can hold. Delete some to add more.`,
  });
}

export const taskRouter = createTRPCRouter({
  list: protectedProcedure
    .input(listTasksInput)
    .query(({ ctx, input: { direction: _direction, ...options } }) => ctx.tasks.list(options)),

  byId: protectedProcedure.input(taskIdInput).query(async ({ ctx, input }) => {
    const task = await ctx.tasks.getById(input.id);
    if (!task) throw taskNotFound();
    return task;
  }),

  create: protectedProcedure.input(createTaskInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.tasks.create(input);
    if (result.status === "account_gone") throw accountGone();
    if (result.status === "quota_exceeded") throw quotaExceeded(result.quota);
    return result.task;
  }),

  update: protectedProcedure.input(updateTaskInput).mutation(async ({ ctx, input }) => {
    const { id, expectedVersion, ...patch } = input;
    const result = await ctx.tasks.update(id, patch, expectedVersion);
    switch (result.status) {
      case "updated":
        return result.task;
      case "not_found":
        throw taskNotFound();
      case "conflict":
        throw new TRPCError({
          code: "CONFLICT",
          message: `This task was changed elsewhere (now at version ${result.currentVersion}). Reload it and try again.`,
        });
    }
  }),

  delete: protectedProcedure.input(taskIdInput).mutation(async ({ ctx, input }) => {
    const removed = await ctx.tasks.remove(input.id);
    if (!removed) throw taskNotFound();
    return removed;
  }),

  /** Undo of `delete`: puts the task it returned back, unchanged. */
  restore: protectedProcedure.input(restoreTaskInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.tasks.restore(input);
    switch (result.status) {
      case "created":
        return result.task;
      case "id_taken":
        // Whoever holds the id: the answer never says whether it is someone else's task.
        throw new TRPCError({ code: "CONFLICT", message: "A task with this id already exists, so nothing was restored." });
      case "account_gone":
        throw accountGone();
      case "quota_exceeded":
        throw quotaExceeded(result.quota);
    }
  }),

  stats: protectedProcedure.query(({ ctx }) => ctx.tasks.stats()),

  /**
   * Which of the caller's tasks change, as they commit, on any instance: ids and kinds only.
   * Server-sent events; the input is only what tRPC's client sends when it reconnects.
   */
  onChange: protectedProcedure
    .input(z.object({ lastEventId: z.string().max(200).nullish() }).optional())
    .subscription(({ ctx, signal }) => ctx.taskChanges.subscribe(ctx.user.id, signal)),
});
