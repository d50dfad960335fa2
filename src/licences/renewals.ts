/**
 * Renewals: the holder is reminded 60, 30 and 7 days before a licence ends (once each, in
 * their language, through the outbox), and a licence whose end has passed is marked expired.
 * Runs as a scheduled job (platform/jobs.ts): one process at a time.
 */
import { appendAudit } from '../audit/audit.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import type { DB } from '../db/connection.js';
import type { ScheduledJob } from '../platform/jobs.js';
import { queueEmail } from '../notifications/email.js';
import type { WorkflowActor } from '../workflow/types.js';
import { formatDateIn, holderEmailOf, lastDayOf } from './licences.js';
import { renewLinkOf, renewToken } from './renew-link.js';
import * as store from './store.js';

export const REMINDER_DAYS = [60, 30, 7] as const;
const DAY = 86_400_000;
const BATCH = 500;
const actor: WorkflowActor = { id: 'system:licences', userId: null, role: 'system', departmentId: null };

export interface RenewalDeps {
  db: DB;
  ctx: EngineContext;
  now?: () => string;
}

export async function runLicenceRenewals({ db, ctx, now = () => new Date().toISOString() }: RenewalDeps): Promise<{ reminded: number; expired: number }> {
  const at = now();
  let expired = 0;
  // Lapsed: every issued or suspended licence whose end has passed.
  for (;;) {
    const before = expired;
    const lapsed = await store.licencesEndingBefore(db, ctx.jurisdictionId, at, BATCH);
    for (const licence of lapsed) {
      await db.transaction().execute(async (trx) => {
        const row = await store.licenceForUpdate(trx, ctx.jurisdictionId, licence.id);
        if (!row || !['issued', 'suspended'].includes(row.status) || row.valid_until > at) return;
        await store.setLicenceStatus(trx, row.id, 'expired', null, at);
        await appendAudit(trx, { actor: actor.id, action: 'licence.expired', entityType: 'licence', entityId: row.number, before: { status: row.status }, after: { status: 'expired' } });
        await performCaseAction(trx, ctx, row.case_id, { kind: 'note', text: `Licence ${row.number} has expired.` }, actor, `licence:${row.id}:expired`);
        expired++;
      });
    }
    // A full batch that changed nothing would come back the same: stop rather than spin.
    if (lapsed.length < BATCH || expired === before) break;
  }

  let reminded = 0;
  const window = new Date(Date.parse(at) + REMINDER_DAYS[0] * DAY + 1).toISOString();
  let after: { validUntil: string; id: number } | undefined;
  for (;;) {
    const soon = await store.issuedEndingBetween(db, ctx.jurisdictionId, at, window, BATCH, after);
    for (const licence of soon) {
      const daysLeft = Math.ceil((Date.parse(licence.valid_until) - Date.parse(at)) / DAY);
      const sent = JSON.parse(licence.reminders_sent) as number[];
      const due = REMINDER_DAYS.filter((days) => daysLeft <= days && !sent.includes(days));
      if (due.length === 0) continue;
      const reminder = Math.min(...due);
      await db.transaction().execute(async (trx) => {
        await store.setRemindersSent(trx, licence.id, [...sent, ...due].sort((a, b) => b - a));
        const to = holderEmailOf(ctx, licence);
        if (!to) return;
        const { keyring, publicUrl, council } = ctx.notify;
        await queueEmail(trx, keyring, 'licence_renewal_reminder', {
          to, subject: '', text: '', language: licence.language,
          values: {
            council, site: publicUrl, number: licence.number, service: licence.service_name, holder: licence.holder_name, days: String(daysLeft),
            link: `${publicUrl}/verify/${licence.token}`, validUntil: formatDateIn(lastDayOf(licence.valid_until), licence.language, ctx.timeZone),
            renewLink: renewLinkOf(publicUrl, licence.number, renewToken(keyring, licence.id, Date.parse(at))),
          },
        }, { event: 'licence_renewal_reminder', idempotencyKey: `licence:${licence.id}:reminder:${reminder}` });
        reminded++;
      });
    }
    if (soon.length < BATCH) break;
    const last = soon[soon.length - 1]!;
    after = { validUntil: last.valid_until, id: last.id };
  }
  return { reminded, expired };
}

/** The renewal job: hourly, so a reminder goes out on its day. */
export const licenceJobs = (deps: RenewalDeps): ScheduledJob[] => [{ name: 'licence-renewals', everyMs: 60 * 60_000, run: () => runLicenceRenewals(deps) }];
