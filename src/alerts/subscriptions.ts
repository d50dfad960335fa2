/**
 * Alert subscriptions: a resident or business asks to be told of emergency alerts at a place (an
 * address, or an area of the gazetteer) by email or text message, in their language.
 *
 * Without an account (`/alerts/subscribe`), a subscription waits until it is confirmed: by the
 * link emailed to the address, or by the six-digit code texted to the number (at most
 * MAX_CODE_ATTEMPTS tries). As with guest followers (cases/guest-followers.ts), the contact is
 * sealed at rest with a keyed hash beside it, asking answers the same whatever the contact, each
 * contact gets at most a few confirmations a day and each client address may ask only so often.
 * From an account (`/account/alerts`) an email subscription to the account's own (verified)
 * address needs no confirmation. Every message carries a link that stops it (`unsubscribeToken`).
 *
 * An area subscription is kept as the area's centre and box; the fan-out counts it in when the
 * alert's area holds its centre or one of its box's corners (fan-out.ts).
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import { emailProblem } from '../identity/resident-accounts.js';
import { linkWithToken, queueEmail, type Sender } from '../notifications/email.js';
import { normalisePhone, queueSms } from '../notifications/sms.js';
import type { Place } from '../places/places.js';
import { lookupHash, makeKeyring, open, seal, sha256Hex, type Keyring } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import * as store from './subscriptions-store.js';
import { placeMatcher } from './fan-out.js';
import type { Alert } from './types.js';

export const subscriptionChannels = ['email', 'sms'] as const;
export type SubscriptionChannel = (typeof subscriptionChannels)[number];
export const subscriptionLanguages = ['en', 'es', 'ar'] as const;

/** How long an emailed link or a texted code works. */
export const CONFIRM_MINUTES = 7 * 24 * 60;
export const CODE_MINUTES = 30;
export const MAX_CODE_ATTEMPTS = 5;
/** Confirmations one contact may be sent in a day; requests one client address may make in an hour. */
export const CONFIRMATIONS_PER_CONTACT_PER_DAY = 3;
export const REQUESTS_PER_CLIENT_PER_HOUR = 20;
/**
 * The largest half-height (degrees of latitude) of a subscribed area: the fan-out widens the
 * alert's latitude band by this much to find areas whose centre lies outside it (about 11 km).
 */
export const MAX_AREA_HALF_SPAN = 0.1;
export const CONFIRM_PATH = '/alerts/subscribe/confirm';

const SEALED_FIELD = 'alert_subscriptions.contact';

export interface PlaceToWatch { id: number | null; kind: 'address' | 'area'; name: string; lat: number; long: number; box: { minLat: number; minLong: number; maxLat: number; maxLong: number } }

/** A gazetteer place as a place to watch: an area by its bounds, anything else by its point. */
export function placeToWatch(place: Place): PlaceToWatch {
  if (place.kind === 'area' && place.bounds) {
    const b = place.bounds;
    if ((b.maxLat - b.minLat) / 2 > MAX_AREA_HALF_SPAN) throw new DomainError('invalid', 'This area is too large to subscribe to: choose a neighbourhood or an address in it.');
    return { id: place.id, kind: 'area', name: place.name, lat: (b.minLat + b.maxLat) / 2, long: (b.minLong + b.maxLong) / 2, box: b };
  }
  return { id: place.id, kind: 'address', name: place.name, lat: place.lat, long: place.long, box: { minLat: place.lat, minLong: place.long, maxLat: place.lat, maxLong: place.long } };
}

const languageOf = (code: string) => ((subscriptionLanguages as readonly string[]).includes(code) ? code : 'en');

/** The contact in its one form (an email address trimmed, a number in international form), or a DomainError naming the field's problem. */
export function normaliseContact(channel: SubscriptionChannel, contact: string): string {
  const text = contact.trim();
  if (channel === 'email') {
    const problem = emailProblem(text);
    if (problem) throw new DomainError('invalid', problem);
    return text;
  }
  const phone = normalisePhone(text);
  if (!phone) throw new DomainError('invalid', 'Enter a mobile number in international form, like +1 415 555 0100');
  return phone;
}

