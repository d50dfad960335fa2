/**
 * Licences and certificates: issued on a case (an approved application, or any case), signed
 * so that anyone can check them, suspended, reinstated or revoked by staff with a reason, and
 * published in the public register where the service says so.
 *
 * `issueLicence` is what the applications module calls when an application is approved.
 */
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import { findCaseRow } from '../cases/queries.js';
import type { DB } from '../db/connection.js';
import { languageByCode } from '../i18n/languages.js';
import { queueEmail } from '../notifications/email.js';
import { open, seal, sha256Hex, type Keyring } from '../platform/crypto.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { formatInZone, inDateRange, nowIso, parseZonedDateTime } from '../platform/time.js';
import type { WorkflowActor } from '../workflow/types.js';
import { checkCredential, currentness, MAX_TOKEN_LENGTH, signCredential, type LicenceClaims } from './credential.js';
import './messages.js';
import { currentSigningKey, publicKeysOf } from './signing-keys.js';
import * as store from './store.js';

export type { LicenceRow, LicenceStatus } from './store.js';

export interface LicenceInput {
  caseId: number;
  serviceCode: string;
  serviceName: string;
  holderName: string;
  holderEmail?: string | null;
  /** What the licence permits, in words. */
  permits: string;
  conditions: string[];
  /** A date (YYYY-MM-DD, the start of that day in the council's time zone) or a date-time with its zone. */
  validFrom: string;
  /** A date (valid to the end of that day in the council's time zone) or a date-time with its zone (valid until that moment). */
  validUntil: string;
  /** The holder's language (en, es, ar): of the emails they get. */
  language: string;
}

export interface IssuedLicence {
  licenceId: number;
  /** The human reference, e.g. LIC-2026-000123. */
  number: string;
  /** The signed credential (compact JWS) the QR code carries. */
  token: string;
  /** The holder's own link to the licence (its PDF), with a key only the holder was sent. */
  holderLink: string;
}

const LIMITS = { holder: 200, service: 200, permits: 2_000, condition: 1_000, conditions: 50, reason: 1_000 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SEALED_EMAIL = 'licences.holder_email';

export const holderLinkOf = (publicUrl: string, number: string, key: string) => `${publicUrl}/licences/${encodeURIComponent(number)}/pdf?key=${encodeURIComponent(key)}`;
export const verifyLinkOf = (publicUrl: string, token: string) => `${publicUrl}/verify/${token}`;

/** The start of a local date in a time zone, as a UTC instant. */
function startOfLocalDay(date: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const probe = new Date(utc);
  if (probe.getUTCDate() !== Number(match[3]) || probe.getUTCMonth() !== Number(match[2]) - 1 || !inDateRange(utc)) return null;
  // The zone's offset near that moment; twice, for a day that starts across a clock change.
  let instant = utc;
  for (let i = 0; i < 2; i++) instant = utc - offsetMs(formatInZone(new Date(instant).toISOString(), timeZone));
  return new Date(instant).toISOString();
}
const offsetMs = (zoned: string) => {
  const [, sign, h, m] = /([+-])(\d{2}):(\d{2})$/.exec(zoned) ?? ['', '+', '0', '0'];
  return (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m)) * 60_000;
};

