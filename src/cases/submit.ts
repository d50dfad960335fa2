/**
 * Submitting a case: the one way a case is created, whichever channel it comes by (the Open311
 * API, the portal's report journey, the offline page, an import). Everything that makes up a
 * submission happens in one transaction: the row, its 'submitted' action (with the channel's
 * idempotency key), the reporter's sealed details, the workflow started with routing and clocks,
 * the photos and followers, the audit entry, the live events and the acknowledgement. What each
 * channel adds is given as data in `extras`.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { forwardingOf } from '../catalogue/forwarding.js';
import { localizeService } from '../catalogue/localize.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import type { CaseRow } from '../db/schema.js';
import { photoUrl, attachDraftPhotosToCase } from '../media/photos.js';
import { acknowledgeRequest } from '../notifications/acknowledge.js';
import type { Sender } from '../notifications/email.js';
import { conflict } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { enqueue } from '../platform/outbox.js';
import { addDays, nowIso } from '../platform/time.js';
import { caseEvents } from '../workflow/workflow.js';
import { follow } from './followers.js';
import { FORWARD_MESSAGE_KIND, forwardMessageKey } from './forwarded.js';
import { planCaseWorkflow, startCaseWorkflow, startPlannedClocks } from './lifecycle.js';
import { toServiceRequest } from './queries.js';
import { hasContact, sealReporter } from './reporters.js';
import * as store from './store.js';
import type { Actor, Channel, NewCase, ServiceRequest, SubmissionContext } from './types.js';
import { checkNewCase } from './validate.js';

/** What a channel adds to a submission, as data. */
export interface SubmissionExtras {
  actor: Actor;
  /**
   * The submission's own key (the offline page's draft id, the portal's draft, an import's
   * external id): a second submission with the same key is refused as a conflict.
   */
  idempotencyKey?: string;
  /** The portal's photos, uploaded to its draft: they become the case's, and its photo addresses are exactly them. */
  draftPhotos?: { draftId: string; publicUrl: string };
  /** Signed-in residents who follow the case as its reporter. */
  reporterFollowers?: number[];
  /** Tell the reporter the case arrived (request_received), in this language (default English). */
  acknowledge?: { email: string; language?: string; sender: Sender };
  /**
   * What the case's own module records beside the case, in the same transaction (an
   * application's form version, answers and fee): nothing is kept unless all of it is.
   */
  alongside?: (trx: DB, row: CaseRow) => Promise<void>;
  /**
   * The language the reporter wrote in (the page's, or Open311's locale; by default the
   * acknowledgement's): kept with their contact details, so updates about the case are in it.
   */
  reporterLanguage?: string;
  /**
   * A case from the past (an import, the demo's history): its own dates are kept, its workflow
   * is not started (its state is 'submitted' or 'closed'), and nobody is told.
   */
  history?: { requestedAt: string; closedAt: string | null; statusNotes: string | null; agencyResponsible: string | null };
  /**
   * What a client sent beside the case that is not an answer (an Open311 client's own id, its
   * attribute codes the service has no question for, where the council keeps them): kept in the
   * details of the 'submitted' action, for staff; never shown to the public.
   */
  sentAlongside?: Record<string, unknown>;
}

/**
 * Checks a new case fully (every problem at once) and creates it with everything its channel
 * adds, in one transaction (the caller's, when given one). Throws `invalid` with every problem,
 * or `conflict` when its idempotency key was used already.
 */