const contactHash = (keyring: Keyring, channel: string, contact: string) => lookupHash(keyring, `alert-subscription-${channel}`, contact);
const contactHashes = (keyring: Keyring, channel: string, contact: string) => [...new Set([...keyring.keys.values()].map((key) => contactHash(makeKeyring(key), channel, contact)))];

export interface SubscriptionRequest {
  jurisdictionId: string;
  place: PlaceToWatch;
  channel: SubscriptionChannel;
  contact: string;
  language: string;
  /** The client's network address (only its keyed hash is kept). */
  client: string;
}

/** What the form says next: check your email, enter the texted code (for this subscription), or wait (too many requests). */
export type SubscriptionAnswer = { next: 'check_email' } | { next: 'enter_code'; subscriptionId: number } | { next: 'too_many' };

const code6 = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
const codeHash = (id: number, code: string) => sha256Hex(`alert-code:${id}:${code}`);

/** The words of a confirmation, in the subscriber's language. */
const confirmWords = {
  en: { subject: 'Confirm your emergency alerts', text: (place: string, link: string, council: string) => `You asked ${council} to tell you of emergency alerts for ${place}.\n\nTo start them, open this link:\n\n${link}\n\nIf you did not ask, ignore this email: nothing will be sent.`, sms: (code: string, council: string) => `${council}: your code to start emergency alerts is ${code}. It works for 30 minutes.` },
  es: { subject: 'Confirme sus alertas de emergencia', text: (place: string, link: string, council: string) => `Pidió a ${council} que le avise de las alertas de emergencia para ${place}.\n\nPara empezar a recibirlas, abra este enlace:\n\n${link}\n\nSi no lo pidió, ignore este correo: no se enviará nada.`, sms: (code: string, council: string) => `${council}: su código para recibir alertas de emergencia es ${code}. Vale 30 minutos.` },
  ar: { subject: 'أكّد اشتراكك في تنبيهات الطوارئ', text: (place: string, link: string, council: string) => `طلبت من ${council} إبلاغك بتنبيهات الطوارئ في ${place}.\n\nلبدء التنبيهات افتح هذا الرابط:\n\n${link}\n\nإن لم تطلب ذلك فتجاهل هذه الرسالة: لن يُرسل شيء.`, sms: (code: string, council: string) => `${council}: رمز بدء تنبيهات الطوارئ هو ${code}. صالح لمدة 30 دقيقة.` },
} as const;

/**
 * Someone without an account asks for alerts. Throws DomainError invalid for a contact that is
 * not one; otherwise answers the same whether or not a message went out (too many today for that
 * contact, or already subscribed), except when this client asked too often.
 */
