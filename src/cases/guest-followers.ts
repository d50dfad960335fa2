/**
 * Guests who follow a case by email ("this is my problem too" without an account). Asking sends
 * a one-time link to the address; nothing about the case is sent there until the link is used.
 * The address is sealed like a reporter's, found by its keyed hash, and covered by retention,
 * erasure and the subject access export. The only code that writes `guest_followers`.
 *
 * Nothing here tells a stranger whether an address already follows a case: asking answers the
 * same whatever the address, and only the mailbox's owner learns more, by email. Each address
 * gets at most a few confirmation emails a day, and each client address may ask only so often.
 */
import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { servicesInLanguage } from '../catalogue/catalogue.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import { emailProblem } from '../identity/resident-accounts.js';
import { translator } from '../i18n/i18n.js';
import { english, languageByCode } from '../i18n/languages.js';
import { linkWithToken, queueEmail, type Sender } from '../notifications/email.js';
import { DEFAULT_LANGUAGE, renderMessage, templateLanguages } from '../notifications/message-templates.js';
import { lookupHash, makeKeyring, open, seal, sealedWith, sha256Hex, type Keyring } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';

/** How long a confirmation link works: as long as an account's, since a guest may read their email days later. */
export const GUEST_LINK_MINUTES = 7 * 24 * 60;
/** Confirmation emails one address may be sent in a day, across every case. */
export const EMAILS_PER_ADDRESS_PER_DAY = 3;
/** Requests one client address may make in an hour (an office or a library shares one address). */
export const REQUESTS_PER_CLIENT_PER_HOUR = 20;
/** Where the emailed link leads: a page with one button, which confirms (a GET changes nothing, so mail scanners that open links confirm nothing). */
export const GUEST_CONFIRM_PATH = '/follow/confirm';

