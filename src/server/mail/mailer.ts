import "server-only";
import { createTransport } from "nodemailer";

import { withDeadline } from "@/server/deadline";
import { log } from "@/server/log";

/** One email: a plain-text body, and simple HTML with no remote images. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /**
   * Checks that a mail could go out now (connects and authenticates to the SMTP server), so
   * a request that promises an email can be refused before it changes anything.
   */
  verify(): Promise<void>;
  /** Sends one message; rejects when the SMTP server does not accept it. */
  send(message: MailMessage): Promise<void>;
}

const VERIFY_DEADLINE_MS = 3_000;

export interface MailerConfig {
  /** `smtp://` or `smtps://` URL with credentials; without one, see {@link createMailer}. */
  smtpUrl?: string;
  from: string;
  /** Where mail goes without an SMTP server: the log (development, tests) or nowhere (production). */
  withoutSmtp: "log" | "refuse";
}

/**
 * Mail over SMTP with nodemailer. Without an SMTP URL, development and tests print each mail
 * (its text, with the link) to the log, so the quick start needs no mail server; production
 * refuses to send instead, since a log is no place for sign-in links.
 */
export function createMailer({ smtpUrl, from, withoutSmtp }: MailerConfig): Mailer {
  if (!smtpUrl) {
    if (withoutSmtp === "refuse") {
      const unconfigured = () => Promise.reject(new Error("SMTP_URL is not set"));
      return { verify: unconfigured, send: unconfigured };
    }
    return {
      verify: () => Promise.resolve(),
      send: ({ to, subject, text }) => {
        log("info", "mail.logged", { to, subject, text });
        return Promise.resolve();
      },
    };
  }
  // Short timeouts: a stalled server must not hold a request for minutes (nodemailer's defaults).
  const transport = createTransport(
    { url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 },
    { from },
  );
  return {
    // Inside a request: answered before the request's own deadline (the database's) runs out.
    verify: async () => {
      await withDeadline(transport.verify(), VERIFY_DEADLINE_MS);
    },
    send: async (message) => {
      await transport.sendMail(message);
    },
  };
}

/**
 * Sends without holding the request: the caller has already checked the server with
 * `verify()`. A failure now is logged (a request's log line says which one).
 */
export function sendInBackground(mailer: Mailer, message: MailMessage, kind: string): void {
  mailer.send(message).catch((error: unknown) => log("error", "mail.failed", { kind }, error));
}