/** A validity bound: a local date or a zoned date-time. `end`: a date means the end of that day. */
export function parseValidityBound(text: string, timeZone: string, end: boolean): string | null {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const start = startOfLocalDay(trimmed, timeZone);
    if (!start || !end) return start;
    const next = new Date(Date.parse(`${trimmed}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return startOfLocalDay(next, timeZone);
  }
  return parseZonedDateTime(trimmed);
}

interface CheckedInput {
  holderName: string; holderEmail: string | null; permits: string; conditions: string[]; serviceCode: string; serviceName: string;
  validFrom: string; validUntil: string; language: string;
}

function checkInput(input: LicenceInput, timeZone: string): CheckedInput {
  const problems: string[] = [];
  const text = (value: unknown, what: string, max: number): string => {
    const trimmed = typeof value === 'string' ? value.trim() : '';
    if (!trimmed) problems.push(`Enter ${what}.`);
    else if (trimmed.length > max) problems.push(`${what[0]!.toUpperCase()}${what.slice(1)} must be ${max} characters or fewer; it has ${trimmed.length}.`);
    return trimmed;
  };
  const holderName = text(input.holderName, "the holder's name", LIMITS.holder);
  const serviceCode = text(input.serviceCode, 'the service code', LIMITS.service);
  const serviceName = text(input.serviceName, 'the name of the service', LIMITS.service);
  const permits = text(input.permits, 'what the licence permits', LIMITS.permits);
  const email = typeof input.holderEmail === 'string' ? input.holderEmail.trim() : '';
  if (email && (!EMAIL.test(email) || email.length > 254)) problems.push("The holder's email address must look like name@example.org.");
  const conditions = Array.isArray(input.conditions) ? input.conditions : [];
  if (!Array.isArray(input.conditions)) problems.push('Give the conditions as a list (it may be empty).');
  if (conditions.length > LIMITS.conditions) problems.push(`A licence can have at most ${LIMITS.conditions} conditions; this one has ${conditions.length}.`);
  const checkedConditions = conditions.map((c, i) => text(c, `condition ${i + 1}`, LIMITS.condition));
  const validFrom = parseValidityBound(String(input.validFrom ?? ''), timeZone, false);
  const validUntil = parseValidityBound(String(input.validUntil ?? ''), timeZone, true);
  if (!validFrom) problems.push('Give the date the licence starts as YYYY-MM-DD (or a date and time with its zone).');
  if (!validUntil) problems.push('Give the date the licence ends as YYYY-MM-DD (or a date and time with its zone).');
  if (validFrom && validUntil && validUntil <= validFrom) problems.push('The licence must end after it starts.');
  if (!languageByCode(input.language)) problems.push('The holder\'s language must be one of en, es, ar.');
  if (problems.length > 0) throw invalid('The licence cannot be issued as it is.', problems);
  return { holderName, holderEmail: email || null, permits, conditions: checkedConditions, serviceCode, serviceName, validFrom: validFrom!, validUntil: validUntil!, language: input.language };
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
export const licenceNumber = (issuedAt: string, id: number) => `LIC-${issuedAt.slice(0, 4)}-${String(id).padStart(6, '0')}`;

/** The date people read as the last day of validity (the end bound is exclusive). */
export const lastDayOf = (validUntil: string) => new Date(Date.parse(validUntil) - 1).toISOString();

/** Date formats by language and zone: making one costs far more than using it (it showed in /verify's profile). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
export function formatDateIn(iso: string, language: string, timeZone: string): string {
  const key = `${language}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, format = new Intl.DateTimeFormat(language, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }));
  return format.format(new Date(iso));
}

/**
 * Issues a licence on a case: the row, its signed credential, the audit entry, an internal
 * note on the case (through the case module, so the case's history shows it) and the email
 * to the holder in their language, all in one transaction (the caller's, when it gives one).
 * The actor must be allowed to add notes to the case (its department's staff, a system
 * administrator, or a job).
 */
