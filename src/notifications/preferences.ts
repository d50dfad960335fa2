/**
 * A resident's choice of messages about the cases they report or follow: emails (on by default:
 * a resident who follows a report expects to hear about it) and text messages (off until they
 * give a mobile number and choose them). The number is sealed.
 */
import type { DB } from '../db/connection.js';
import { open, seal, type Keyring } from '../platform/crypto.js';
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
    sms: { onUpdate: Number(row?.sms_on_update ?? 0) === 1, onClose: Number(row?.sms_on_close ?? 0) === 1, phone: row?.phone ? open(keyring, PHONE_FIELD, row.phone) : null },
  };
}

/** Saves every choice (the caller has checked the number: international form, or null). */
export async function saveNotificationPreferences(db: DB, keyring: Keyring, userId: number, choice: NotificationPreferences): Promise<void> {
  const values = {
    email_on_update: choice.email.onUpdate ? 1 : 0, email_on_close: choice.email.onClose ? 1 : 0,
    sms_on_update: choice.sms.onUpdate ? 1 : 0, sms_on_close: choice.sms.onClose ? 1 : 0,
    phone: choice.sms.phone ? seal(keyring, PHONE_FIELD, choice.sms.phone) : null, updated_at: nowIso(),
  };
  await db.insertInto('resident_preferences').values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
}

/** Opens a sealed number read with a query of its own. */
export const openPhone = (keyring: Keyring, sealed: string | null): string | null => (sealed ? open(keyring, PHONE_FIELD, sealed) : null);