const SEALED_FIELD = 'guest_followers.email';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The address is not one (the field's message is a known sentence, translated by the page). */
export class GuestEmailProblem extends DomainError {
  constructor(readonly field: string) {
    super('invalid', field);
  }
}

export const CLOSED_MESSAGE = 'This report is closed, so it can no longer be followed.';

/** What the asking page should say: the same "check your email" whatever became of the address, unless the client asked too often. */
export type GuestFollowAnswer = 'check_email' | 'too_many';

export interface GuestFollowRequest {
  jurisdictionId: string;
  caseId: number;
  email: string;
  /** The language of the page it was asked from; every email to this address about the case is in it. */
  language: string;
  /** The client's network address, for the per-client limit (only its keyed hash is kept). */
  client: string;
}

const languageOf = (code: string) => ((templateLanguages as readonly string[]).includes(code) ? code : DEFAULT_LANGUAGE);

/** "7 days" in the message's language. */
const validFor = (language: string) => translator(languageByCode(language) ?? english).duration(GUEST_LINK_MINUTES);

/** The keyed hashes of an address under every key (after a change of key, older rows carry older hashes). */
const hashesOf = (keyring: Keyring, email: string) => [...new Set([...keyring.keys.values()].map((key) => lookupHash(makeKeyring(key), 'email', email)))];

/**
 * A guest asks to follow a case. Throws GuestEmailProblem for an address that is not one, and
 * DomainError conflict when the case is closed; otherwise answers the same whether an email went
 * out, the address already follows, or it had enough emails today (each recorded in the audit
 * trail, naming the address only by its keyed hash).
 */
export async function requestGuestFollow(db: DB, keyring: Keyring, sender: Sender, input: GuestFollowRequest): Promise<GuestFollowAnswer> {
  const email = input.email.trim();
  const problem = emailProblem(email);
  if (problem) throw new GuestEmailProblem(problem);
  const language = languageOf(input.language);
  const emailHash = lookupHash(keyring, 'email', email);
  const clientHash = lookupHash(keyring, 'guest-follow-client', input.client);
  const attempt = () => db.transaction().execute(async (trx): Promise<GuestFollowAnswer> => {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const current = await trx.selectFrom('cases').select(['id', 'status', 'service_code', 'jurisdiction_id'])
      .where('id', '=', input.caseId).where('jurisdiction_id', '=', input.jurisdictionId).executeTakeFirst();
    if (!current) throw new DomainError('not_found', 'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.');
    if (current.status === 'closed') throw new DomainError('conflict', CLOSED_MESSAGE);
    const audit = (after: Record<string, unknown>) => appendAudit(trx, {
      actor: 'anonymous', action: 'service_request.guest_follow_requested', entityType: 'service_request', entityId: String(input.caseId), after: { person: emailHash, ...after },
    });

    // Counts older than a day are dropped as new ones come (an indexed range), so the table stays small.
    await trx.deleteFrom('guest_follow_requests').where('requested_at', '<', new Date(now - DAY_MS).toISOString()).execute();
    const byClient = await trx.selectFrom('guest_follow_requests').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_hash', '=', clientHash).where('requested_at', '>', new Date(now - HOUR_MS).toISOString()).executeTakeFirstOrThrow();
    if (Number(byClient.n) >= REQUESTS_PER_CLIENT_PER_HOUR) {
      await audit({ sent: false, reason: 'too many requests from this client' });
      return 'too_many';
    }
    const byAddress = await trx.selectFrom('guest_follow_requests').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('email_hash', '=', emailHash).where('requested_at', '>', new Date(now - DAY_MS).toISOString()).executeTakeFirstOrThrow();
    await trx.insertInto('guest_follow_requests').values({ email_hash: emailHash, client_hash: clientHash, requested_at: at }).execute();
    if (Number(byAddress.n) >= EMAILS_PER_ADDRESS_PER_DAY) {
      await audit({ sent: false, reason: 'enough emails already sent to this address today' });
      return 'check_email';
    }

    const service = (await servicesInLanguage(trx, current.jurisdiction_id, language)).get(current.service_code)?.name ?? current.service_code;
    const values = { council: sender.council, site: sender.publicUrl, reference: String(current.id), service, link: `${sender.publicUrl}/requests/${current.id}` };
    const existing = await trx.selectFrom('guest_followers').select(['id', 'confirmed_at', 'unsubscribed_at'])
      .where('case_id', '=', current.id).where('email_hash', 'in', hashesOf(keyring, email)).executeTakeFirst();
    if (existing && existing.confirmed_at !== null && existing.unsubscribed_at === null) {
      // Already following: its owner is told so (the person asking learns nothing).
      const rendered = await renderMessage(trx, 'guest_follow_already', 'email', language, values);
      if (rendered) await queueEmail(trx, keyring, 'guest_follow_already', { to: email, subject: rendered.subject, text: rendered.text, language }, { event: 'guest_follow_already' });
      await audit({ guest_follower: existing.id, sent: true, reason: 'already following' });
      return 'check_email';
    }
    const token = randomBytes(32).toString('base64url');
    const fields = { email: seal(keyring, SEALED_FIELD, email), email_hash: emailHash, language, token_hash: sha256Hex(token), requested_at: at };
    let id: number;
    if (existing) {
      // A new link replaces the last one: only the newest works.
      await trx.updateTable('guest_followers').set(fields).where('id', '=', existing.id).execute();
      id = existing.id;
    } else {
      const row = await trx.insertInto('guest_followers').values({ case_id: current.id, ...fields, confirmed_at: null, created_at: at, unsubscribed_at: null })
        .returning('id').executeTakeFirstOrThrow();
      id = row.id;
    }
    const rendered = await renderMessage(trx, 'guest_follow_confirm', 'email', language, { ...values, link: linkWithToken(sender, GUEST_CONFIRM_PATH, token), validFor: validFor(language) });
    if (rendered) await queueEmail(trx, keyring, 'guest_follow_confirm', { to: email, subject: rendered.subject, text: rendered.text, language }, { event: 'guest_follow_confirm' });
    await audit({ guest_follower: id, sent: true });
    return 'check_email';
  });
  try {
    return await attempt();
  } catch (error) {
    // The same address asked twice at the same moment: the other request made the row; this one updates it.
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

/** What a confirmation link can do now. */
export type GuestLinkState =
  | { state: 'usable'; caseId: number }
  /** Already used, and the address still follows: opening it again only says so. */
  | { state: 'confirmed'; caseId: number }
  | { state: 'closed'; caseId: number }
  /** Unknown, expired, replaced by a newer link, or used and since unsubscribed. */
  | { state: 'gone' };

async function linkState(db: DB, token: string, now = Date.now()) {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return { link: { state: 'gone' } as GuestLinkState, row: null };
  const row = await db.selectFrom('guest_followers').innerJoin('cases', 'cases.id', 'guest_followers.case_id')
    .select(['guest_followers.id', 'guest_followers.case_id', 'guest_followers.requested_at', 'guest_followers.confirmed_at', 'guest_followers.unsubscribed_at', 'cases.status'])
    .where('guest_followers.token_hash', '=', sha256Hex(token)).executeTakeFirst();
  if (!row) return { link: { state: 'gone' } as GuestLinkState, row: null };
  const used = row.confirmed_at !== null && Date.parse(row.confirmed_at) >= Date.parse(row.requested_at);
  const link: GuestLinkState = used ? (row.unsubscribed_at === null ? { state: 'confirmed', caseId: row.case_id } : { state: 'gone' })
    : Date.parse(row.requested_at) + GUEST_LINK_MINUTES * 60_000 <= now ? { state: 'gone' }
      : row.status === 'closed' ? { state: 'closed', caseId: row.case_id } : { state: 'usable', caseId: row.case_id };
  return { link, row };
}

/** Whether a link would work, without using it (for the page that shows its button). */
export async function guestLinkState(db: DB, token: string): Promise<GuestLinkState> {
  return (await linkState(db, token)).link;
}

/**
 * Uses a confirmation link: the address follows the case from now on (and again, after it had
 * unsubscribed). Using it twice changes nothing and says so; the answer is the link's state.
 */
export async function confirmGuestFollow(db: DB, token: string): Promise<GuestLinkState> {
  return db.transaction().execute(async (trx) => {
    const { link, row } = await linkState(trx, token);
    if (link.state !== 'usable' || !row) return link;
    const at = nowIso();
    // Only if no one else used it in the meantime (two clicks at once): the second says "already".
    const result = await trx.updateTable('guest_followers').set({ confirmed_at: at, unsubscribed_at: null })
      .where('id', '=', row.id).where('requested_at', '=', row.requested_at)
      .where((eb) => eb.or([eb('confirmed_at', 'is', null), eb('confirmed_at', '<', row.requested_at)])).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return { state: 'confirmed', caseId: row.case_id };
    await appendAudit(trx, {
      actor: 'anonymous', action: 'service_request.guest_follow_confirmed', entityType: 'service_request', entityId: String(row.case_id), after: { guest_follower: row.id },
    });
    return { state: 'usable', caseId: row.case_id };
  });
}

/** A guest to email about a change: the address opened, its language, and its row (for the unsubscribe link). */
export interface GuestToTell { followerId: number; email: string; language: string }

/** The confirmed guests of a case who have not unsubscribed, oldest first. Call inside the change's transaction. */
export async function guestFollowersToTell(trx: DB, keyring: Keyring, caseId: number): Promise<GuestToTell[]> {
  const rows = await trx.selectFrom('guest_followers').select(['id', 'email', 'language'])
    .where('case_id', '=', caseId).where('confirmed_at', 'is not', null).where('unsubscribed_at', 'is', null)
    .orderBy('id').execute();
  return rows.map((row) => ({ followerId: row.id, email: open(keyring, SEALED_FIELD, row.email), language: row.language }));
}

/**
 * A merged duplicate's guests follow the case it was merged into: confirmed ones are copied (an
 * address that unsubscribed there stays unsubscribed), and links still waiting to be used move
 * with them, so confirming one follows the open case. Call in the merge's transaction.
 */
export async function carryGuestFollowers(trx: DB, fromCaseId: number, toCaseId: number, at: string): Promise<void> {
  const rows = await trx.selectFrom('guest_followers').selectAll().where('case_id', '=', fromCaseId).where('unsubscribed_at', 'is', null).execute();
  for (const row of rows) {
    const there = await trx.selectFrom('guest_followers').select(['id', 'confirmed_at', 'unsubscribed_at'])
      .where('case_id', '=', toCaseId).where('email_hash', '=', row.email_hash).executeTakeFirst();
    if (row.confirmed_at === null) {
      if (!there) await trx.updateTable('guest_followers').set({ case_id: toCaseId }).where('id', '=', row.id).execute();
      continue;
    }
    if (!there) {
      await trx.insertInto('guest_followers').values({
        case_id: toCaseId, email: row.email, email_hash: row.email_hash, language: row.language, token_hash: null,
        requested_at: row.requested_at, confirmed_at: row.confirmed_at, created_at: at, unsubscribed_at: null,
      }).execute();
    } else if (there.confirmed_at === null && there.unsubscribed_at === null) {
      await trx.updateTable('guest_followers').set({ confirmed_at: row.confirmed_at }).where('id', '=', there.id).execute();
    }
  }
}

/** What the subject access export shows of a person's guest follows. */
export interface GuestFollow { serviceRequestId: string; language: string; askedAt: string; confirmedAt: string | null; unsubscribedAt: string | null }

/** The cases an address follows (or asked to follow) as a guest, in this jurisdiction. */
export async function guestFollowsOf(db: DB, keyring: Keyring, jurisdictionId: string, email: string): Promise<GuestFollow[]> {
  const rows = await db.selectFrom('guest_followers').innerJoin('cases', 'cases.id', 'guest_followers.case_id')
    .select(['guest_followers.case_id', 'guest_followers.language', 'guest_followers.created_at', 'guest_followers.confirmed_at', 'guest_followers.unsubscribed_at'])
    .where('cases.jurisdiction_id', '=', jurisdictionId).where('guest_followers.email_hash', 'in', hashesOf(keyring, email))
    .orderBy('guest_followers.id').execute();
  return rows.map((row) => ({ serviceRequestId: String(row.case_id), language: row.language, askedAt: row.created_at, confirmedAt: row.confirmed_at, unsubscribedAt: row.unsubscribed_at }));
}

/** Erases an address's guest follows in this jurisdiction, and the counts of its requests; returns the cases it followed. Call inside a transaction. */
export async function eraseGuestFollowsOf(trx: DB, keyring: Keyring, jurisdictionId: string, email: string): Promise<string[]> {
  const hashes = hashesOf(keyring, email);
  const rows = await trx.selectFrom('guest_followers').innerJoin('cases', 'cases.id', 'guest_followers.case_id')
    .select(['guest_followers.id', 'guest_followers.case_id']).where('cases.jurisdiction_id', '=', jurisdictionId)
    .where('guest_followers.email_hash', 'in', hashes).execute();
  if (rows.length > 0) await trx.deleteFrom('guest_followers').where('id', 'in', rows.map((r) => r.id)).execute();
  await trx.deleteFrom('guest_follow_requests').where('email_hash', 'in', hashes).execute();
  return rows.map((r) => String(r.case_id));
}

/**
 * Retention: deletes guest follows no longer needed: links never used, once they expired; addresses
 * that unsubscribed, a week later (the link in their emails still answers meanwhile); and every
 * guest of a case closed for longer than its service's retention period, as the reporter's
 * details are. Returns how many were deleted.
 */
export async function removeExpiredGuestFollowers(db: DB, jurisdictionId: string, now: Date): Promise<number> {
  const cases = db.selectFrom('cases').select('id').where('jurisdiction_id', '=', jurisdictionId);
  const unused = await db.deleteFrom('guest_followers').where('case_id', 'in', cases)
    .where('confirmed_at', 'is', null).where('requested_at', '<', new Date(now.getTime() - GUEST_LINK_MINUTES * 60_000).toISOString()).executeTakeFirst();
  const stopped = await db.deleteFrom('guest_followers').where('case_id', 'in', cases)
    .where('unsubscribed_at', '<', new Date(now.getTime() - GUEST_LINK_MINUTES * 60_000).toISOString())
    .where('requested_at', '<', new Date(now.getTime() - GUEST_LINK_MINUTES * 60_000).toISOString()).executeTakeFirst();
  let closed = 0;
  const services = await db.selectFrom('services').select(['code', 'retention_days']).where('jurisdiction_id', '=', jurisdictionId).execute();
  for (const service of services) {
    if (service.retention_days === null) continue;
    const cutoff = new Date(now.getTime() - Number(service.retention_days) * DAY_MS).toISOString();
    const result = await db.deleteFrom('guest_followers').where('case_id', 'in', db.selectFrom('cases').select('id')
      .where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', service.code).where('status', '=', 'closed').where('closed_at', '<', cutoff)).executeTakeFirst();
    closed += Number(result.numDeletedRows);
  }
  return Number(unused.numDeletedRows) + Number(stopped.numDeletedRows) + closed;
}

/** Re-seals every guest's address under the current key (and its hash), in batches. Returns how many rows changed. */
export async function resealGuestFollowers(db: DB, keyring: Keyring, batchSize = 500): Promise<number> {
  let changed = 0;
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('guest_followers').select(['id', 'email']).where('id', '>', after).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) return changed;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        if (sealedWith(row.email) === keyring.current.id) continue;
        const email = open(keyring, SEALED_FIELD, row.email);
        await trx.updateTable('guest_followers').set({ email: seal(keyring, SEALED_FIELD, email), email_hash: lookupHash(keyring, 'email', email) }).where('id', '=', row.id).execute();
        changed++;
      }
    });
    after = rows[rows.length - 1]?.id ?? after;
  }
}
