"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { card, mutedText, secondaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

import { ActionOutcome } from "./action-outcome";
import { errorMessage, unwrap } from "./auth-errors";
import { describeDevice } from "./device";

export const SESSIONS_QUERY_KEY = ["auth", "sessions"] as const;

interface ActiveSession {
  id: string;
  token: string;
  userAgent?: string | null | undefined;
  createdAt: Date;
  updatedAt: Date;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function SessionsList({ currentSessionId }: { currentSessionId: string }) {
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sessions = useQuery({
    queryKey: SESSIONS_QUERY_KEY,
    queryFn: async (): Promise<ActiveSession[]> => {
      const list = await unwrap(authClient.listSessions());
      // Most recently used first; this device leads.
      return [...list].sort((a, b) =>
        a.id === currentSessionId ? -1 : b.id === currentSessionId ? 1 : b.updatedAt.getTime() - a.updatedAt.getTime(),
      );
    },
  });

  const revoke = useMutation({
    mutationFn: async (target: { token: string } | "others") => {
      await unwrap(target === "others" ? authClient.revokeOtherSessions() : authClient.revokeSession(target));
      return target;
    },
    onMutate: () => {
      setFailure(null);
      setNotice(null);
    },
    onSuccess: (target) => setNotice(target === "others" ? "Signed out on every other device." : "Signed out on that device."),
    onError: (error) => setFailure(errorMessage(error)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY }),
  });

  const others = sessions.data?.filter((session) => session.id !== currentSessionId) ?? [];

  return (
    <section aria-labelledby="sessions-heading" className={`${card} p-5 sm:p-6`}>
      <h2 id="sessions-heading" className="text-lg font-semibold">
        Where you’re signed in
      </h2>
      <p className={`mt-1 text-sm ${mutedText}`}>Sign out anywhere you don’t recognise, or no longer use.</p>

      <ActionOutcome notice={notice} failure={failure} />

      {sessions.isPending ? (
        <p className={`mt-4 text-sm ${mutedText}`}>Loading your sessions…</p>
      ) : sessions.isError ? (
        <div role="alert" className="mt-4 text-sm text-red-700 dark:text-red-300">
          <p>{errorMessage(sessions.error)}</p>
          <button type="button" onClick={() => void sessions.refetch()} className={`${secondaryButton} mt-2`}>
            Try again
          </button>
        </div>
      ) : (
        <>
          <ul aria-label="Active sessions" className="mt-4 divide-y divide-slate-200 dark:divide-slate-700">
            {sessions.data.map((session) => {
              const device = describeDevice(session.userAgent);
              const current = session.id === currentSessionId;
              return (
                <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                  <div>
                    <p className="font-medium">
                      {device}
                      {current ? (
                        <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
                          This device
                        </span>
                      ) : null}
                    </p>
                    <p className={`text-sm ${mutedText}`}>
                      Signed in {dateTime.format(session.createdAt)} · last used {dateTime.format(session.updatedAt)}
                    </p>
                  </div>
                  {current ? null : (
                    <button
                      type="button"
                      onClick={() => revoke.mutate({ token: session.token })}
                      disabled={revoke.isPending}
                      className={secondaryButton}
                    >
                      Sign out<span className="sr-only"> {device}, last used {dateTime.format(session.updatedAt)}</span>
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {others.length > 0 ? (
            <button type="button" onClick={() => revoke.mutate("others")} disabled={revoke.isPending} className={`${secondaryButton} mt-3`}>
              Sign out everywhere else
            </button>
          ) : (
            <p className={`mt-3 text-sm ${mutedText}`}>You’re not signed in anywhere else.</p>
          )}
        </>
      )}
    </section>
  );
}
