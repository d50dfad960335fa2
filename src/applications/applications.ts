/**
 * Application services and applications: publishing a form version, drafts that an applicant
 * saves and comes back to, and sending an application, which makes a case of kind
 * 'application' through the case core (submitCase) with its form version, answers and fee kept
 * beside it in the same transaction.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { getService, serviceWorkflowCode, updateService } from '../catalogue/catalogue.js';
import { applicationLink } from '../cases/application-links.js';
import { submitCase } from '../cases/submit.js';
import type { Channel, ServiceRequest, SubmissionContext } from '../cases/types.js';
import type { DB } from '../db/connection.js';
import { translator, languages } from '../i18n/i18n.js';
import { queueEmail, type Sender } from '../notifications/email.js';
import { lookupHash, sealedPrefix, sealedWith, type Keyring } from '../platform/crypto.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { builtInVersion } from '../workflow/store.js';
import { chosenPlace } from './addresses.js';
import { answersToKeep, firstIncompletePage, type Answers } from './answers.js';
import { checkDefinition, type FormDefinition } from './definition.js';
import { calculateFee, type CalculatedFee } from './fees.js';
import { openAnswers, openText, SEALED_DRAFT, sealAnswers, sealText } from './sealed.js';
import type { DocumentStorage } from './storage.js';
import * as store from './store.js';
import { APPLICATION_WORKFLOW_CODE, APPLICATION_WORKFLOW_NAME, applicationWorkflow } from './workflow.js';

export interface ApplicationForm { id: number; serviceCode: string; version: number; definition: FormDefinition }

/** The applicant's own details, asked on the "Your details" page; sealed with the case, never in its answers. */
export interface ApplicantContact { name: string; email: string; phone?: string }

export interface Draft {
  id: string;
  form: ApplicationForm;
  userId: number | null;
  answers: Answers;
  contact: ApplicantContact | null;
  language: string;
  caseId: number | null;
  /** How the application reaches the council: online, or through an officer (assisted digital). */
  channel: DraftChannel;
  /** The officer who fills it in for a resident, at the counter or on the phone. */
  assistedBy: number | null;
  /** The licence it renews, and what of the last application's answers could not be carried over. */
  renewal: Renewal | null;
}

export type DraftChannel = Extract<Channel, 'web' | 'phone' | 'counter'>;
export interface Renewal { licenceId: number; number: string; dropped: string[] }

/** How long an emailed "come back to your application" link works. */
export const RESUME_LINK_DAYS = 7;
/** An unsent draft not touched for this long is deleted by retention (it holds personal data). */
export const DRAFT_RETENTION_DAYS = 90;
const CONTACT_KEY = '$contact';
const RENEWAL_KEY = '$renewal';

const parseForm = (row: { id: number; service_code: string; version: number; definition: string }): ApplicationForm =>
  ({ id: row.id, serviceCode: row.service_code, version: row.version, definition: JSON.parse(row.definition) as FormDefinition });

/**
 * Publishes a new version of a service's application form. The service must exist in the
 * catalogue; it is given the applications workflow unless it already follows one of its own.
 * Open applications keep the version they started on.
 */
export async function publishForm(db: DB, jurisdictionId: string, serviceCode: string, definition: unknown, actor: string): Promise<ApplicationForm> {
  const checked = checkDefinition(definition);
  if (!checked.ok) throw invalid(checked.problems[0]!, checked.problems);
  await prepareApplicationService(db, jurisdictionId, serviceCode, actor);
  return db.transaction().execute((trx) => insertFormVersion(trx, jurisdictionId, serviceCode, checked.definition, actor));
}

/** Before a service's first form: the service must exist, and follows the applications workflow unless it has one of its own (once done, this changes nothing). */
export async function prepareApplicationService(db: DB, jurisdictionId: string, serviceCode: string, actor: string): Promise<void> {
  const service = await getService(db, jurisdictionId, serviceCode);
  await builtInVersion(db, jurisdictionId, { code: APPLICATION_WORKFLOW_CODE, name: APPLICATION_WORKFLOW_NAME, definition: applicationWorkflow });
  if ((await serviceWorkflowCode(db, jurisdictionId, serviceCode)) === null) {
    await updateService(db, jurisdictionId, serviceCode, {
      name: service.name, description: service.description, groupCode: service.groupCode, keywords: service.keywords, department: service.department,
      workflowCode: APPLICATION_WORKFLOW_CODE, expectedDays: service.expectedDays, active: service.active, serviceNotice: service.serviceNotice,
    }, actor);
  }
}

