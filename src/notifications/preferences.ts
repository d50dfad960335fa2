/**
 * A resident's choice of messages about the cases they report or follow: emails (on by default:
 * a resident who follows a report expects to hear about it) and text messages (off until they
 * give a mobile number and choose them). The number is sealed.
 */
import type { DB } from '../db/connection.js';
import { randomInt, timingSafeEqual } from 'node:crypto';
import { lookupHash, open, seal, type Keyring } from '../platform/crypto.js';
import { queueSms } from './sms.js';
import { nowIso } from '../platform/time.js';

export interface EmailPreferences {
  /** Email when a report they made or follow is updated. */
  onUpdate: boolean;
  /** Email when it is closed. */
  onClose: boolean;
}

export interface SmsPreferences {
  onUpdate: boolean;
  onClose: boolean;
  /** The mobile number in international form, or null. */
  phone: string | null;
  /** The number was confirmed with the code sent to it: only then do text messages go there. */
  confirmed: boolean;
}

export interface NotificationPreferences {
  email: EmailPreferences;
  sms: SmsPreferences;
}

const PHONE_FIELD = 'resident_preferences.phone';

export async function emailPreferences(db: DB, userId: number): Promise<EmailPreferences> {
  const row = await db.selectFrom('resident_preferences').select(['email_on_update', 'email_on_close']).where('user_id', '=', userId).executeTakeFirst();
  return { onUpdate: row ? Number(row.email_on_update) === 1 : true, onClose: row ? Number(row.email_on_close) === 1 : true };
}

export async function saveEmailPreferences(db: DB, userId: number, choice: EmailPreferences): Promise<void> {
  const values = { email_on_update: choice.onUpdate ? 1 : 0, email_on_close: choice.onClose ? 1 : 0, updated_at: nowIso() };
  await db.insertInto('resident_preferences').values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
}

/** Every choice, with the number opened. */
export async function notificationPreferences(db: DB, keyring: Keyring, userId: number): Promise<NotificationPreferences> {
  const row = await db.selectFrom('resident_preferences').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return {
    email: { onUpdate: row ? Number(row.email_on_update) === 1 : true, onClose: row ? Number(row.email_on_close) === 1 : true },
    sms: { onUpdate: Number(row?.sms_on_update ?? 0) === 1, onClose: Number(row?.sms_on_close ?? 0) === 1, phone: row?.phone ? open(keyring, PHONE_FIELD, row.phone) : null, confirmed: Boolean(row?.phone && row.phone_confirmed_at) },
  };
}

/** How long a confirmation code works, and how many tries it allows. */
export const PHONE_CODE_MINUTES = 30;
export const PHONE_CODE_TRIES = 5;

/**
 * Saves every choice (the caller has checked the number: international form, or null). A new
 * number is unconfirmed: a code is sent to it (through the outbox's SMS channel, in the same
 * transaction) and no other text message goes there until the code is entered. Returns the
 * code's text message when one was queued.
 */
export async function saveNotificationPreferences(db: DB, keyring: Keyring, userId: number, choice: Omit<NotificationPreferences, 'sms'> & { sms: Omit<SmsPreferences, 'confirmed'> },
  codeMessage: (code: string) => string = (code) => `Your code to confirm this number for messages about reports: ${code}`): Promise<{ codeSent: boolean }> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('resident_preferences').select(['phone', 'phone_confirmed_at']).where('user_id', '=', userId).executeTakeFirst();
    const before = current?.phone ? open(keyring, PHONE_FIELD, current.phone) : null;
    const changed = choice.sms.phone !== before;
    const code = choice.sms.phone && changed ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    const values = {
      email_on_update: choice.email.onUpdate ? 1 : 0, email_on_close: choice.email.onClose ? 1 : 0,
      sms_on_update: choice.sms.onUpdate ? 1 : 0, sms_on_close: choice.sms.onClose ? 1 : 0,
      phone: choice.sms.phone ? seal(keyring, PHONE_FIELD, choice.sms.phone) : null, updated_at: nowIso(),
      ...(changed ? {
        phone_confirmed_at: null, phone_code_attempts: 0,
        phone_code_hash: code ? lookupHash(keyring, 'phone-code', `${userId}:${code}`) : null,
        phone_code_expires_at: code ? new Date(Date.now() + PHONE_CODE_MINUTES * 60_000).toISOString() : null,
      } : {}),
    };
    await trx.insertInto('resident_preferences').values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
    if (code && choice.sms.phone) {
      await queueSms(trx, keyring, 'phone_confirmation', { to: choice.sms.phone, body: codeMessage(code) }, { idempotencyKey: `phone-code:${userId}:${values.phone_code_hash}` });
    }
    return { codeSent: code !== null };
  });
}

/** Checks the code sent to the person's number: confirmed, wrong, or no longer usable (expired, or too many tries). */
export async function confirmPhone(db: DB, keyring: Keyring, userId: number, code: string): Promise<'confirmed' | 'wrong' | 'expired'> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('resident_preferences').select(['phone', 'phone_code_hash', 'phone_code_expires_at', 'phone_code_attempts']).where('user_id', '=', userId).executeTakeFirst();
    if (!row?.phone || !row.phone_code_hash || !row.phone_code_expires_at || Date.parse(row.phone_code_expires_at) < Date.now() || row.phone_code_attempts >= PHONE_CODE_TRIES) return 'expired';
    const compact = code.replace(/\s/g, '');
    const given = /^\d{6}$/.test(compact) ? lookupHash(keyring, 'phone-code', `${userId}:${compact}`) : '';
    if (given.length !== row.phone_code_hash.length || !timingSafeEqual(Buffer.from(given), Buffer.from(row.phone_code_hash))) {
      await trx.updateTable('resident_preferences').set({ phone_code_attempts: row.phone_code_attempts + 1 }).where('user_id', '=', userId).execute();
      return 'wrong';
    }
    await trx.updateTable('resident_preferences').set({ phone_confirmed_at: nowIso(), phone_code_hash: null, phone_code_expires_at: null, phone_code_attempts: 0 }).where('user_id', '=', userId).execute();
    return 'confirmed';
  });
}

/** Opens a sealed number read with a query of its own. */
export const openPhone = (keyring: Keyring, sealed: string | null): string | null => (sealed ? open(keyring, PHONE_FIELD, sealed) : null);
