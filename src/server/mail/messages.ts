import "server-only";

import type { MailMessage } from "./mailer";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

interface Letter {
  to: string;
  subject: string;
  /** Paragraphs before the link (or the whole letter when there is none). */
  lines: string[];
  link?: { url: string; label: string };
  /** Paragraphs after the link. */
  after?: string[];
}

/** The same letter as plain text and as simple HTML: no styles to load, no remote images. */
function compose({ to, subject, lines, link, after = [] }: Letter): MailMessage {
  const text = [...lines, ...(link ? [`${link.label}: ${link.url}`] : []), ...after].join("\n\n");
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`);
  const button = link ? [`<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`] : [];
  const closing = after.map((line) => `<p>${escapeHtml(line)}</p>`);
  const html = `<!doctype html><html><body>${[...paragraphs, ...button, ...closing].join("")}</body></html>`;
  return { to, subject, text, html };
}

const IGNORE = "If you did not ask for this, ignore this email: nothing changes.";

export function resetPasswordMail(to: string, url: string): MailMessage {
  return compose({
    to,
    subject: "Reset your Tasks password",
    lines: ["Someone (we hope you) asked to reset the password of your Tasks account."],
    link: { url, label: "Choose a new password" },
    after: ["The link works once, within one hour.", IGNORE],
  });
}

export function verifyEmailMail(to: string, url: string): MailMessage {
  return compose({
    to,
    subject: "Confirm your email address for Tasks",
    lines: ["Confirm that this address is yours to start using Tasks with it."],
    link: { url, label: "Confirm my email address" },
    after: [IGNORE],
  });
}

export function existingAccountMail(to: string, signInUrl: string): MailMessage {
  return compose({
    to,
    subject: "Someone tried to sign up to Tasks with your address",
    lines: [
      "Someone tried to create a Tasks account with this email address, which already has one. No new account was made.",
      "If it was you, sign in instead (or reset your password from the sign-in page).",
    ],
    link: { url: signInUrl, label: "Sign in" },
    after: ["If it was not you, you need do nothing."],
  });
}

export function emailChangeRequestedMail(to: string, newEmail: string): MailMessage {
  return compose({
    to,
    subject: "Your Tasks email address is being changed",
    lines: [
      `Someone signed in to your Tasks account asked to change its email address to ${newEmail}.`,
      "The change takes effect only when the link we sent to the new address is followed.",
      "If this was not you, sign in and change your password: that signs every other device out.",
    ],
  });
}