export async function submitCase(db: DB, context: SubmissionContext, channel: Channel, input: NewCase, extras: SubmissionExtras): Promise<ServiceRequest> {
  const { jurisdiction, keyring } = context;
  const { actor, history } = extras;
  const at = history?.requestedAt ?? nowIso();
  const closedAt = history?.closedAt ?? null;

  const run = async (trx: DB) => {
    // Checked in the transaction: the settings it reads (the service, its questions) are then read
    // at the same settings generation as the workflow and routing below, which is read once.
    const { service, description, answers } = await checkNewCase(trx, jurisdiction.id, jurisdiction.bounds, input, history !== undefined);
    const caseContext = { jurisdictionId: jurisdiction.id, timeZone: jurisdiction.timeZone ?? 'UTC' };
    // Its workflow, department, assignee and clocks are part of the submission, not a later
    // change: decided first, they are written with the row (and its clocks after it).
    const planned = history ? null : await planCaseWorkflow(trx, caseContext, { service_code: service.code, lat: input.lat ?? null, long: input.long ?? null, requested_at: at });
    const inserted = await store.insertCase(trx, {
      jurisdiction_id: jurisdiction.id,
      kind: input.kind ?? 'service_request',
      service_code: service.code,
      description,
      lat: input.lat ?? null,
      long: input.long ?? null,
      address_string: input.addressString?.trim() || null,
      address_id: input.addressId?.trim() || null,
      zipcode: input.zipcode?.trim() || null,
      attributes: JSON.stringify(answers),
      media_urls: JSON.stringify(input.mediaUrls),
      status: closedAt ? 'closed' : 'open',
      state: closedAt ? 'closed' : 'submitted',
      status_notes: closedAt ? history?.statusNotes ?? null : null,
      agency_responsible: history?.agencyResponsible ?? service.agencyResponsible,
      channel,
      token: randomUUID(),
      requested_at: at,
      updated_at: closedAt ?? at,
      expected_at: service.expectedDays === null ? null : addDays(at, service.expectedDays),
      closed_at: closedAt,
      api_key_id: actor.apiKeyId ?? null,
      ...planned?.columns,
    }, hasContact(input.contact) ? { ...sealReporter(keyring, input.contact), language: extras.reporterLanguage ?? extras.acknowledge?.language ?? null } : null);
    if (planned) await startPlannedClocks(trx, inserted.id, planned);
    // A first state that the plan cannot decide ahead starts on the written row (given, not read again).
    let row = history || planned ? inserted : await startCaseWorkflow(trx, caseContext, inserted.id, { current: inserted });
    await store.insertAction(trx, {
      caseId: row.id, action: 'submitted', actor: actor.id, idempotencyKey: extras.idempotencyKey ?? null, status: history ? 'open' : row.status,
      state: history ? 'submitted' : row.state, description: null, mediaUrl: null, details: { channel, ...(extras.sentAlongside ? { sentAlongside: extras.sentAlongside } : {}) }, isPublic: true, at,
    });
    if (history && closedAt) {
      await store.insertAction(trx, {
        caseId: row.id, action: 'status_update', actor: actor.id, idempotencyKey: null, status: 'closed', state: 'closed',
        description: history.statusNotes, mediaUrl: null, details: {}, isPublic: true, at: closedAt,
      });
    }
    if (extras.draftPhotos) row = await attachPhotos(trx, row, extras.draftPhotos, input.mediaUrls);
    const entityType = input.kind ?? 'service_request';
    await appendAudit(trx, {
      actor: actor.id, action: `${entityType}.${history ? 'imported' : 'submitted'}`, entityType,
      entityId: String(row.id), after: store.auditViewOfCase(row),
    });
    if (extras.alongside) await extras.alongside(trx, row);
    for (const userId of extras.reporterFollowers ?? []) await follow(trx, row.id, userId, 'reporter');
    if (extras.acknowledge) {
      const { email, language, sender } = extras.acknowledge;
      await acknowledgeRequest(trx, { ...sender, keyring, ...(language ? { language } : {}) }, { caseId: row.id, serviceName: language ? localizeService(service, language).name : service.name }, email);
    }
    if (!history) await publishEvents(trx, caseEvents(row, 'submitted', [row.department_id], null));
    // Client mode: a service worked by an outside back office sends it each new case, through the outbox.
    if (!history && await forwardingOf(trx, jurisdiction.id, service.code)) {
      await enqueue(trx, FORWARD_MESSAGE_KIND, { caseId: row.id, jurisdictionId: jurisdiction.id }, { idempotencyKey: forwardMessageKey(row.id) });
    }
    return { row, service };
  };

  let created;
  try {
    created = db.isTransaction ? await run(db) : await db.transaction().execute(run);
  } catch (error) {
    if (extras.idempotencyKey && isUniqueViolation(error)) throw conflict('This case was already submitted; it was not made again.');
    throw error;
  }
  const { row, service } = created;
  return toServiceRequest({ ...row, service_name: service.name, service_notice: service.serviceNotice });
}

/** The draft's photos become the case's; its photo addresses are exactly the photos attached. */
async function attachPhotos(trx: DB, row: CaseRow, photos: { draftId: string; publicUrl: string }, given: string[]): Promise<CaseRow> {
  const urls = (await attachDraftPhotosToCase(trx, photos.draftId, row.id)).map((id) => photoUrl(photos.publicUrl, id));
  if (JSON.stringify(urls) === JSON.stringify(given)) return row;
  await store.setCaseColumns(trx, row.id, { media_urls: JSON.stringify(urls) });
  return { ...row, media_urls: JSON.stringify(urls) };
}
