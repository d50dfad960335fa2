/**
 * Retention: once a request has been closed for its service's retention period, the reporter's
 * contact details are deleted, and so are the addresses of guests who follow it by email (with
 * follow links never used and addresses that unsubscribed, see cases/guest-followers.ts), and
 * application drafts never sent go once untouched for their retention period (with their documents). The case itself stays (its service, place, times and outcome are
 * the council's statistics), and the anonymisation is recorded on the case and in the audit trail.
 */
import { clearFeedbackComments } from '../feedback/feedback.js';
import { sql } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import { removeAbandonedDraftPhotos } from '../media/photos.js';
import { removeExpiredDrafts } from '../reporting/drafts.js';
import { closedCasesWithReporters } from '../cases/queries.js';
import { removeReporter } from '../cases/reporters.js';
import { removeExpiredGuestFollowers } from '../cases/guest-followers.js';
import { removeAbandonedDrafts } from '../applications/applications.js';
import type { DocumentStorage } from '../applications/storage.js';

/** Serialises retention runs across app processes on PostgreSQL. */
const RETENTION_LOCK_KEY = 7_261_312;

export interface RetentionResult {
  anonymised: number;
  /** Guests' email follows deleted: unused links once expired, unsubscribed addresses, and those of cases past retention. */
  guestFollowers: number;
  /** Application drafts never sent and untouched for their retention period, deleted with their documents. */
  applicationDrafts: number;
  /** False when another process was already running retention (PostgreSQL). */
  ran: boolean;
}

export interface RetentionOptions {
  now?: Date;
  actor?: string;
  batchSize?: number;
  /** Where applicants' documents are kept: given, abandoned application drafts go too, with their files. */
  applicationDocuments?: Pick<DocumentStorage, 'remove'>;
}

export async function anonymiseExpiredReporters(db: DB, jurisdictionId: string, options: RetentionOptions = {}): Promise<RetentionResult> {
  const now = options.now ?? new Date();
  const actor = options.actor ?? 'retention';
  const batchSize = options.batchSize ?? 200;
  if (dialectOf(db) === 'postgres') {
    return db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${RETENTION_LOCK_KEY}) as locked`.execute(connection);
      if (!rows[0]?.locked) return { anonymised: 0, guestFollowers: 0, applicationDrafts: 0, ran: false };
      try {
        const guestFollowers = await removeExpiredGuestFollowers(connection, jurisdictionId, now);
        const applicationDrafts = options.applicationDocuments ? await removeAbandonedDrafts(connection, options.applicationDocuments, jurisdictionId, now) : 0;
        return { anonymised: await anonymise(connection, jurisdictionId, now, actor, batchSize), guestFollowers, applicationDrafts, ran: true };
      } finally {
        await sql`select pg_advisory_unlock(${RETENTION_LOCK_KEY})`.execute(connection);
      }
    });
  }
  const guestFollowers = await removeExpiredGuestFollowers(db, jurisdictionId, now);
  const applicationDrafts = options.applicationDocuments ? await removeAbandonedDrafts(db, options.applicationDocuments, jurisdictionId, now) : 0;
  return { anonymised: await anonymise(db, jurisdictionId, now, actor, batchSize), guestFollowers, applicationDrafts, ran: true };
}

async function anonymise(db: DB, jurisdictionId: string, now: Date, actor: string, batchSize: number): Promise<number> {
  // Reports never sent go too, once expired (they may hold contact details), and then the photos
  // of drafts that are expired or gone: they belong to no case, so nothing else would remove them.
  await removeExpiredDrafts(db, jurisdictionId, { now });
  await removeAbandonedDraftPhotos(db, jurisdictionId, { now });
  let total = 0;
  for (;;) {
    const expired = await findExpired(db, jurisdictionId, now, batchSize);
    if (expired.length === 0) return total;
    await db.transaction().execute(async (trx) => {
      for (const item of expired) {
        await removeReporter(trx, item.id, {
          action: 'reporter_anonymised', actor, at: now.toISOString(),
          reason: `retention period of ${item.retention_days} days after closure (closed ${item.closed_at}) ended`,
        });
        // A feedback comment may name the reporter too: it goes with their details.
        await clearFeedbackComments(trx, item.id);
      }
    });
    total += expired.length;
  }
}

async function findExpired(db: DB, jurisdictionId: string, now: Date, limit: number) {
  const services = await db.selectFrom('services').select(['code', 'retention_days'])
    .where('jurisdiction_id', '=', jurisdictionId).where('retention_days', 'is not', null).execute();
  const expired: Array<{ id: number; closed_at: string | null; retention_days: number }> = [];
  for (const service of services) {
    const days = service.retention_days as number;
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const rows = await closedCasesWithReporters(db, jurisdictionId, service.code, cutoff, limit - expired.length);
    expired.push(...rows.map((row) => ({ ...row, retention_days: days })));
    if (expired.length >= limit) break;
  }
  return expired;
}