/** Inserts a checked definition as the service's next version, audited, inside the caller's transaction. */
export async function insertFormVersion(trx: DB, jurisdictionId: string, serviceCode: string, definition: FormDefinition, actor: string): Promise<ApplicationForm> {
  const latest = await store.latestFormVersion(trx, jurisdictionId, serviceCode);
  const row = await store.insertForm(trx, {
    jurisdiction_id: jurisdictionId, service_code: serviceCode, version: (latest?.version ?? 0) + 1,
    definition: JSON.stringify(definition), published_at: nowIso(), published_by: actor,
  });
  await appendAudit(trx, { actor, action: 'application_form.published', entityType: 'application_form', entityId: `${serviceCode}@${row.version}`, after: { version: row.version } });
  return { id: row.id, serviceCode, version: row.version, definition };
}

/** The form new applications to a service start on (its newest version); not_found when the service takes none. */
export async function currentForm(db: DB, jurisdictionId: string, serviceCode: string): Promise<ApplicationForm> {
  const row = await store.latestFormVersion(db, jurisdictionId, serviceCode);
  if (!row) throw notFound(`There is no application service "${serviceCode}".`);
  return parseForm(row);
}

/** One published version of a service's form, by its id (what an open application keeps); undefined when there is none. */
export async function formVersion(db: DB, jurisdictionId: string, id: number): Promise<ApplicationForm | undefined> {
  const row = await store.formById(db, jurisdictionId, id);
  return row ? parseForm(row) : undefined;
}

export async function listApplicationServices(db: DB, jurisdictionId: string): Promise<ApplicationForm[]> {
  return (await store.applicationServices(db, jurisdictionId)).filter((row) => row.active).map(parseForm);
}

export interface DraftStart {
  /** An officer starting it for a resident: the channel and the officer's user id. */
  assisted?: { channel: 'phone' | 'counter'; officer: number };
  /** A renewal: the licence, and what is carried over from the last application. */
  renewal?: Renewal;
  answers?: Answers;
  contact?: ApplicantContact;
}

/** Starts a draft; its answers (empty, or carried over from a renewal) are sealed from the start. */
export async function startDraft(db: DB, keyring: Keyring, jurisdictionId: string, form: ApplicationForm, userId: number | null, language: string, start: DraftStart = {}): Promise<string> {
  const id = randomUUID();
  const at = nowIso();
  const draft: Draft = {
    id, form, userId, answers: start.answers ?? {}, contact: start.contact ?? null, language, caseId: null,
    channel: start.assisted?.channel ?? 'web', assistedBy: start.assisted?.officer ?? null, renewal: start.renewal ?? null,
  };
  await store.insertDraft(db, {
    id, jurisdiction_id: jurisdictionId, form_id: form.id, user_id: userId, language, created_at: at, updated_at: at,
    answers: sealDraft(keyring, draft), contact_email_hash: contactHash(keyring, draft),
    renews_licence_id: draft.renewal?.licenceId ?? null, channel: draft.channel, assisted_by: draft.assistedBy,
  });
  return id;
}

const sealDraft = (keyring: Keyring, draft: Draft): string => sealText(keyring, SEALED_DRAFT, JSON.stringify({
  ...draft.answers, ...(draft.contact ? { [CONTACT_KEY]: draft.contact } : {}), ...(draft.renewal ? { [RENEWAL_KEY]: draft.renewal } : {}),
}));
const contactHash = (keyring: Keyring, draft: Draft): string | null => (draft.contact ? lookupHash(keyring, 'email', draft.contact.email) : null);
const openDraft = (keyring: Keyring, stored: string): string => openText(keyring, SEALED_DRAFT, stored);

