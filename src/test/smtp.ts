import type { AddressInfo } from "node:net";

import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestMailbox {
  /** `smtp://` URL of the server, for SMTP_URL or the mailer. */
  url: string;
  /** Every message delivered so far, parsed. */
  messages: ParsedMail[];
  /** The next message to `to` not yet returned, waiting for it to arrive. */
  next(to: string, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
}

/** An SMTP server that is down: nothing listens on port 1, and no test's server can take it. */
export const DEAD_SMTP_URL = "smtp://127.0.0.1:1";

/** The first link in a message's plain text. */
export function linkIn(mail: ParsedMail): string {
  const link = mail.text?.match(/https?:\/\/\S+/)?.[0];
  if (!link) throw new Error(`no link in “${mail.subject}”:\n${mail.text}`);
  return link;
}

const recipients = (mail: ParsedMail) =>
  [mail.to ?? []].flat().flatMap((address) => address.value.map((entry) => entry.address?.toLowerCase()));

/** A real SMTP server on a loopback port (no TLS, any login accepted) that keeps what it receives. */
export async function startTestMailbox(): Promise<TestMailbox> {
  const messages: ParsedMail[] = [];
  const taken = new Set<ParsedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: "test" }),
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async next(to, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = messages.find((message) => !taken.has(message) && recipients(message).includes(to.toLowerCase()));
        if (mail) {
          taken.add(mail);
          return mail;
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