export async function requestSubscription(db: DB, keyring: Keyring, sender: Sender, input: SubscriptionRequest): Promise<SubscriptionAnswer> {
  const contact = normaliseContact(input.channel, input.contact);
  const language = languageOf(input.language);
  const hash = contactHash(keyring, input.channel, contact);
  const clientHash = lookupHash(keyring, 'alert-subscription-client', input.client);
  const attempt = () => db.transaction().execute(async (trx): Promise<SubscriptionAnswer> => {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const counts = await store.recentRequests(trx, clientHash, hash, now);
    const audit = (entityId: string, after: Record<string, unknown>) => appendAudit(trx, { actor: 'anonymous', action: 'alert_subscription.requested', entityType: 'alert_subscription', entityId, after: { person: hash, channel: input.channel, ...after } });
    if (counts.byClient >= REQUESTS_PER_CLIENT_PER_HOUR) {
      await audit('-', { sent: false, reason: 'too many requests from this client' });
      return { next: 'too_many' };
    }
    await store.recordRequest(trx, clientHash, hash, at);
    const existing = await store.sameSubscription(trx, input.jurisdictionId, contactHashes(keyring, input.channel, contact), input.channel, input.place.kind, input.place.id);
    const token = input.channel === 'email' ? randomBytes(32).toString('base64url') : code6();
    const place = { place_id: input.place.id, place_kind: input.place.kind, place_name: input.place.name, lat: input.place.lat, long: input.place.long, min_lat: input.place.box.minLat, min_long: input.place.box.minLong, max_lat: input.place.box.maxLat, max_long: input.place.box.maxLong };
    let id: number;
    if (existing) {
      id = existing.id;
      if (existing.confirmed_at !== null && existing.unsubscribed_at === null) {
        await audit(String(id), { sent: false, reason: 'already subscribed' });
        return input.channel === 'sms' ? { next: 'enter_code', subscriptionId: id } : { next: 'check_email' };
      }
    } else {
      id = await store.insertSubscription(trx, {
        jurisdiction_id: input.jurisdictionId, user_id: null, ...place, channel: input.channel, contact: seal(keyring, SEALED_FIELD, contact), contact_hash: hash,
        language, token_hash: null, requested_at: at, confirmed_at: null, unsubscribed_at: null, created_at: at,
      });
    }
    if (counts.byContact >= CONFIRMATIONS_PER_CONTACT_PER_DAY) {
      await audit(String(id), { sent: false, reason: 'enough confirmations sent to this contact today' });
      return input.channel === 'sms' ? { next: 'enter_code', subscriptionId: id } : { next: 'check_email' };
    }
    // A new link or code replaces the last one: only the newest works.
    const tokenHash = input.channel === 'email' ? sha256Hex(token) : codeHash(id, token);
    await store.updateSubscription(trx, id, { ...place, language, token_hash: tokenHash, code_attempts: 0, requested_at: at });
    const words = confirmWords[language as keyof typeof confirmWords];
    if (input.channel === 'email') {
      const link = linkWithToken(sender, CONFIRM_PATH, token);
      await queueEmail(trx, keyring, 'alert_subscription_confirm', { to: contact, subject: words.subject, text: words.text(input.place.name, link, sender.council), language }, { event: 'alert_subscription_confirm' });
    } else {
      await queueSms(trx, keyring, 'alert_subscription_code', { to: contact, body: words.sms(token, sender.council) });
    }
    await audit(String(id), { sent: true });
    return input.channel === 'sms' ? { next: 'enter_code', subscriptionId: id } : { next: 'check_email' };
  });
  try {
    return await attempt();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

export type ConfirmResult = 'confirmed' | 'already' | 'gone';

/** Whether an emailed link would still work, without using it (for the page that shows its button). */
export async function linkUsable(db: DB, token: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return false;
  const row = await store.subscriptionByTokenHash(db, sha256Hex(token));
  return !!row && row.channel === 'email' && Date.parse(row.requested_at) + CONFIRM_MINUTES * 60_000 > Date.now();
}

/** Uses an emailed link: the subscription starts. Twice is harmless; an old, replaced or unknown link is gone. */
export async function confirmByLink(db: DB, token: string): Promise<ConfirmResult> {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return 'gone';
  return db.transaction().execute(async (trx) => {
    const tokenHash = sha256Hex(token);
    const row = await store.subscriptionByTokenHash(trx, tokenHash);
    if (!row || row.channel !== 'email') return 'gone';
    if (Date.parse(row.requested_at) + CONFIRM_MINUTES * 60_000 <= Date.now()) return 'gone';
    if (!await store.markConfirmed(trx, row.id, tokenHash, nowIso())) return 'already';
    await appendAudit(trx, { actor: 'anonymous', action: 'alert_subscription.confirmed', entityType: 'alert_subscription', entityId: String(row.id), after: { channel: 'email' } });
    return 'confirmed';
  });
}

/** Checks a texted code: the subscription starts; after MAX_CODE_ATTEMPTS wrong codes, the code stops working. */
export async function confirmByCode(db: DB, subscriptionId: number, code: string): Promise<ConfirmResult | 'wrong'> {
  return db.transaction().execute(async (trx) => {
    const row = await store.subscriptionById(trx, subscriptionId);
    if (!row || row.channel !== 'sms') return 'gone';
    if (row.token_hash === null) return row.confirmed_at !== null && row.unsubscribed_at === null ? 'already' : 'gone';
    if (row.code_attempts >= MAX_CODE_ATTEMPTS || Date.parse(row.requested_at) + CODE_MINUTES * 60_000 <= Date.now()) return 'gone';
    const given = Buffer.from(codeHash(row.id, code.replace(/\s/g, '')));
    if (!timingSafeEqual(given, Buffer.from(row.token_hash))) {
      await store.countCodeAttempt(trx, row.id);
      return 'wrong';
    }
    if (!await store.markConfirmed(trx, row.id, row.token_hash, nowIso())) return 'already';
    await appendAudit(trx, { actor: 'anonymous', action: 'alert_subscription.confirmed', entityType: 'alert_subscription', entityId: String(row.id), after: { channel: 'sms' } });
    return 'confirmed';
  });
}

/** A signed-in resident subscribes their account's (verified) email address: no confirmation needed. */
export async function subscribeAccount(db: DB, keyring: Keyring, input: { jurisdictionId: string; userId: number; email: string; place: PlaceToWatch; language: string }): Promise<number> {
  const contact = normaliseContact('email', input.email);
  const hash = contactHash(keyring, 'email', contact);
  return db.transaction().execute(async (trx) => {
    const at = nowIso();
    const place = { place_id: input.place.id, place_kind: input.place.kind, place_name: input.place.name, lat: input.place.lat, long: input.place.long, min_lat: input.place.box.minLat, min_long: input.place.box.minLong, max_lat: input.place.box.maxLat, max_long: input.place.box.maxLong };
    const existing = await store.sameSubscription(trx, input.jurisdictionId, contactHashes(keyring, 'email', contact), 'email', input.place.kind, input.place.id);
    let id: number;
    if (existing) {
      id = existing.id;
      await store.updateSubscription(trx, id, { ...place, user_id: input.userId, language: languageOf(input.language), confirmed_at: existing.confirmed_at ?? at, unsubscribed_at: null, token_hash: null });
    } else {
      id = await store.insertSubscription(trx, {
        jurisdiction_id: input.jurisdictionId, user_id: input.userId, ...place, channel: 'email', contact: seal(keyring, SEALED_FIELD, contact), contact_hash: hash,
        language: languageOf(input.language), token_hash: null, requested_at: at, confirmed_at: at, unsubscribed_at: null, created_at: at,
      });
    }
    await appendAudit(trx, { actor: `user:${input.userId}`, action: 'alert_subscription.created', entityType: 'alert_subscription', entityId: String(id), after: { channel: 'email', place_kind: input.place.kind } });
    return id;
  });
}

export interface AccountSubscription { id: number; placeName: string; placeKind: 'address' | 'area'; channel: SubscriptionChannel; language: string; confirmed: boolean }

export async function listAccountSubscriptions(db: DB, jurisdictionId: string, userId: number): Promise<AccountSubscription[]> {
  return (await store.accountSubscriptions(db, jurisdictionId, userId)).map((r) => ({ id: r.id, placeName: r.place_name, placeKind: r.place_kind, channel: r.channel, language: r.language, confirmed: r.confirmed_at !== null }));
}

/**
 * In the app: of the alerts in force, those over a place the signed-in resident watches, with
 * the places they cover (the fan-out's rule), for their account page.
 */
export async function alertsOverAccountPlaces(db: DB, jurisdictionId: string, userId: number, inForce: readonly Alert[]): Promise<Array<{ alert: Alert; places: string[] }>> {
  if (inForce.length === 0) return [];
  const rows = await store.accountSubscriptions(db, jurisdictionId, userId);
  return inForce.map((alert) => {
    const covers = placeMatcher(alert.area);
    return { alert, places: [...new Set(rows.filter(covers).map((r) => r.place_name))] };
  }).filter((a) => a.places.length > 0);
}

/** A signed-in resident stops one of their own subscriptions. */
export async function endAccountSubscription(db: DB, userId: number, subscriptionId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await store.subscriptionById(trx, subscriptionId);
    if (!row || row.user_id !== userId) throw new DomainError('not_found', 'This subscription is not one of yours: it may have been stopped already.');
    if (await store.markUnsubscribed(trx, row.id, nowIso())) {
      await appendAudit(trx, { actor: `user:${userId}`, action: 'alert_subscription.ended', entityType: 'alert_subscription', entityId: String(row.id), after: { via: 'account' } });
    }
  });
}

