/**
 * Fills the training space: a copy of the real catalogue, and synthetic open cases that go
 * through the same submission (and so the same routing, assignment and SLA clocks) as real ones.
 * Everything in a practice case is invented: the description, an address on a street that does
 * not exist, a point inside the council's area, and no reporter at all, so no personal data can
 * leak and nobody can be emailed.
 */
import { appendAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import { applyStatusUpdate } from '../cases/outside-updates.js';
import { submitCase } from '../cases/submit.js';
import type { NewCase } from '../cases/types.js';
import type { AttributeAnswers } from '../cases/types.js';
import { listServices } from '../catalogue/catalogue.js';
import type { Service } from '../catalogue/types.js';
import { trainingJurisdiction } from './space.js';
import * as store from './store.js';

/** Practice cases a person is given when they start, and again when they reset. */
export const PRACTICE_CASES_PER_PERSON = 5;

/** The submitting actor of cases made for one person: how "their" practice cases are found. */
export const madeFor = (userId: number) => `training:user:${userId}`;

/**
 * Copies the real catalogue, workflows and routing rules into the training jurisdiction. Safe to call on every start: it
 * changes only what differs, and audits a change when there was one.
 */
export async function ensureTrainingSpace(db: DB, config: Config, _keyring: Keyring, actor = 'system:training'): Promise<store.CopyResult> {
  const from = config.jurisdiction.id;
  const to = trainingJurisdiction(from);
  return db.transaction().execute(async (trx) => {
    await store.lockTrainingSpace(trx);
    const result = await store.copyCatalogue(trx, from, to);
    if (Object.values(result).some((n) => n > 0)) {
      await appendAudit(trx, { actor, action: 'training.catalogue_copied', entityType: 'service', entityId: to, after: result });
    }
    return result;
  });
}

export interface TrainingCaseOptions {
  count: number;
  /** Only services of this person's department (all services for roles without one); the cases are theirs. */
  forUserId?: number;
  /** Chooses among invented details; Math.random unless a test wants the same cases each time. */
  random?: () => number;
}

/** Creates `count` open practice cases, spread over departments and their services. Returns their ids. */
export async function createTrainingCases(db: DB, config: Config, keyring: Keyring, options: TrainingCaseOptions): Promise<string[]> {
  const jurisdiction = { id: trainingJurisdiction(config.jurisdiction.id), bounds: config.jurisdiction.bounds, timeZone: config.jurisdiction.timeZone };
  const random = options.random ?? Math.random;
  let services = await listServices(db, jurisdiction.id);
  let actor = 'system:training';
  if (options.forUserId !== undefined) {
    const user = await store.findUserDepartment(db, options.forUserId);
    if (user?.department_code) services = services.filter((s) => s.department === user.department_code);
    actor = madeFor(options.forUserId);
  }
  const picks = spread(services, options.count);
  const ids: string[] = [];
  for (const service of picks) {
    const created = await submitCase(db, { jurisdiction, keyring }, 'phone', inventCase(service, config.jurisdiction.bounds, random), { actor: { id: actor } });
    ids.push(created.id);
  }
  return ids;
}

/**
 * Closes a person's open practice cases and gives them fresh ones, audited as theirs. The closing
 * actions are recorded under "training-reset:user:<id>" so they never count as the person
 * closing a case on their checklist.
 */
export async function resetPracticeCases(db: DB, config: Config, keyring: Keyring, userId: number): Promise<{ closed: number; created: string[] }> {
  const jurisdictionId = trainingJurisdiction(config.jurisdiction.id);
  await ensureTrainingSpace(db, config, keyring, `user:${userId}`);
  const open = await store.openPracticeCases(db, jurisdictionId, userId, madeFor(userId));
  const notify = { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name };
  for (const caseId of open) {
    await applyStatusUpdate(db, jurisdictionId, {
      updateId: `training-reset:${caseId}:${Date.now()}`, requestId: String(caseId), status: 'closed', state: 'closed',
      updatedAt: nowIso(), description: 'Practice case closed by a reset of the training space.', mediaUrl: null,
    }, { id: `training-reset:user:${userId}` }, notify, config.jurisdiction.timeZone);
  }
  const created = await createTrainingCases(db, config, keyring, { count: PRACTICE_CASES_PER_PERSON, forUserId: userId });
  await db.transaction().execute((trx) => appendAudit(trx, {
    actor: `user:${userId}`, action: 'training.reset', entityType: 'user', entityId: String(userId), after: { closed: open, created },
  }));
  return { closed: open.length, created };
}

/** `count` active services taken in turn from each department, so every queue gets work. */
export function spread(services: readonly Service[], count: number): Service[] {
  const byDepartment = new Map<string, Service[]>();
  for (const service of services.filter((s) => s.active)) {
    const key = service.department ?? '';
    byDepartment.set(key, [...(byDepartment.get(key) ?? []), service]);
  }
  const departments = [...byDepartment.values()];
  const picks: Service[] = [];
  for (let i = 0; departments.length > 0 && picks.length < count; i++) {
    const department = departments[i % departments.length]!;
    picks.push(department[Math.floor(i / departments.length) % department.length]!);
  }
  return picks;
}

const streets = ['Practice Lane', 'Rehearsal Road', 'Sandbox Street', 'Example Avenue', 'Tutorial Close', 'Dry Run Way', 'Training Terrace', 'Sample Row'];
const places = ['outside the library', 'by the bus stop', 'at the corner', 'near the school gates', 'opposite the park entrance', 'beside the post box'];

/** Invented problems, matched to the service by a word in its name; a general one otherwise. */
const problems: Array<[RegExp, string[]]> = [
  [/pothole|road|pavement|sidewalk|street/i, ['A deep hole in the road surface', 'Broken paving slabs that people trip on', 'A sunken patch of road that fills with water']],
  [/light|lamp/i, ['A street light that stays off at night', 'A lamp that flickers on and off', 'A light that is on all day']],
  [/graffiti|paint/i, ['Spray paint across a shop shutter', 'Tags painted on a bus shelter', 'Graffiti on a garden wall']],
  [/rubbish|litter|dump|waste|trash|bin/i, ['Bags of rubbish left on the pavement', 'An old mattress dumped by the kerb', 'An overflowing litter bin']],
  [/tree|park|grass|plant/i, ['A fallen branch across the path', 'Overgrown grass hiding a sign', 'A damaged bench in the park']],
  [/noise/i, ['Loud music late at night', 'An alarm that has rung for hours']],
  [/water|drain|flood|sewer/i, ['A blocked drain with standing water', 'Water leaking from under the road']],
];

function inventCase(service: Service, bounds: Config['jurisdiction']['bounds'], random: () => number): NewCase {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const found = problems.find(([pattern]) => pattern.test(`${service.name} ${service.keywords.join(' ')}`));
  const problem = found ? pick(found[1]) : `A problem for "${service.name}" that needs looking at`;
  // Inside the area with a margin, so a rounding never puts a point on or over the edge.
  const within = (min: number, max: number) => min + (max - min) * (0.1 + 0.8 * random());
  return {
    serviceCode: service.code,
    description: `Practice case: ${problem} ${pick(places)}. (Invented for training.)`,
    lat: Number(within(bounds.minLat, bounds.maxLat).toFixed(6)),
    long: Number(within(bounds.minLong, bounds.maxLong).toFixed(6)),
    addressString: `${1 + Math.floor(random() * 200)} ${pick(streets)}`,
    attributes: inventAnswers(service, pick),
    mediaUrls: [],
    contact: {},
  };
}

/** Answers every required question with something valid (the first choice, a small number, a plain text). */
function inventAnswers(service: Service, pick: <T>(list: readonly T[]) => T): AttributeAnswers {
  const answers: AttributeAnswers = {};
  for (const attribute of service.attributes) {
    if (!attribute.variable || !attribute.required || attribute.staffOnly) continue;
    const keys = attribute.values.map((v) => v.key);
    switch (attribute.datatype) {
      case 'singlevaluelist': answers[attribute.code] = pick(keys); break;
      case 'multivaluelist': answers[attribute.code] = [pick(keys)]; break;
      case 'number': answers[attribute.code] = '1'; break;
      case 'datetime': answers[attribute.code] = nowIso(); break;
      default: answers[attribute.code] = 'Practice answer';
    }
  }
  return answers;
}
