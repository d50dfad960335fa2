/**
 * Emails over SMTP: the sender (text and HTML parts, a Message-ID made from the outbox id,
 * one-click unsubscribe headers) and the development mailbox. The mail configuration is read in
 * mail-config.ts; the delivery loop is in delivery.ts. Without SMTP_URL and MAIL_FROM (and outside
 * the development mailbox), emails stay queued and are sent once email is configured.
 *
 * Logs never hold an address or a link: only the outbox id, which email it is, and the mail
 * server's answer with any address in it replaced.
 */
import nodemailer from 'nodemailer';
import type { Email } from './email.js';
import { htmlEmail } from './html.js';
import type { MailConfig } from './mail-config.js';

export interface EmailSender {
  /** Names the provider in the outbox: smtp, or dev (kept in the development mailbox, not sent). */
  provider: string;
  /** Sends one email; `outboxId` gives it a Message-ID that is the same on every attempt. */
  send(email: Email, options?: { outboxId?: number }): Promise<void>;
  close(): void;
}

/** How an email looks: the council's name and colour in its HTML part. */
export interface EmailLook {
  colour: string | null;
}

/** The domain of the From address (Message-IDs are made under it). */
const domainOf = (from: string) => /@([^\s<>@]+?)>?$/.exec(from.trim())?.[1] ?? 'townhall.invalid';

/**
 * The Message-ID of an outbox message: the same on every attempt, so a resend after a crash
 * (mail server said 250, we died before recording it) is recognisable as the same message.
 */
export const messageIdFor = (outboxId: number, from: string) => `<townhall.outbox.${outboxId}@${domainOf(from)}>`;

/** The words of the unsubscribe link in an email's HTML part. */
const unsubscribeWords: Record<string, string> = { en: 'Stop these emails', es: 'Dejar de recibir estos correos', ar: 'إيقاف هذه الرسائل' };

/**
 * The MIME parts and headers of an email: text, HTML, Message-ID and, for case emails, one-click
 * unsubscribe. With attachments it is multipart/mixed: the text and HTML (multipart/alternative)
 * first, then each file with its own content type (text/calendar; method=REQUEST for an invitation).
 */
export function composeMail(email: Email, council: string, look: EmailLook, options: { from: string; outboxId?: number }) {
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
  if (email.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${email.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const language = email.language ?? 'en';
  return {
    to: email.to, subject: email.subject, text: email.text, headers,
    html: htmlEmail(email.subject, email.text, { council, colour: look.colour, language, unsubscribeUrl: email.unsubscribeUrl, unsubscribeText: unsubscribeWords[language] }),
    ...(options.outboxId === undefined ? {} : { messageId: messageIdFor(options.outboxId, options.from) }),
    ...(email.attachments && email.attachments.length > 0
      ? { attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) }
      : {}),
  };
}

/** A sender over SMTP, or null when email is not configured. */
export function smtpSender(mail: MailConfig, council: string, look: EmailLook = { colour: null }): EmailSender | null {
  if (!mail.smtpUrl || !mail.from) return null;
  const transport = nodemailer.createTransport({
    url: mail.smtpUrl,
    // Reuse connections: a backlog drains without a new SMTP conversation per email.
    pool: true, maxConnections: 2,
    // A mail server that hangs must not hold a message for long (its lease is longer than this).
    connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000,
    // Messages are composed here: never let a message pull in files or URLs.
    disableFileAccess: true, disableUrlAccess: true,
  });
  const mailFrom = mail.from;
  const from = mailFrom.includes('<') ? mailFrom : { name: council, address: mailFrom };
  return {
    provider: 'smtp',
    async send(email, options = {}) {
      await transport.sendMail({ from, ...composeMail(email, council, look, { from: mailFrom, outboxId: options.outboxId }) });
    },
    close: () => transport.close(),
  };
}

/** The development mailbox: nothing leaves; messages are marked sent by "dev" and shown at /admin/messages/:id. */
export function devMailSender(): EmailSender {
  return { provider: 'dev', async send() {}, close() {} };
}

/** Where email goes, for the log at start: the host and port, never the user or password. */
export function describeServer(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
}