export async function loadDraft(db: DB, keyring: Keyring, jurisdictionId: string, id: string): Promise<Draft | undefined> {
  const row = /^[0-9a-f-]{36}$/.test(id) ? await store.findDraft(db, jurisdictionId, id) : undefined;
  if (!row) return undefined;
  const form = await store.formById(db, jurisdictionId, row.form_id);
  if (!form) return undefined;
  const stored = JSON.parse(openDraft(keyring, row.answers)) as Record<string, unknown>;
  const { [CONTACT_KEY]: contact, [RENEWAL_KEY]: renewal, ...answers } = stored;
  return {
    id: row.id, form: parseForm(form), userId: row.user_id, answers: answers as Answers, contact: (contact as ApplicantContact | undefined) ?? null,
    language: row.language, caseId: row.case_id, channel: row.channel, assistedBy: row.assisted_by, renewal: (renewal as Renewal | undefined) ?? null,
  };
}

export async function saveDraft(db: DB, keyring: Keyring, draft: Draft): Promise<void> {
  if (draft.caseId !== null) throw conflict('This application was already sent; it cannot be changed here.');
  await store.saveDraftAnswers(db, draft.id, sealDraft(keyring, draft), contactHash(keyring, draft), nowIso());
}

/** Re-seals every draft under the current key (and its contact hash), in batches: key rotation. Returns how many changed. */
export async function resealDrafts(db: DB, keyring: Keyring, batchSize = 500): Promise<number> {
  let changed = 0;
  let after = '';
  for (;;) {
    const rows = await store.draftsAfter(db, after, batchSize);
    if (rows.length === 0) return changed;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        if (sealedWith(row.answers) === keyring.current.id) continue;
        const plain = openDraft(keyring, row.answers);
        const contact = (JSON.parse(plain) as { [CONTACT_KEY]?: ApplicantContact })[CONTACT_KEY];
        await store.resealDraft(trx, row.id, sealText(keyring, SEALED_DRAFT, plain), contact ? lookupHash(keyring, 'email', contact.email) : null);
        changed++;
      }
    });
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * Seals sent applications' answers under the current key, in batches: those written in clear
 * before answers were sealed (every start does this: once all are sealed, it is one query that
 * finds nothing), and when `rotating`, those sealed under an older key. Returns how many changed.
 */
export async function resealApplications(db: DB, keyring: Keyring, options: { rotating?: boolean; batchSize?: number } = {}): Promise<number> {
  const stale = options.rotating ? sealedPrefix(keyring.current.id) : sealedPrefix();
  let changed = 0;
  let after = 0;
  for (;;) {
    const rows = await store.applicationAnswersNotLike(db, `${stale}%`, after, options.batchSize ?? 500);
    if (rows.length === 0) return changed;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        if (await store.resealApplicationAnswers(trx, row.case_id, row.answers, sealAnswers(keyring, openAnswers(keyring, row.answers)))) changed++;
      }
    });
    after = rows[rows.length - 1]!.case_id;
  }
}

/**
 * Retention: unsent drafts untouched for DRAFT_RETENTION_DAYS go, with their documents (the
 * files too). Returns how many drafts were deleted.
 */
export async function removeAbandonedDrafts(db: DB, storage: Pick<DocumentStorage, 'remove'>, jurisdictionId: string, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DRAFT_RETENTION_DAYS * 86_400_000).toISOString();
  return removeDrafts(db, storage, await store.unsentDraftsBefore(db, jurisdictionId, cutoff), 'application_draft.expired', 'retention', { retentionDays: DRAFT_RETENTION_DAYS });
}

/** Erasure: the unsent drafts that give this email address as the applicant's go, with their documents. Returns their ids. */
export async function eraseDraftsOf(db: DB, keyring: Keyring, storage: Pick<DocumentStorage, 'remove'>, jurisdictionId: string, email: string, actor: string): Promise<string[]> {
  const ids = await store.unsentDraftsWithContact(db, jurisdictionId, lookupHash(keyring, 'email', email));
  await removeDrafts(db, storage, ids, 'application_draft.erased', actor, {});
  return ids;
}

async function removeDrafts(db: DB, storage: Pick<DocumentStorage, 'remove'>, ids: string[], action: string, actor: string, after: Record<string, unknown>): Promise<number> {
  let removed = 0;
  for (const id of ids) {
    const keys = await db.transaction().execute(async (trx) => {
      const documents = await store.deleteUnsentDraft(trx, id);
      if (documents === null) return [];
      await appendAudit(trx, { actor, action, entityType: 'application_draft', entityId: id, after: { ...after, documents: documents.length } });
      removed++;
      return documents;
    });
    // The files go once the rows are gone: a file without a row is harmless, a row without its file is not.
    for (const key of keys) await storage.remove(key).catch(() => undefined);
  }
  return removed;
}

