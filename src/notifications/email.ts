/**
 * The emails Townhall sends residents: plain text in plain words, signed with the council's
 * name, each with at most one link to act on. They are queued in the outbox with the change
 * that causes them; the address and the text (which may hold a one-time link) are sealed there,
 * since a one-time link in clear would let anyone who reads the database use it.
 */
import type { DB } from '../db/connection.js';
import { open, seal, type Keyring } from '../platform/crypto.js';
import { enqueue } from '../platform/outbox.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
}

/** Which email it is: kept in clear in the outbox, so operators can see what waits without opening anything. */
export type EmailTemplate = 'verify_email' | 'already_registered' | 'reset_password' | 'email_sign_in'
  /** The resident portal: a report was received; a case the person reported or follows changed or closed. */
  | 'report_received' | 'case_updated' | 'case_closed';

export interface QueuedEmail extends Email {
  template: EmailTemplate;
}

/** Where links point and whose name the emails carry. */
export interface Sender {
  publicUrl: string;
  council: string;
}

const SEALED_FIELD = 'outbox.email';

export async function queueEmail(trx: DB, keyring: Keyring, template: EmailTemplate, email: Email): Promise<number> {
  return enqueue(trx, 'email', { template, message: seal(keyring, SEALED_FIELD, JSON.stringify(email)) });
}

/** Opens a queued email's payload; throws when it is not one, or its key is missing. */
export function openQueuedEmail(keyring: Keyring, payload: unknown): QueuedEmail {
  const { template, message } = (payload ?? {}) as { template?: unknown; message?: unknown };
  if (typeof template !== 'string' || typeof message !== 'string') throw new Error('This outbox message is not an email.');
  const email = JSON.parse(open(keyring, SEALED_FIELD, message)) as Partial<Email>;
  if (typeof email.to !== 'string' || typeof email.subject !== 'string' || typeof email.text !== 'string') throw new Error('This queued email is incomplete.');
  return { template: template as EmailTemplate, to: email.to, subject: email.subject, text: email.text };
}

/** A link with a one-time token: `${publicUrl}${path}?token=...`. */
export const linkWithToken = (sender: Sender, path: string, token: string) => `${sender.publicUrl}${path}?token=${encodeURIComponent(token)}`;

/** "15 minutes", "1 hour", "7 days". */
export function describeMinutes(minutes: number): string {
  const [amount, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

const signature = (sender: Sender) => `${sender.council}\n${sender.publicUrl}\n\nThis email was sent automatically. Replies may not be read.`;

export function verifyEmailMessage(to: string, sender: Sender, link: string, validMinutes: number): Email {
  return {
    to,
    subject: `Confirm your email address for your ${sender.council} account`,
    text: [
      `You have created an account with ${sender.council}.`,
      'To confirm this is your email address, open this link:',
      link,
      `The link works once, for ${describeMinutes(validMinutes)}.`,
      'If you did not create an account, you can ignore this email.',
      signature(sender),
    ].join('\n\n'),
  };
}

/** Someone tried to register with an address that already has an account: the owner is told, not the person asking. */
export function alreadyRegisteredMessage(to: string, sender: Sender, options: { staff: boolean }): Email {
  const help = options.staff
    ? ['This address has a staff account. If you have forgotten your password, ask your administrator.']
    : ['If it was you, you can sign in:', `${sender.publicUrl}/sign-in`, 'If you have forgotten your password, you can choose a new one:', `${sender.publicUrl}/account/reset-password`];
  return {
    to,
    subject: `You already have a ${sender.council} account`,
    text: [
      `Someone tried to create an account with ${sender.council} using this email address. There is already an account for it, so no new account was made.`,
      ...help,
      'If it was not you, you can ignore this email. Your account has not changed.',
      signature(sender),
    ].join('\n\n'),
  };
}

export function resetPasswordMessage(to: string, sender: Sender, link: string, validMinutes: number): Email {
  return {
    to,
    subject: `Reset your ${sender.council} password`,
    text: [
      `Someone asked to reset the password of your ${sender.council} account. If it was you, choose a new password here:`,
      link,
      `The link works once, for ${describeMinutes(validMinutes)}. Choosing a new password signs you out everywhere.`,
      'If you did not ask for this, you can ignore this email. Your password has not changed.',
      signature(sender),
    ].join('\n\n'),
  };
}

export function emailSignInMessage(to: string, sender: Sender, link: string, validMinutes: number): Email {
  return {
    to,
    subject: `Sign in to your ${sender.council} account`,
    text: [
      `To sign in to your ${sender.council} account, open this link:`,
      link,
      `The link works once, for ${describeMinutes(validMinutes)}.`,
      'If you did not ask to sign in, you can ignore this email. No one can sign in with it unless they can read your email.',
      signature(sender),
    ].join('\n\n'),
  };
}
