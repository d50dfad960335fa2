/**
 * The emails Townhall sends residents: plain text in plain words (with an HTML part made from
 * it when sent, see html.ts), signed with the council's name, each with at most one link to act on. They are queued in the outbox with the change
 * that causes them; the address and the text (which may hold a one-time link) are sealed there,
 * since a one-time link in clear would let anyone who reads the database use it.
 */
import type { DB } from '../db/connection.js';
import { open, seal, type Keyring } from '../platform/crypto.js';
import { enqueue } from '../platform/outbox.js';
import { builtInText, DEFAULT_LANGUAGE, renderMessage, renderText } from './message-templates.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
  /** Resident case emails: the one-click unsubscribe address (List-Unsubscribe, RFC 8058). */
  unsubscribeUrl?: string;
  /** The language it is written in (the HTML part's lang and direction). */
  language?: string;
  /** Built from a template with these values: queueEmail renders a staff override of it instead, when there is one. */
  values?: Record<string, string>;
  /** Files sent with it (an inspection's calendar invitation), sealed in the outbox with the rest. */
  attachments?: EmailAttachment[];
}

/** A small text file sent with an email: a text/calendar invitation (contentType carries its method). */
export interface EmailAttachment { filename: string; contentType: string; content: string }

const isAttachment = (a: unknown): a is EmailAttachment => typeof a === 'object' && a !== null
  && typeof (a as EmailAttachment).filename === 'string' && typeof (a as EmailAttachment).contentType === 'string' && typeof (a as EmailAttachment).content === 'string';

/** Which email it is: kept in clear in the outbox, so operators can see what waits without opening anything. */
export type EmailTemplate = 'verify_email' | 'already_registered' | 'reset_password' | 'email_sign_in'
  /** The resident portal: a report was received; a case the person reported or follows changed or closed. */
  | 'report_received' | 'case_updated' | 'case_closed'
  /** A guest asked to follow a report by email: the confirmation link, or word that the address already follows it. */
  | 'guest_follow_confirm' | 'guest_follow_already'
  /** SLA escalation emails to supervisors (src/jobs/escalation-emails.ts). */
  | 'sla_warning' | 'sla_breach'
  /** Licences (src/licences): a licence was issued; it ends soon. */
  | 'licence_issued' | 'licence_renewal_reminder'
  /** Applications (src/applications): received, the emailed link back to a saved draft, a change the applicant must know of. */
  | 'application_received' | 'application_resume' | 'application_update'
  /** Inspections of applications (src/applications/inspections.ts): the invitation, a change, a cancellation, each with its .ics. */
  | 'inspection_invitation'
  /** A webhook subscription was turned off after failing (src/webhooks), to its contact. */
  | 'webhook_disabled'
  /** Emergency alerts (src/alerts/subscriptions.ts): the link that confirms a subscription made without an account. */
  | 'alert_subscription_confirm';

export interface QueuedEmail extends Email {
  template: EmailTemplate;
  /** The template event it was written from (request_received, status_changed...), when known. */
  event?: string;
}

/** Where links point and whose name the emails carry. */
export interface Sender {
  publicUrl: string;
  council: string;
}

const SEALED_FIELD = 'outbox.email';

/**
 * Queues an email in the transaction of the change that causes it. An email built from a
 * template (`values`) is rendered again from the override a system administrator saved, if any.
 */
export async function queueEmail(trx: DB, keyring: Keyring, template: EmailTemplate, email: Email, options: { idempotencyKey?: string; event?: string } = {}): Promise<number> {
  const event = options.event ?? template;
  let message: Email = email;
  if (email.values) {
    const rendered = await renderMessage(trx, event, 'email', email.language ?? DEFAULT_LANGUAGE, email.values);
    if (rendered) message = { ...email, subject: rendered.subject, text: rendered.text };
  }
  const { values: _values, ...kept } = message;
  return enqueue(trx, 'email', { template, event, message: seal(keyring, SEALED_FIELD, JSON.stringify(kept)) }, { idempotencyKey: options.idempotencyKey });
}

/** Opens a queued email's payload; throws when it is not one, or its key is missing. */
export function openQueuedEmail(keyring: Keyring, payload: unknown): QueuedEmail {
  const { template, event, message } = (payload ?? {}) as { template?: unknown; event?: unknown; message?: unknown };
  if (typeof template !== 'string' || typeof message !== 'string') throw new Error('This outbox message is not an email.');
  const email = JSON.parse(open(keyring, SEALED_FIELD, message)) as Partial<Email>;
  if (typeof email.to !== 'string' || typeof email.subject !== 'string' || typeof email.text !== 'string') throw new Error('This queued email is incomplete.');
  return {
    template: template as EmailTemplate, event: typeof event === 'string' ? event : undefined, to: email.to, subject: email.subject, text: email.text,
    unsubscribeUrl: typeof email.unsubscribeUrl === 'string' ? email.unsubscribeUrl : undefined, language: typeof email.language === 'string' ? email.language : undefined,
    ...(Array.isArray(email.attachments) && email.attachments.length > 0 ? { attachments: email.attachments.filter(isAttachment) } : {}),
  };
}

/** An account email from its built-in English text (queueEmail swaps in a saved override). */
function accountEmail(event: string, to: string, sender: Sender, values: Record<string, string>): Email {
  const all = { council: sender.council, site: sender.publicUrl, ...values };
  const rendered = renderText(builtInText(event, 'email', DEFAULT_LANGUAGE)!, all);
  return { to, subject: rendered.subject, text: rendered.text, language: DEFAULT_LANGUAGE, values: all };
}

/** A link with a one-time token: `${publicUrl}${path}?token=...`. */
export const linkWithToken = (sender: Sender, path: string, token: string) => `${sender.publicUrl}${path}?token=${encodeURIComponent(token)}`;

/** "15 minutes", "1 hour", "7 days". */
export function describeMinutes(minutes: number): string {
  const [amount, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

export function verifyEmailMessage(to: string, sender: Sender, link: string, validMinutes: number): Email {
  return accountEmail('verify_email', to, sender, { link, validFor: describeMinutes(validMinutes) });
}

/** Someone tried to register with an address that already has an account: the owner is told, not the person asking. */
export function alreadyRegisteredMessage(to: string, sender: Sender, options: { staff: boolean }): Email {
  const help = options.staff
    ? 'This address has a staff account. If you have forgotten your password, ask your administrator.'
    : `If it was you, you can sign in:\n\n${sender.publicUrl}/sign-in\n\nIf you have forgotten your password, you can choose a new one:\n\n${sender.publicUrl}/account/reset-password`;
  return accountEmail('already_registered', to, sender, { help });
}

export function resetPasswordMessage(to: string, sender: Sender, link: string, validMinutes: number): Email {
  return accountEmail('reset_password', to, sender, { link, validFor: describeMinutes(validMinutes) });
}

export function emailSignInMessage(to: string, sender: Sender, link: string, validMinutes: number): Email {
  return accountEmail('email_sign_in', to, sender, { link, validFor: describeMinutes(validMinutes) });
}