export const draftsOfUser = async (db: DB, jurisdictionId: string, userId: number) =>
  (await store.draftsOfUser(db, jurisdictionId, userId)).map((d) => ({ id: d.id, updatedAt: d.updated_at, serviceCode: d.service_code, title: (JSON.parse(d.definition) as FormDefinition).title }));

export const applicationsOfUser = async (db: DB, jurisdictionId: string, userId: number) =>
  (await store.applicationsOfUser(db, jurisdictionId, userId)).map((a) => ({
    caseId: a.case_id, serviceName: a.service_name, state: a.state, status: a.status, requestedAt: a.requested_at, paymentState: a.payment_state, fee: a.fee_pence,
  }));

/** What a privacy export gives of an application: the service, the form version, the answers (opened) and the fee. */
export async function applicationForExport(db: DB, keyring: Keyring, jurisdictionId: string, caseId: number) {
  const row = await store.findApplication(db, jurisdictionId, caseId);
  if (!row) throw notFound(`There is no application ${caseId}.`);
  return {
    reference: String(caseId), serviceCode: row.service_code, service: row.service_name, formVersion: row.version, sentAt: row.created_at, language: row.language,
    state: row.state, status: row.status, answers: openAnswers(keyring, row.answers), feePence: row.fee_pence, paymentState: row.payment_state,
  };
}

/** An application's reference, fee and payment state, for its applicant's pages. */
export async function applicationSummary(db: DB, jurisdictionId: string, caseId: number) {
  const row = await store.findApplication(db, jurisdictionId, caseId);
  if (!row) throw notFound(`There is no application ${caseId}.`);
  const definition = JSON.parse(row.definition) as FormDefinition;
  return { caseId, fee: row.fee_pence, paymentState: row.payment_state, state: row.state, status: row.status, serviceName: row.service_name, appealDays: definition.appealDays ?? null };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A guest saves their application: an email with a link back to it, through the outbox. The
 * link's token is stored hashed, replaces any earlier one, expires and works once.
 */
export async function emailResumeLink(db: DB, deps: Sender & { keyring: Keyring }, draft: Draft, email: string): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const t = translator(languages.find((l) => l.code === draft.language) ?? languages[0]!).t;
  const link = `${deps.publicUrl}/apply/resume?token=${token}`;
  await db.transaction().execute(async (trx) => {
    await store.setResumeToken(trx, draft.id, hashToken(token), new Date(Date.now() + RESUME_LINK_DAYS * 86_400_000).toISOString());
    await queueEmail(trx, deps.keyring, 'application_resume', {
      to: email, language: draft.language,
      subject: t('applications.email.resumeSubject', { service: draft.form.definition.title }),
      text: t('applications.email.resumeText', { service: draft.form.definition.title, link, days: RESUME_LINK_DAYS, council: deps.council }),
    });
  });
}

/** The draft an emailed link opens, once; undefined when the link is unknown, used or expired. */
export async function resumeWithToken(db: DB, keyring: Keyring, jurisdictionId: string, token: string): Promise<Draft | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const row = await db.transaction().execute((trx) => store.takeResumeToken(trx, jurisdictionId, hashToken(token), nowIso()));
  return row ? loadDraft(db, keyring, jurisdictionId, row.id) : undefined;
}

/** The fee an application would have today: what the applicant sees before sending it. */
export const feeFor = (draft: Pick<Draft, 'form' | 'answers'>, day = nowIso().slice(0, 10)): CalculatedFee => calculateFee(draft.form.definition, answersToKeep(draft.form.definition, draft.answers), day);

/**
 * Sends the application: it must be complete (every needed answer and document, the
 * declaration) with the applicant's details. One transaction makes the case (through the case
 * core), keeps the form version, the answers and the fee as calculated, marks the draft sent
 * (a second send is refused) and queues the applicant's email.
 */
