import "server-only";
import { randomUUID } from "node:crypto";
import { EventEmitter, on } from "node:events";

import { sql } from "drizzle-orm";
import * as z from "zod";

import { getDb, listen } from "@/server/db";

/** The channel the `app.tasks` trigger (drizzle/0006_task_change_notify.sql) notifies on. */
export const TASK_CHANGES_CHANNEL = "task_changes";

/**
 * What a subscriber hears: which of its tasks changed and how, or `resync` when it may have
 * missed changes (on subscribing, and after the database connection came back) and should
 * refetch. Never a task's content: views read that through the user's repository.
 */
export type TaskChange = { kind: "created" | "updated" | "deleted"; taskId: string } | { kind: "resync" };

export interface TaskChangeSource {
  /** LISTEN on `channel` (one session per instance); see `DatabaseHandle.listen`. */
  listen(channel: string, onPayload: (payload: string) => void, onListening: () => void): Promise<() => Promise<void>>;
  /** NOTIFY through the ordinary connections, to prove the listening session still hears. */
  notify(channel: string, payload: string): Promise<void>;
}

export interface TaskChanges {
  /**
   * The user's changes until `signal` aborts, starting with `resync`; resolves once they are
   * being heard (rejects if the database cannot be reached).
   */
  subscribe(userId: string, signal: AbortSignal | undefined): Promise<AsyncGenerator<TaskChange>>;
  close(): Promise<void>;
}

const notification = z.object({
  userId: z.string(),
  taskId: z.string(),
  kind: z.enum(["created", "updated", "deleted"]),
});
const heartbeat = z.object({ heartbeat: z.string() });

/** How often the listening session is proved alive; a lost one is replaced within two beats. */
export const HEARTBEAT_MS = 5_000;

/**
 * Fans the database's task notifications out to this instance's subscribers: one listening
 * session for the whole instance, one in-memory channel per user. postgres.js listens again
 * after a dropped connection, but a session that only listens sends nothing, so a silently
 * dead one (a half-open connection, a listen that never came back) would go unnoticed: a
 * heartbeat through the same channel proves the session hears, and replaces it if not.
 */
export function createTaskChanges(source: TaskChangeSource, { heartbeatMs = HEARTBEAT_MS } = {}): TaskChanges {
  const byUser = new EventEmitter();
  byUser.setMaxListeners(0);
  // Prefixed, so no user id can be an event `on()` treats specially ("error").
  const eventOf = (userId: string) => `user:${userId}`;
  const userEvents = () => byUser.eventNames().filter((event) => typeof event === "string" && event.startsWith("user:"));
  let listening: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let unansweredBeat: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function onPayload(payload: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return; // Not ours: anyone may NOTIFY on a channel.
    }
    const beat = heartbeat.safeParse(parsed);
    if (beat.success) {
      if (beat.data.heartbeat === unansweredBeat) unansweredBeat = null;
      return;
    }
    const change = notification.safeParse(parsed);
    if (change.success) byUser.emit(eventOf(change.data.userId), { kind: change.data.kind, taskId: change.data.taskId } satisfies TaskChange);
  }

  // After the first time, (re)starting to listen means notifications may have been missed.
  let starts = 0;
  function onListening() {
    starts += 1;
    if (starts > 1) for (const event of userEvents()) byUser.emit(event, { kind: "resync" } satisfies TaskChange);
  }

  function startListening(): Promise<void> {
    listening ??= source.listen(TASK_CHANGES_CHANNEL, onPayload, onListening).then(
      (stop) => {
        unlisten = stop;
      },
      (error: unknown) => {
        listening = undefined;
        throw error;
      },
    );
    timer ??= setInterval(() => void beat(), heartbeatMs).unref();
    return listening;
  }

  let beating = false;
  async function beat() {
    // One at a time: listening again can take the whole connect timeout while the server is down.
    if (beating || closed) return;
    beating = true;
    try {
      if (unansweredBeat !== null) {
        // The last beat never came back: listen afresh (subscribers get `resync` once it works).
        const stop = unlisten;
        listening = unlisten = undefined;
        await stop?.().catch(() => undefined);
        await startListening().catch(() => undefined);
      }
      const id = randomUUID();
      unansweredBeat = id;
      await source.notify(TASK_CHANGES_CHANNEL, JSON.stringify({ heartbeat: id })).catch(() => undefined);
    } finally {
      beating = false;
    }
  }

  return {
    async subscribe(userId, signal) {
      await startListening();
      // Registered in the same turn as listening was confirmed: nothing heard since is missed.
      const changes = on(byUser, eventOf(userId), { signal });
      return (async function* (): AsyncGenerator<TaskChange> {
        yield { kind: "resync" };
        for await (const [change] of changes) yield change as TaskChange;
      })();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await unlisten?.();
    },
  };
}

const globalForChanges = globalThis as typeof globalThis & { tasksChanges?: TaskChanges };

/** This instance's hub over the configured database (on globalThis: Next.js's bundles share it). */
export function appTaskChanges(): TaskChanges {
  return (globalForChanges.tasksChanges ??= createTaskChanges({
    listen,
    async notify(channel, payload) {
      await (await getDb()).execute(sql`select pg_notify(${channel}, ${payload})`);
    },
  }));
}