export async function issueLicence(db: DB, input: LicenceInput, actor: WorkflowActor, ctx: EngineContext): Promise<IssuedLicence> {
  const checked = checkInput(input, ctx.timeZone);
  if (!Number.isSafeInteger(input.caseId)) throw notFound(`There is no case ${String(input.caseId)}.`);
  const { keyring, publicUrl, council } = ctx.notify;
  // Outside the transaction: the first licence of a database makes the first key, in its own.
  const signing = await currentSigningKey(db, keyring);
  const run = async (trx: DB): Promise<IssuedLicence> => {
    const found = await findCaseRow(trx, ctx.jurisdictionId, input.caseId);
    if (!found) throw notFound(`There is no case ${input.caseId}.`);
    const at = nowIso();
    const holderKey = randomBytes(24).toString('base64url');
    const id = await store.insertLicence(trx, {
      jurisdiction_id: ctx.jurisdictionId, number: `pending:${holderKey}`, case_id: input.caseId, service_code: checked.serviceCode, service_name: checked.serviceName,
      holder_name: checked.holderName, holder_email: checked.holderEmail ? seal(keyring, SEALED_EMAIL, checked.holderEmail) : null, holder_key_hash: sha256Hex(holderKey),
      language: checked.language, permits: checked.permits, conditions: JSON.stringify(checked.conditions), valid_from: checked.validFrom, valid_until: checked.validUntil,
      status: 'issued', status_reason: null, kid: signing.kid, token: '', issued_at: at, updated_at: at,
    });
    const number = licenceNumber(at, id);
    const claims: LicenceClaims = {
      iss: publicUrl, sub: number, iat: seconds(at), nbf: seconds(checked.validFrom), exp: seconds(checked.validUntil),
      council, service: checked.serviceName, holder: checked.holderName, permits: checked.permits, conditions: checked.conditions,
    };
    const token = signCredential(signing.privateKey, signing.kid, claims);
    await store.setLicenceCredential(trx, id, number, token);
    await appendAudit(trx, {
      actor: actor.id, action: 'licence.issued', entityType: 'licence', entityId: number,
      after: { caseId: input.caseId, service: checked.serviceCode, validFrom: checked.validFrom, validUntil: checked.validUntil, kid: signing.kid, conditions: checked.conditions.length },
    });
    await performCaseAction(trx, ctx, input.caseId, { kind: 'note', text: `Licence ${number} issued, valid until ${formatDateIn(lastDayOf(checked.validUntil), 'en-GB', ctx.timeZone)}.` }, actor, `licence:${id}:issued`);
    const holderLink = holderLinkOf(publicUrl, number, holderKey);
    if (checked.holderEmail) {
      await queueEmail(trx, keyring, 'licence_issued', {
        to: checked.holderEmail, subject: '', text: '', language: checked.language,
        values: { council, site: publicUrl, number, service: checked.serviceName, holder: checked.holderName, link: holderLink, validUntil: formatDateIn(lastDayOf(checked.validUntil), checked.language, ctx.timeZone) },
      }, { event: 'licence_issued', idempotencyKey: `licence:${id}:issued` });
    }
    return { licenceId: id, number, token, holderLink };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

export type StatusChange = 'suspend' | 'reinstate' | 'revoke';
export const statusChanges: readonly StatusChange[] = ['suspend', 'reinstate', 'revoke'];
const changeTo: Record<StatusChange, { from: store.LicenceStatus[]; to: store.LicenceStatus; words: string }> = {
  suspend: { from: ['issued'], to: 'suspended', words: 'suspended' },
  reinstate: { from: ['suspended'], to: 'issued', words: 'reinstated' },
  revoke: { from: ['issued', 'suspended'], to: 'revoked', words: 'revoked' },
};

/**
 * Suspends, reinstates or revokes a licence, with a reason: audited, and noted on its case
 * through the case module (which also checks the actor may change that case).
 */
export async function changeLicenceStatus(db: DB, ctx: EngineContext, licenceId: number, change: StatusChange, reason: string, actor: WorkflowActor, idempotencyKey: string): Promise<store.LicenceRow> {
  const rule = changeTo[change];
  if (!rule) throw invalid('Choose suspend, reinstate or revoke.');
  const why = reason.trim();
  if (!why) throw invalid(`Give the reason the licence is ${rule.words}: the holder and the audit trail need it.`);
  if (why.length > LIMITS.reason) throw invalid(`The reason must be ${LIMITS.reason} characters or fewer; it has ${why.length}.`);
  return db.transaction().execute(async (trx) => {
    const row = await store.licenceForUpdate(trx, ctx.jurisdictionId, licenceId);
    if (!row) throw notFound(`There is no licence ${licenceId}.`);
    if (!rule.from.includes(row.status as store.LicenceStatus)) {
      throw conflict(`Licence ${row.number} is ${row.status}, so it cannot be ${rule.words}.`);
    }
    const at = nowIso();
    await store.setLicenceStatus(trx, row.id, rule.to, change === 'reinstate' ? null : why, at);
    await appendAudit(trx, { actor: actor.id, action: `licence.${rule.words}`, entityType: 'licence', entityId: row.number, before: { status: row.status }, after: { status: rule.to, reason: why } });
    await performCaseAction(trx, ctx, row.case_id, { kind: 'note', text: `Licence ${row.number} ${rule.words}: ${why}` }, actor, `licence:${row.id}:${idempotencyKey}`);
    return { ...row, status: rule.to, status_reason: change === 'reinstate' ? null : why, updated_at: at };
  });
}

export async function findLicence(db: DB, jurisdictionId: string, id: number): Promise<store.LicenceRow> {
  const row = await store.licenceById(db, jurisdictionId, id);
  if (!row) throw notFound(`There is no licence ${id}.`);
  return row;
}

export const licencesOfCase = (db: DB, jurisdictionId: string, caseId: number) => store.licencesOfCase(db, jurisdictionId, caseId);

/** The holder's own access: the key from the email link. */
export async function licenceForHolder(db: DB, jurisdictionId: string, number: string, key: string): Promise<store.LicenceRow | null> {
  if (!key || key.length > 200 || number.length > 40) return null;
  const found = await store.licenceByNumber(db, jurisdictionId, number);
  return found && found.holder_key_hash === sha256Hex(key) ? found : null;
}

export const licenceByNumber = (db: DB, jurisdictionId: string, number: string) =>
  number.length > 40 ? Promise.resolve(undefined) : store.licenceByNumber(db, jurisdictionId, number);

export const holderEmailOf = (ctx: EngineContext, row: store.LicenceRow): string | null => holderEmailWith(ctx.notify.keyring, row);
export const holderEmailWith = (keyring: Keyring, row: store.LicenceRow): string | null =>
  row.holder_email ? open(keyring, SEALED_EMAIL, row.holder_email) : null;

// ---- verification ----

export type Verdict = 'valid' | 'expired' | 'suspended' | 'revoked' | 'not_yet_valid' | 'not_genuine';

export interface Verification {
  verdict: Verdict;
  /** The signed claims, when the signature is good. */
  claims?: LicenceClaims;
  /** Why it is not genuine, in a word (for logs and the CLI): malformed, unknown_key, bad_signature, not_issued. */
  problem?: string;
}

const kidOf = (token: string): string | undefined => {
  const header = token.split('.')[0];
  if (!header || header.length > 400) return undefined;
  try {
    const kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Whether a token is a genuine licence of this council and what state it is in: the signature
 * checked with the cached public keys, then one indexed lookup of the licence's status.
 */
export async function verifyLicenceToken(db: DB, jurisdictionId: string, token: string, at: Date = new Date()): Promise<Verification> {
  const trimmed = token.trim();
  if (!trimmed || trimmed.length > MAX_TOKEN_LENGTH) return { verdict: 'not_genuine', problem: 'malformed' };
  const kid = kidOf(trimmed);
  const key: KeyObject | undefined = kid ? await publicKeysOf(db).get(kid) : undefined;
  const checked = checkCredential(trimmed, (k) => (k === kid ? key : undefined));
  if (!checked.ok) return { verdict: 'not_genuine', problem: checked.problem };
  const row = await store.licenceStatusByNumber(db, checked.claims.sub);
  // Signed by our key yet not in our register (or another token for that number): not a licence we issued.
  if (!row || row.jurisdiction_id !== jurisdictionId || row.token !== trimmed) return { verdict: 'not_genuine', problem: 'not_issued' };
  if (row.status === 'revoked') return { verdict: 'revoked', claims: checked.claims };
  if (row.status === 'suspended') return { verdict: 'suspended', claims: checked.claims };
  if (row.status === 'expired') return { verdict: 'expired', claims: checked.claims };
  const dates = currentness(checked.claims, at);
  return { verdict: dates === 'current' ? 'valid' : dates, claims: checked.claims };
}
