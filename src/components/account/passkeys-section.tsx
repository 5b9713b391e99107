"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import { card, dangerButton, mutedText, primaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

import { ActionOutcome } from "./action-outcome";
import { AuthRefusal, errorMessage, unwrap } from "./auth-errors";

const PASSKEYS_QUERY_KEY = ["auth", "passkeys"] as const;
const NAME_MAX_LENGTH = 50;
const date = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** Passkeys: sign in with the device's lock (fingerprint, face, PIN) instead of the password. */
export function PasskeysSection() {
  const queryClient = useQueryClient();
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const passkeys = useQuery({ queryKey: PASSKEYS_QUERY_KEY, queryFn: () => unwrap(authClient.passkey.listUserPasskeys()) });

  const onSettled = () => queryClient.invalidateQueries({ queryKey: PASSKEYS_QUERY_KEY });
  const onMutate = () => {
    setFailure(null);
    setNotice(null);
  };
  const add = useMutation({
    mutationFn: async (name: string) => {
      if (typeof window.PublicKeyCredential === "undefined") throw new Error("This browser cannot use passkeys.");
      await unwrap(authClient.passkey.addPasskey(name ? { name } : {}));
    },
    onMutate,
    onSuccess: () => setNotice("Passkey added. You can now sign in with it."),
    onError: (error) => setFailure(error instanceof AuthRefusal ? errorMessage(error) : error.message),
    onSettled,
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(authClient.passkey.deletePasskey({ id })),
    onMutate,
    onSuccess: () => setNotice("Passkey removed."),
    onError: (error) => setFailure(errorMessage(error)),
    onSettled,
  });

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim().slice(0, NAME_MAX_LENGTH);
    add.mutate(name, { onSuccess: () => form.reset() });
  }

  return (
    <section aria-labelledby="passkeys-heading" className={`${card} p-5 sm:p-6`}>
      <h2 id="passkeys-heading" className="text-lg font-semibold">
        Passkeys
      </h2>
      <p className={`mt-1 text-sm ${mutedText}`}>
        Sign in with this device’s fingerprint, face or PIN instead of your password. The key stays on the device.
      </p>
      <ActionOutcome notice={notice} failure={failure} />
      {passkeys.isPending ? (
        <p className={`mt-4 text-sm ${mutedText}`}>Loading your passkeys…</p>
      ) : passkeys.isError ? (
        <p role="alert" className="mt-4 text-sm text-red-700 dark:text-red-300">
          {errorMessage(passkeys.error)}
        </p>
      ) : passkeys.data.length === 0 ? (
        <p className={`mt-4 text-sm ${mutedText}`}>No passkeys yet.</p>
      ) : (
        <ul aria-label="Your passkeys" className="mt-4 divide-y divide-slate-200 dark:divide-slate-700">
          {passkeys.data.map((passkey) => {
            const name = passkey.name || "Passkey";
            return (
              <li key={passkey.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="font-medium break-all">{name}</p>
                  {passkey.createdAt ? <p className={`text-sm ${mutedText}`}>Added {date.format(new Date(passkey.createdAt))}</p> : null}
                </div>
                <button type="button" onClick={() => remove.mutate(passkey.id)} disabled={remove.isPending} className={dangerButton}>
                  Remove<span className="sr-only"> passkey {name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={onAdd} noValidate className="mt-4 space-y-4">
        <TextField name="name" label="Name for a new passkey (optional)" type="text" autoComplete="off" error={undefined} hint="For example “Work laptop”." />
        <SubmitButton disabled={add.isPending} aria-busy={add.isPending} className={primaryButton}>
          {add.isPending ? "Waiting for your device…" : "Add a passkey"}
        </SubmitButton>
      </form>
    </section>
  );
}
