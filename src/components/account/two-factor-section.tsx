"use client";

import { useRouter } from "next/navigation";
import QRCode from "qrcode";
import { useState, type FormEvent } from "react";

import { SubmitButton } from "@/components/submit-button";
import { focusFirstInvalid, TextField } from "@/components/text-field";
import { card, formAlert, mutedText, primaryButton, secondaryButton } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

import { AuthRefusal, errorMessage, unwrap } from "./auth-errors";

/** Set-up in progress: the app's QR code and secret, and the backup codes shown once confirmed. */
interface Setup {
  qrCode: string;
  secret: string;
  backupCodes: string[];
}

/** Drawn here, not by an outside service: the secret never leaves the page. */
async function startSetup(totpURI: string, backupCodes: string[]): Promise<Setup> {
  const svg = await QRCode.toString(totpURI, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
  return {
    qrCode: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
    secret: new URL(totpURI).searchParams.get("secret") ?? "",
    backupCodes,
  };
}

/** Reads a required field, or marks it invalid with `message` and returns null. */
function requiredField(form: HTMLFormElement, name: string, message: string, setError: (message: string) => void): string | null {
  const value = String(new FormData(form).get(name) ?? "").trim();
  if (value) return value;
  setError(message);
  focusFirstInvalid(form);
  return null;
}

/** Turns two-factor sign-in on (scan, confirm with a code, keep the backup codes) and off. */
export function TwoFactorSection({ enabled }: { enabled: boolean }) {
  const router = useRouter();
  const [stage, setStage] = useState<"idle" | "scan" | "codes">("idle");
  const [setup, setSetup] = useState<Setup | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  /** Runs one step; a refusal about the field's value goes next to it, anything else above the button. */
  async function step(form: HTMLFormElement, fieldCodes: string[], action: () => Promise<void>) {
    setFormError(null);
    setFieldError(undefined);
    setSending(true);
    try {
      await action();
      form.reset();
    } catch (error) {
      if (error instanceof AuthRefusal && fieldCodes.includes(error.error.code ?? "")) {
        setFieldError(error.error.code === "INVALID_CODE" ? "That code isn’t right. Check the app and try again." : errorMessage(error));
        focusFirstInvalid(form);
      } else {
        setFormError(errorMessage(error));
      }
    } finally {
      setSending(false);
    }
  }

  function onEnable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const password = requiredField(form, "password", "Enter your password", setFieldError);
    if (password === null || sending) return;
    void step(form, ["INVALID_PASSWORD"], async () => {
      const started = await unwrap(authClient.twoFactor.enable({ password, method: "totp" }));
      if (started.method !== "totp") throw new AuthRefusal({ status: 500 });
      setSetup(await startSetup(started.totpURI, started.backupCodes));
      setStage("scan");
    });
  }

  function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const code = requiredField(form, "code", "Enter the 6-digit code the app shows", setFieldError);
    if (code === null || sending) return;
    void step(form, ["INVALID_CODE"], async () => {
      await unwrap(authClient.twoFactor.verifyTotp({ code: code.replace(/\s+/g, "") }));
      setStage("codes");
      // Turning it on replaced this device's session: the page must follow.
      router.refresh();
    });
  }

  function onDisable(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const password = requiredField(form, "password", "Enter your password", setFieldError);
    if (password === null || sending) return;
    void step(form, ["INVALID_PASSWORD"], async () => {
      await unwrap(authClient.twoFactor.disable({ password }));
      setStage("idle");
      router.refresh();
    });
  }

  const alert = formError ? (
    <p role="alert" className={formAlert}>
      {formError}
    </p>
  ) : null;

  return (
    <section aria-labelledby="two-factor-heading" className={`${card} p-5 sm:p-6`}>
      <h2 id="two-factor-heading" className="text-lg font-semibold">
        Two-factor sign-in
      </h2>
      {stage === "codes" && setup ? (
        <div className="mt-2 space-y-4">
          <p role="status">Two-factor sign-in is on.</p>
          <p className={`text-sm ${mutedText}`}>
            Keep these backup codes somewhere safe. Each signs you in once if you lose your phone. They are shown only now.
          </p>
          <ul aria-label="Backup codes" className="grid grid-cols-2 gap-2 font-mono text-sm">
            {setup.backupCodes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
          <button type="button" className={secondaryButton} onClick={() => setStage("idle")}>
            I have saved my backup codes
          </button>
        </div>
      ) : stage === "scan" && setup ? (
        <form onSubmit={onConfirm} noValidate className="mt-2 space-y-4">
          <p className={`text-sm ${mutedText}`}>
            Scan this QR code with an authenticator app, or type the key below into it. Then enter the code it shows.
          </p>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on this page */}
          <img src={setup.qrCode} alt="QR code for your authenticator app" width={200} height={200} className="rounded bg-white" />
          <p className="text-sm">
            Key: <code className="break-all font-mono">{setup.secret}</code>
          </p>
          <TextField name="code" label="Code from the app" type="text" autoComplete="one-time-code" error={fieldError} />
          {alert}
          <SubmitButton disabled={sending} aria-busy={sending} className={primaryButton}>
            {sending ? "Checking…" : "Confirm and turn on"}
          </SubmitButton>
        </form>
      ) : enabled ? (
        <form onSubmit={onDisable} noValidate className="mt-2 space-y-4">
          <p className={`text-sm ${mutedText}`}>On: signing in asks for a code from your authenticator app.</p>
          <TextField name="password" label="Password" type="password" autoComplete="current-password" error={fieldError} />
          {alert}
          <SubmitButton disabled={sending} aria-busy={sending} className={secondaryButton}>
            {sending ? "Turning off…" : "Turn off two-factor sign-in"}
          </SubmitButton>
        </form>
      ) : (
        <form onSubmit={onEnable} noValidate className="mt-2 space-y-4">
          <p className={`text-sm ${mutedText}`}>Off. Turn it on to be asked for a code from an authenticator app after your password.</p>
          <TextField name="password" label="Password" type="password" autoComplete="current-password" error={fieldError} />
          {alert}
          <SubmitButton disabled={sending} aria-busy={sending} className={primaryButton}>
            {sending ? "Starting…" : "Turn on two-factor sign-in"}
          </SubmitButton>
        </form>
      )}
    </section>
  );
}