export async function sendApplication(db: DB, context: SubmissionContext & { sender: Sender }, draft: Draft, channel: Channel, actor: { id: string }): Promise<{ request: ServiceRequest; fee: CalculatedFee }> {
  if (draft.caseId !== null) throw conflict('This application was already sent.');
  const definition = draft.form.definition;
  const documents = await store.documentsOfDraft(db, draft.id);
  const counts: Record<string, number> = {};
  for (const d of documents) counts[d.field] = (counts[d.field] ?? 0) + 1;
  const missing = firstIncompletePage(definition, draft.answers, counts);
  if (missing) throw invalid(`The application is not complete: answer the page "${missing.title}".`);
  if (!draft.contact) throw invalid('Give your name and email address before you send the application.');
  const answers = answersToKeep(definition, draft.answers);
  const fee = calculateFee(definition, answers, nowIso().slice(0, 10));
  const [firstName, ...rest] = draft.contact.name.trim().split(/\s+/);
  const place = placeOf(definition, answers);
  const t = translator(languages.find((l) => l.code === draft.language) ?? languages[0]!).t;

  const request = await db.transaction().execute(async (trx) => submitCase(trx, context, channel, {
    kind: 'application', serviceCode: draft.form.serviceCode, description: draft.renewal ? `${definition.title} (renewal of licence ${draft.renewal.number})` : definition.title, attributes: {}, mediaUrls: [],
    ...place,
    contact: { email: draft.contact!.email, firstName: firstName ?? null, lastName: rest.join(' ') || null, phone: draft.contact!.phone || null, accountId: draft.userId === null ? null : String(draft.userId) },
  }, {
    actor, idempotencyKey: `application:${draft.id}`,
    ...(draft.userId !== null ? { reporterFollowers: [draft.userId] } : {}),
    alongside: async (inner, row) => {
      if ((await store.markDraftSent(inner, draft.id, row.id)) !== 1) throw conflict('This application was already sent.');
      await store.insertApplication(inner, {
        case_id: row.id, form_id: draft.form.id, draft_id: draft.id, answers: sealAnswers(context.keyring, answers), language: draft.language,
        fee_pence: fee.total, fee_lines: JSON.stringify(fee.lines), payment_state: fee.total > 0 ? 'due' : 'not_due', user_id: draft.userId, created_at: row.requested_at,
        renews_licence_id: draft.renewal?.licenceId ?? null, channel, assisted_by: draft.assistedBy,
      });
      if (draft.renewal) {
        await appendAudit(inner, { actor: actor.id, action: 'application.renews', entityType: 'application', entityId: String(row.id), after: { licence: draft.renewal.number, dropped: draft.renewal.dropped } });
      }
      if (draft.assistedBy !== null) {
        await appendAudit(inner, { actor: actor.id, action: 'application.assisted', entityType: 'application', entityId: String(row.id), after: { channel, officer: `user:${draft.assistedBy}` } });
      }
      await appendAudit(inner, { actor: actor.id, action: 'application.fee_calculated', entityType: 'application', entityId: String(row.id), after: { ...fee, formVersion: draft.form.version } });
      await queueEmail(inner, context.keyring, 'application_received', {
        to: draft.contact!.email, language: draft.language,
        subject: t('applications.email.receivedSubject', { service: definition.title, reference: String(row.id) }),
        text: t('applications.email.receivedText', { service: definition.title, reference: String(row.id), link: await applicationLink(inner, context.sender.publicUrl, row.id, row.requested_at), council: context.sender.council }),
      }, { idempotencyKey: `application:${row.id}:received` });
    },
  }));
  return { request, fee };
}

/** An application's place for the case row (the queue's map and routing): its first point, area or address answer. */
function placeOf(definition: FormDefinition, answers: Answers): { lat?: number; long?: number; addressString?: string } {
  for (const page of definition.pages) for (const field of page.fields ?? []) {
    const value = answers[field.id];
    if (typeof value !== 'string') continue;
    if (field.type === 'address') {
      const place = chosenPlace(answers, field.id);
      return place ? { lat: place.lat, long: place.long, addressString: value.slice(0, 500) } : { addressString: value.slice(0, 500) };
    }
    if (field.type === 'map_point' || field.type === 'map_area') {
      try {
        const geometry = JSON.parse(value) as { type: string; coordinates: unknown };
        const [long, lat] = geometry.type === 'Point' ? geometry.coordinates as [number, number] : (geometry.coordinates as Array<Array<[number, number]>>)[0]![0]!;
        return { lat, long };
      } catch {
        return { addressString: value.slice(0, 500) };
      }
    }
  }
  return {};
}
