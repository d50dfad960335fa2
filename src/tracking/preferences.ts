/**
 * A resident's choice of emails about the cases they report or follow. Without a saved
 * choice both are on: a resident who follows a report expects to hear about it.
 */
import type { DB } from '../db/connection.js';
import { nowIso } from '../platform/time.js';

export interface EmailPreferences {
  /** Email when a report they made or follow is updated. */
  onUpdate: boolean;
  /** Email when it is closed. */
  onClose: boolean;
}

export async function emailPreferences(db: DB, userId: number): Promise<EmailPreferences> {
  const row = await db.selectFrom('resident_preferences').select(['email_on_update', 'email_on_close']).where('user_id', '=', userId).executeTakeFirst();
  return { onUpdate: row ? Number(row.email_on_update) === 1 : true, onClose: row ? Number(row.email_on_close) === 1 : true };
}

export async function saveEmailPreferences(db: DB, userId: number, choice: EmailPreferences): Promise<void> {
  const values = { email_on_update: choice.onUpdate ? 1 : 0, email_on_close: choice.onClose ? 1 : 0, updated_at: nowIso() };
  await db.insertInto('resident_preferences').values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
}