// The link in every alert message: s.<id>.<mac>, a keyed MAC so it needs no session.
const macOf = (keyring: Keyring, id: number) => lookupHash(keyring, 'alert-unsubscribe', `s.${id}`).slice(0, 32);
export const unsubscribeToken = (keyring: Keyring, subscriptionId: number): string => `s.${subscriptionId}.${macOf(keyring, subscriptionId)}`;
export const unsubscribeLink = (publicUrl: string, keyring: Keyring, subscriptionId: number): string => `${publicUrl.replace(/\/+$/, '')}/alerts/unsubscribe/${unsubscribeToken(keyring, subscriptionId)}`;

/** The subscription a token stops, or null when it is not one of ours. */
export function readUnsubscribeToken(keyring: Keyring, token: string): number | null {
  const match = /^s\.(\d{1,15})\.([0-9a-f]{32})$/.exec(token);
  if (!match) return null;
  const id = Number(match[1]);
  const expected = Buffer.from(macOf(keyring, id));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

/** Stops a subscription by its link; stopping twice is not an error. False: nothing to stop. */
export async function unsubscribeByToken(db: DB, keyring: Keyring, token: string): Promise<boolean> {
  const id = readUnsubscribeToken(keyring, token);
  if (id === null) return false;
  return db.transaction().execute(async (trx) => {
    const row = await store.subscriptionById(trx, id);
    if (!row) return false;
    if (await store.markUnsubscribed(trx, id, nowIso())) {
      await appendAudit(trx, { actor: 'anonymous', action: 'alert_subscription.ended', entityType: 'alert_subscription', entityId: String(id), after: { via: 'unsubscribe_link' } });
    }
    return true;
  });
}

/** An email address's alert subscriptions, for the subject access export. */
export interface AlertSubscriptionExport { place: string; channel: SubscriptionChannel; language: string; askedAt: string; confirmedAt: string | null; stoppedAt: string | null }

export async function alertSubscriptionsOf(db: DB, keyring: Keyring, jurisdictionId: string, email: string): Promise<AlertSubscriptionExport[]> {
  const rows = await store.subscriptionsByContact(db, jurisdictionId, contactHashes(keyring, 'email', email.trim()));
  return rows.map((r) => ({ place: r.place_name, channel: r.channel, language: r.language, askedAt: r.created_at, confirmedAt: r.confirmed_at, stoppedAt: r.unsubscribed_at }));
}

/** Erases an email address's alert subscriptions (and the counts of its requests); returns how many. Call inside the erasure's transaction. */
export async function eraseAlertSubscriptionsOf(trx: DB, keyring: Keyring, jurisdictionId: string, email: string): Promise<number> {
  return store.deleteByContact(trx, jurisdictionId, contactHashes(keyring, 'email', email.trim()));
}

/**
 * Retention: subscriptions never confirmed are deleted once their link or code has long stopped
 * working (a contact nobody confirmed is not kept), and stopped ones after the same time.
 */
export async function pruneUnconfirmedSubscriptions(db: DB, now = Date.now()): Promise<number> {
  return store.deleteStale(db, new Date(now - CONFIRM_MINUTES * 60_000 * 2).toISOString());
}

/** The contact of a subscription, opened (for delivery only). */
export const openContact = (keyring: Keyring, sealed: string): string => open(keyring, SEALED_FIELD, sealed);

/** Test and bench support: the sealed contact and hash of a contact, as requestSubscription writes them. */
export const sealContact = (keyring: Keyring, channel: SubscriptionChannel, contact: string) => ({ contact: seal(keyring, SEALED_FIELD, contact), contact_hash: contactHash(keyring, channel, contact) });
