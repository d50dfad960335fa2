/**
 * A person's rights over their data (GDPR articles 15 and 17): staff can export everything held
 * about a reporter, and erase it, except where the law requires the council to keep it (each
 * service can name that duty), in which case the reason is given. Both are audited; the audit
 * entry names the person only by a keyed hash.
 */
import { appendAudit } from '../audit/audit.js';
import { applicationForExport, eraseDraftsOf } from '../applications/applications.js';
import type { DocumentStorage } from '../applications/storage.js';
import { listServices } from '../catalogue/catalogue.js';
import type { DB } from '../db/connection.js';
import { clearFeedbackComments, feedbackForCase, type GivenFeedback } from '../feedback/feedback.js';
import { lookupHash, type Keyring } from '../platform/crypto.js';
import { invalid } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { casesReportedBy, removeReporter } from '../cases/reporters.js';
import { eraseGuestFollowsOf, guestFollowsOf, type GuestFollow } from '../cases/guest-followers.js';
import { alertSubscriptionsOf, eraseAlertSubscriptionsOf, type AlertSubscriptionExport } from '../alerts/subscriptions.js';
import { caseHistory, getServiceRequest, type CaseHistoryEntry } from '../cases/queries.js';
import { type ServiceRequest } from '../cases/types.js';
import type { ReporterContact } from '../cases/types.js';

export interface PersonalDataExport {
  subject: { email: string };
  generatedAt: string;
  serviceRequests: Array<{ serviceRequest: ServiceRequest; contact: ReporterContact; history: CaseHistoryEntry[]; feedback: GivenFeedback[] }>;
  /** Applications (permits, licences) sent with the address, with their answers. */
  applications: Array<{ application: Awaited<ReturnType<typeof applicationForExport>>; contact: ReporterContact; history: CaseHistoryEntry[] }>;
  /** Reports the address follows (or asked to follow) by email, without an account. */
  guestFollows: GuestFollow[];
  /** Emergency alerts the address asked for (src/alerts/subscriptions.ts). */
  alertSubscriptions: AlertSubscriptionExport[];
}

export interface ErasureResult {
  erased: string[];
  /** Reports the address no longer follows by email (a follow is never a record the law requires to keep). */
  unfollowed: string[];
  kept: Array<{ serviceRequestId: string; reason: string }>;
  /** Application drafts never sent that gave the address (deleted, with their documents). */
  applicationDrafts: string[];
  /** Emergency alert subscriptions of the address, deleted. */
  alertSubscriptions: number;
}

function checkEmail(email: string): string {
  const trimmed = email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed)) throw invalid(`"${trimmed.slice(0, 100)}" is not an email address.`);
  return trimmed;
}

export async function exportPersonalData(db: DB, keyring: Keyring, jurisdictionId: string, email: string, actor: string): Promise<PersonalDataExport> {
  const subject = checkEmail(email);
  const reported = await casesReportedBy(db, keyring, jurisdictionId, subject);
  const serviceRequests: PersonalDataExport['serviceRequests'] = [];
  const applications: PersonalDataExport['applications'] = [];
  for (const item of reported) {
    // An application is not a service request (it is kept out of Open311): it has a shape of its own.
    if (item.kind === 'application') {
      applications.push({ application: await applicationForExport(db, keyring, jurisdictionId, item.caseId), contact: item.contact, history: await caseHistory(db, item.caseId) });
      continue;
    }
    serviceRequests.push({
      serviceRequest: await getServiceRequest(db, jurisdictionId, String(item.caseId)),
      contact: item.contact,
      history: await caseHistory(db, item.caseId),
      // Feedback on a case is given by its reporter (signed in or by the emailed link): theirs.
      feedback: await feedbackForCase(db, keyring, item.caseId),
    });
  }
  const guestFollows = await guestFollowsOf(db, keyring, jurisdictionId, subject);
  const alertSubscriptions = await alertSubscriptionsOf(db, keyring, jurisdictionId, subject);
  await db.transaction().execute((trx) => appendAudit(trx, {
    actor, action: 'personal_data.exported', entityType: 'person', entityId: lookupHash(keyring, 'email', subject),
    after: { service_requests: serviceRequests.map((r) => r.serviceRequest.id), applications: applications.map((a) => a.application.reference), guest_follows: guestFollows.map((f) => f.serviceRequestId), alert_subscriptions: alertSubscriptions.length },
  }));
  return { subject: { email: subject }, generatedAt: nowIso(), serviceRequests, applications, guestFollows, alertSubscriptions };
}

export async function erasePersonalData(db: DB, keyring: Keyring, jurisdictionId: string, email: string, reason: string, actor: string,
  options: { applicationDocuments?: Pick<DocumentStorage, 'remove'> } = {}): Promise<ErasureResult> {
  const subject = checkEmail(email);
  if (reason.trim().length < 3) throw invalid('Say why the data is erased (e.g. "request by email of 3 March"), for the record.');
  // Drafts never sent: nothing requires the council to keep them.
  const applicationDrafts = await eraseDraftsOf(db, keyring, options.applicationDocuments ?? { remove: async () => undefined }, jurisdictionId, subject, actor);
  const exemptions = new Map((await listServices(db, jurisdictionId, { includeInactive: true })).map((s) => [s.code, s.erasureExemption]));
  const reported = await casesReportedBy(db, keyring, jurisdictionId, subject);
  const result: ErasureResult = { erased: [], unfollowed: [], kept: [], applicationDrafts, alertSubscriptions: 0 };
  const at = nowIso();
  await db.transaction().execute(async (trx) => {
    for (const item of reported) {
      const exemption = exemptions.get(item.serviceCode);
      if (exemption) {
        result.kept.push({ serviceRequestId: String(item.caseId), reason: exemption });
        continue;
      }
      await removeReporter(trx, item.caseId, { action: 'reporter_erased', actor, at, reason: `erasure requested: ${reason.trim()}` });
      await clearFeedbackComments(trx, item.caseId);
      result.erased.push(String(item.caseId));
    }
    result.unfollowed = await eraseGuestFollowsOf(trx, keyring, jurisdictionId, subject);
    result.alertSubscriptions = await eraseAlertSubscriptionsOf(trx, keyring, jurisdictionId, subject);
    await appendAudit(trx, {
      actor, action: 'personal_data.erased', entityType: 'person', entityId: lookupHash(keyring, 'email', subject),
      after: { reason: reason.trim(), erased: result.erased, unfollowed: result.unfollowed, kept: result.kept, applicationDrafts: applicationDrafts.length, alertSubscriptions: result.alertSubscriptions },
    });
  });
  return result;
}
