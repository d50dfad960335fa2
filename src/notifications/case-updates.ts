/**
 * The messages residents get when a case they reported or follow changes: queued in the outbox
 * (emails, text messages) and written to their in-app list, in the same transaction as the
 * change, so a message goes out if and only if the change was made. Each is rendered from its
 * template (staff may edit them) in the person's language, on each channel the person chose,
 * and at most once per person, channel and change: the outbox key is
 * `case:<caseId>:action:<actionId>:<channel>:<recipient hash>`.
 */
import { servicesInLanguage } from '../catalogue/catalogue.js';
import { withdrawQueued } from '../platform/outbox.js';
import type { DB } from '../db/connection.js';
import { translator } from '../i18n/i18n.js';
import { statusWords } from '../i18n/case-words.js';
import { english, languageByCode } from '../i18n/languages.js';
import { queueEmail, type Sender } from './email.js';
import { queueSms } from './sms.js';
import { builtInText, DEFAULT_LANGUAGE, renderText, templateLanguages, type Channel, type TemplateText } from './message-templates.js';
import { unsubscribeUrl } from './unsubscribe.js';
import { lookupHash, open, type Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import { feedbackLink } from './feedback-links.js';
import { openPhone } from './preferences.js';

/** What caseChanged needs besides the change: the keys that open and seal messages, and the sender. */
export interface CaseChangeDeps extends Sender {
  keyring: Keyring;
  /** The language of residents whose own is not known (no account language, no report language): the jurisdiction's. Default English. */
  language?: string;
}

export type CaseEvent = 'status_changed' | 'public_update' | 'case_closed';

export interface CaseChange {
  caseId: number;
  /** The appended action that made the change (for a closure, the closing action). */
  actionId: number;
  serviceName: string;
  /** The case's service, so the message names it in the message's language (serviceName otherwise). */
  service?: { jurisdictionId: string; code: string };
  /** The case is now closed. */
  closed: boolean;
  /** The public note that came with the change, if any. */
  note: string | null;
  /** Which event it is; by default: closed, else a note is a public update, else a change of status. */
  event?: CaseEvent;
  /** The case's status and state after the change, for {status}. */
  status?: string;
  state?: string;
  /**
   * The reporter's email address, opened by the case layer, whether they asked for no more emails
   * about this case, and the language they wrote the report in (null: not known).
   */
  reporter: { email: string | null; unsubscribed: boolean; language?: string | null } | null;
  /** Where the resident follows the case (default: its public page; an application's is the applicant's own page). */
  link?: string;
  /** The link in the reporter's own email and text message only (an application's keyed link); not in
   *  in-app notices (stored as text, and the account opens the page anyway) nor to anyone else. */
  reporterLink?: string;
  /** Guests who follow the case by email (confirmed, not unsubscribed), opened by the case layer: each is written to in their own language. */
  guests?: Array<{ followerId: number; email: string; language: string }>;
}

const flag = (value: number | null | undefined, byDefault: boolean) => (value === null || value === undefined ? byDefault : Number(value) === 1);

/**
 * Messages the reporter (at the contact address they gave) and every follower, on each channel
 * they chose (in-app always, for people with accounts). Call inside the transaction that makes
 * the change. Returns how many outbox messages (emails and texts) were queued.
 */
export async function caseChanged(trx: DB, deps: CaseChangeDeps, change: CaseChange): Promise<number> {
  const { keyring } = deps;
  const event: CaseEvent = change.closed ? 'case_closed' : change.event ?? (change.note?.trim() ? 'public_update' : 'status_changed');
  const wantsKind = change.closed ? 'close' : 'update';
  const offered = (code: string | null | undefined) => (code && templateLanguages.includes(code as 'en') ? code : null);
  const councilLanguage = offered(deps.language) ?? DEFAULT_LANGUAGE;
  const status = change.status ?? (change.closed ? 'closed' : 'open');

  // The followers (with every choice) first, in one query; then the templates.
  const contact = change.reporter;
  const reporterHash = contact?.email ? lookupHash(keyring, 'email', contact.email) : null;
  const followers = await trx.selectFrom('users')
    .leftJoin('case_followers', (join) => join.onRef('case_followers.user_id', '=', 'users.id').on('case_followers.case_id', '=', change.caseId))
    .leftJoin('resident_preferences', 'resident_preferences.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.email_hash', 'users.language', 'case_followers.reason', 'case_followers.created_at as followed_at',
      'resident_preferences.email_on_update', 'resident_preferences.email_on_close', 'resident_preferences.sms_on_update', 'resident_preferences.sms_on_close', 'resident_preferences.phone', 'resident_preferences.phone_confirmed_at'])
    .where('users.status', '=', 'active')
    .where((eb) => eb.or([eb('case_followers.case_id', '=', change.caseId), ...(reporterHash ? [eb('users.email_hash', '=', reporterHash)] : [])]))
    .orderBy('case_followers.created_at').orderBy('users.id')
    .execute();
  const account = reporterHash ? followers.find((f) => f.email_hash === reporterHash) : undefined;
  // Each person's messages in their own language: an account's (the one they last used the
  // site in), else the language the reporter wrote the report in, else the council's.
  const languageOf = (person: { language: string | null } | undefined, asReporter: boolean) =>
    offered(person?.language) ?? (asReporter ? offered(contact?.language) : null) ?? councilLanguage;
  const guests = (change.guests ?? []).map((g) => ({ ...g, language: offered(g.language) ?? councilLanguage }));
  const guestEvent = change.closed ? 'guest_case_closed' : event;
  const languagesUsed = new Set([councilLanguage, ...followers.map((f) => languageOf(f, f.id === account?.id)), languageOf(account, true), ...guests.map((g) => g.language)]);

  const events = change.closed ? ['case_closed', 'feedback_request', ...(guests.length > 0 ? [guestEvent] : [])] : [event];
  const saved = await trx.selectFrom('message_templates').select(['event', 'channel', 'language', 'subject', 'body'])
    .where('event', 'in', events).where('language', 'in', [...languagesUsed, DEFAULT_LANGUAGE]).execute();
  const textFor = (name: string, channel: Channel, language: string): TemplateText | null => {
    const own = saved.find((s) => s.event === name && s.channel === channel && s.language === language);
    if (own) return { subject: own.subject ?? undefined, body: own.body };
    const english = saved.find((s) => s.event === name && s.channel === channel && s.language === DEFAULT_LANGUAGE);
    return builtInText(name, channel, language) ?? (english ? { subject: english.subject ?? undefined, body: english.body } : null);
  };
  // The words that depend on the language (the service's name, the status), once per language.
  const baseValues = new Map<string, Record<string, string>>();
  for (const language of languagesUsed) {
    const serviceName = change.service
      ? (await servicesInLanguage(trx, change.service.jurisdictionId, language)).get(change.service.code)?.name ?? change.serviceName
      : change.serviceName;
    baseValues.set(language, {
      council: deps.council, site: deps.publicUrl, reference: String(change.caseId), service: serviceName,
      link: change.link ?? `${deps.publicUrl}/requests/${change.caseId}`, note: change.note?.trim() ?? '',
      status: statusWords(translator(languageByCode(language) ?? english), status, change.state ?? status),
    });
  }

  let queued = 0;
  const emailed = new Set<string>();
  const texted = new Set<string>();
  const informed = new Set<number>();
  const key = (channel: string, recipient: string) => `case:${change.caseId}:action:${change.actionId}:${channel}:${lookupHash(keyring, 'recipient', recipient).slice(0, 24)}`;
  const values = (asReporter: boolean, language: string, keyed = false) => ({
    ...baseValues.get(language)!, ...(keyed && change.reporterLink ? { link: change.reporterLink } : {}), feedbackLink: asReporter && change.closed ? feedbackLink(deps.publicUrl, keyring, change.caseId, change.actionId) : '',
  });
  const eventFor = (asReporter: boolean) => (change.closed && asReporter ? 'feedback_request' : event);

  const email = async (to: string, asReporter: boolean, unsubscribe: string, language: string) => {
    const address = to.trim().toLowerCase();
    if (emailed.has(address) || address.endsWith('@invalid')) return;
    emailed.add(address);
    const name = eventFor(asReporter);
    const template = textFor(name, 'email', language);
    if (!template) return;
    const rendered = renderText(template, values(asReporter, language, asReporter), language);
    await queueEmail(trx, keyring, change.closed ? 'case_closed' : 'case_updated', { to, subject: rendered.subject, text: rendered.text, language, unsubscribeUrl: unsubscribe },
      { idempotencyKey: key('email', address), event: name });
    queued++;
  };
  const sms = async (phone: string, asReporter: boolean, language: string) => {
    if (texted.has(phone)) return;
    texted.add(phone);
    const template = textFor(eventFor(asReporter), 'sms', language);
    if (!template) return;
    await queueSms(trx, keyring, eventFor(asReporter), { to: phone, body: renderText(template, values(asReporter, language, asReporter), language).text }, { idempotencyKey: key('sms', phone) });
    queued++;
  };
  const inApp = async (userId: number, asReporter: boolean, language: string) => {
    if (informed.has(userId)) return;
    informed.add(userId);
    const template = textFor(eventFor(asReporter), 'in_app', language);
    if (!template) return;
    await trx.insertInto('notifications').values({ user_id: userId, case_id: change.caseId, event: eventFor(asReporter), text: renderText(template, values(asReporter, language), language).text, created_at: nowIso(), read_at: null }).execute();
  };

  // The reporter first, so that a reporter who also follows gets the reporter's message (with the
  // feedback link). A reporter with an account keeps that account's choices.
  if (contact?.email) {
    const language = languageOf(account, true);
    if (account) {
      if (flag(wantsKind === 'close' ? account.email_on_close : account.email_on_update, true)) {
        await email(contact.email, true, unsubscribeUrl(deps.publicUrl, keyring, { kind: 'account', userId: account.id, what: wantsKind }), language);
      }
    } else if (!contact.unsubscribed) {
      await email(contact.email, true, unsubscribeUrl(deps.publicUrl, keyring, { kind: 'reporter', caseId: change.caseId }), language);
    }
    // Either way the address has had its say: a follower row for the same person adds nothing.
    emailed.add(contact.email.trim().toLowerCase());
  }
  if (account) {
    const language = languageOf(account, true);
    // Only a number its owner confirmed with the code sent to it.
    const phone = account.phone_confirmed_at ? openPhone(keyring, account.phone ?? null) : null;
    if (phone && flag(wantsKind === 'close' ? account.sms_on_close : account.sms_on_update, false)) await sms(phone, true, language);
    await inApp(account.id, true, language);
  }

  for (const row of followers) {
    if (row.reason === null) continue; // the reporter's account, found by address, who does not follow
    const asReporter = row.reason === 'reporter';
    const language = languageOf(row, row.id === account?.id);
    if (flag(wantsKind === 'close' ? row.email_on_close : row.email_on_update, true)) {
      await email(open(keyring, 'users.email', row.email), asReporter, unsubscribeUrl(deps.publicUrl, keyring, { kind: 'account', userId: row.id, what: wantsKind }), language);
    }
    const phone = row.phone_confirmed_at ? openPhone(keyring, row.phone ?? null) : null;
    if (phone && flag(wantsKind === 'close' ? row.sms_on_close : row.sms_on_update, false)) await sms(phone, asReporter, language);
    await inApp(row.id, asReporter, language);
  }
  // Guests last: an address that already had its message (as the reporter, or an account) gets no second one.
  for (const guest of guests) {
    const address = guest.email.trim().toLowerCase();
    if (emailed.has(address) || address.endsWith('@invalid')) continue;
    emailed.add(address);
    const template = textFor(guestEvent, 'email', guest.language);
    if (!template) continue;
    const rendered = renderText(template, values(false, guest.language), guest.language);
    await queueEmail(trx, keyring, change.closed ? 'case_closed' : 'case_updated', {
      to: guest.email, subject: rendered.subject, text: rendered.text, language: guest.language,
      unsubscribeUrl: unsubscribeUrl(deps.publicUrl, keyring, { kind: 'guest', caseId: change.caseId, followerId: guest.followerId }),
    }, { idempotencyKey: key('email', address), event: guestEvent });
    queued++;
  }
  return queued;
}

/**
 * Withdraws the emails and texts a case change queued that no sender has picked up yet (their
 * keys start `case:<caseId>:action:<actionId>:`), for an undone change; says how many were
 * withdrawn and how many had already gone.
 */
export async function withdrawCaseMessages(trx: DB, caseId: number, actionId: number): Promise<{ withdrawn: number; gone: number }> {
  return withdrawQueued(trx, `case:${caseId}:action:${actionId}:`);
}
