/**
 * Keyed links to an application's page, for its emails: a long random key, of which only the
 * SHA-256 is stored (as the licence PDF's holder link). Each email mints its own key; any of them
 * opens the page from any browser. Here, below the features, because the case-update email
 * (src/cases/actions.ts) carries one too.
 */
import { randomBytes } from 'node:crypto';
import type { DB } from '../db/connection.js';
import { sha256Hex } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';

/** The query parameter the key travels in: `key`, which the request log redacts. */
export const APPLICATION_KEY_PARAM = 'key';

/** Mints a key for the application (in the caller's transaction) and returns its page's link. */
export async function applicationLink(db: DB, publicUrl: string, caseId: number, at = nowIso()): Promise<string> {
  const key = randomBytes(24).toString('base64url');
  await db.insertInto('application_links').values({ key_hash: sha256Hex(key), case_id: caseId, created_at: at }).execute();
  return `${publicUrl}/apply/applications/${caseId}?${APPLICATION_KEY_PARAM}=${key}`;
}

/** Whether the key opens this application: a key of another application does not. */
export async function applicationKeyOpens(db: DB, caseId: number, key: string): Promise<boolean> {
  if (!key || key.length > 100) return false;
  const found = await db.selectFrom('application_links').select('case_id').where('key_hash', '=', sha256Hex(key)).executeTakeFirst();
  return found?.case_id === caseId;
}
