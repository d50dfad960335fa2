/**
 * The demo's history of applications, in every state of the applications workflow: received,
 * being checked, waiting for more information, under review, out to consultation, waiting for
 * an inspection, ready for a decision, approved, refused and withdrawn; paid online or at the
 * counter (one refunded), with messages both ways, a consultation answered, an inspection
 * recorded with its checklist, licences issued (one suspended, one revoked, one near its end)
 * and one renewal; tree works with a photo of each tree, kept through the document storage.
 * Each is filled in through the form's own reader (as if posted), its photos added as an upload
 * is, sent with sendApplication and moved on with the case actions and the decision the staff
 * pages use, so it is exactly what a resident's application would be. Each happens at its own
 * time over the past weeks (asAt): sent on a day, worked a few days apart, in office hours.
 */
import { currentForm, loadDraft, saveDraft, sendApplication, startDraft } from '../applications/applications.js';
import { readGroupItem, readPage, type Answers, type GroupItem } from '../applications/answers.js';
import { addDocument } from '../applications/documents.js';
import { diskStorage, noScanner, type DocumentStorage } from '../applications/storage.js';
import type { FormDefinition } from '../applications/definition.js';
import { askConsultation, replyToConsultation } from '../applications/consultations.js';
import { bookInspection, recordInspectionResult, type InspectionResult } from '../applications/inspections.js';
import { confirmPayment, recordCounterPayment, startPayment } from '../applications/payments.js';
import { refundApplication } from '../applications/refunds.js';
import { startRenewal } from '../applications/renewal.js';
import { applicantReplies, decideApplication, messageApplicant, requestInformation } from '../applications/review.js';
import { SandboxProvider, sandboxSecret } from '../applications/sandbox.js';
import { changeLicenceStatus, licencesOfCase, type StatusChange } from '../licences/licences.js';
import { performCaseAction, type EngineContext } from '../cases/actions.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { asAt } from '../platform/time.js';
import { zoneOffsetMinutes } from '../sla/zones.js';
import { treePhoto, type TreePhoto } from './tree-photos.js';
import type { WorkflowActor } from '../workflow/types.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const day = (now: Date, days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);

/**
 * `daysAgo` days before `now`, in the council's office hours that day (the fraction of the day
 * says when between 9:00 and 17:00), and never after `now`.
 */
function officeTime(now: Date, daysAgo: number, timeZone: string): Date {
  const target = now.getTime() - daysAgo * DAY;
  const offset = zoneOffsetMinutes(timeZone, target) * 60_000;
  const localMidnight = Math.floor((target + offset) / DAY) * DAY;
  const fraction = daysAgo - Math.floor(daysAgo);
  return new Date(Math.min(localMidnight + (9 + fraction * 8) * HOUR - offset, now.getTime() - 60_000));
}

/** The answers as the form's pages would read them from a post (dates given as YYYY-MM-DD). */
function fillIn(definition: FormDefinition, given: Record<string, string>): Answers {
  const body: Record<string, string> = {};
  for (const [id, value] of Object.entries(given)) {
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (date) Object.assign(body, { [`${id}-year`]: date[1], [`${id}-month`]: date[2], [`${id}-day`]: date[3] });
    else body[id] = value;
  }
  let answers: Answers = {};
  for (const page of definition.pages) {
    const read = readPage(page, body, answers);
    if (read.problems.length > 0) throw new Error(`Demo application for "${definition.title}", page ${page.id}: ${read.problems.map((p) => p.field).join(', ')}`);
    answers = { ...answers, ...read.answers };
  }
  return answers;
}

type Step =
  | { do: 'pay_online' } | { do: 'pay_counter' }
  | { do: 'check' } | { do: 'review' } | { do: 'ready' }
  | { do: 'ask'; message: string; items?: string[] }
  | { do: 'reply'; text: string }
  | { do: 'message'; text: string }
  | { do: 'consult'; department: string; question: string; dueInDays: number; answer?: string }
  | { do: 'book'; inDays: number; time: string; place: string; result?: InspectionResult }
  | { do: 'approve'; conditions: string; fromDays: number; untilDays: number }
  | { do: 'refuse'; reasons: string }
  | { do: 'refund'; amount: string; reason: string }
  | { do: 'withdraw'; reason: string }
  | { do: 'licence'; change: StatusChange; reason: string };

interface Example {
  serviceCode: string; name: string; email: string; language: string; answers: (now: Date) => Record<string, string>;
  /** How many days before the seed it was sent. */
  sent: number;
  /** Each step, by default 2 days after the one before it; `after` says otherwise (in days). */
  steps: Array<Step & { after?: number }>;
  /** Tree works: each tree (as its group's page posts it) and its photo. */
  trees?: Array<{ item: Record<string, string>; photo: TreePhoto }>;
}

// A rectangle of Port Alder's streets (the demo's map), drawn as the map's script would send it.
const closedArea = JSON.stringify({ type: 'Polygon', coordinates: [[[-122.4321, 37.7651], [-122.4302, 37.7651], [-122.4302, 37.7659], [-122.4321, 37.7659], [-122.4321, 37.7651]]] });
const party = (date: (now: Date) => string, people: string, street: string) => (now: Date) => ({ event_date: date(now), people, street_address: street, closed_area: closedArea, truth: 'yes' });
const food = (name: string, address: string, type: string, startInDays: number) => (now: Date) => ({ business_name: name, business_address: address, business_type: type, start_date: day(now, startInDays), truth: 'yes' });
const taxi = (born: string, address: string, licence: string, vehicle: string, pension = 'no') => () => ({ date_of_birth: born, home_address: address, pension_credit: pension, licence_number: licence, vehicle, convictions: 'yes', truth: 'yes' });
const trees = (address: string) => () => ({ site_address: address, truth: 'yes' });
const OAK = { leaves: '#2f6b2f', sky: '#cfe3f2' };
const PINE = { leaves: '#1f4d3a', sky: '#dfe9f0' };
const BIRCH = { leaves: '#7fa84a', sky: '#d6e6f5' };
/** The food business checklist's answers: every item passed but those named. */
const checklist = (failed: string[] = []): Record<string, string> => Object.fromEntries(
  ['handwashing', 'fridge_temperature', 'raw_ready_separate', 'cleaning', 'pests', 'allergens', 'food_safety_records'].map((id) => [id, failed.includes(id) ? 'fail' : 'pass']));

const examples: Example[] = [
  { serviceCode: 'street-party', name: 'Grace Okafor', sent: 1.2, email: 'grace.okafor@example.org', language: 'en', answers: party((now) => day(now, 45), '120', 'Linden Street'),
    steps: [{ do: 'pay_online', after: 0.01 }] },
  { serviceCode: 'food-business', name: 'Sam Whitaker', sent: 0.4, email: 'sam.whitaker@example.org', language: 'en', answers: food('Whitaker’s Bakery', '1200 Church Street', 'shop', 40), steps: [] },
  { serviceCode: 'street-party', name: 'Tomasz Nowak', sent: 4.3, email: 'tomasz.nowak@example.org', language: 'en', answers: party((now) => day(now, 60), '80', 'Elm Court'),
    steps: [{ do: 'pay_counter' }, { do: 'check' }] },
  { serviceCode: 'food-business', name: 'Lucía Romero', sent: 9.2, email: 'lucia.romero@example.org', language: 'es', answers: food('Empanadas Lucía', '410 Valencia Street', 'market', 30),
    steps: [{ do: 'check' }, { do: 'ask', message: 'Please send a photo of the stall and tell us where the food is kept cold.', items: ['answer:business_type'] }] },
  { serviceCode: 'taxi-driver', name: 'Kwame Mensah', sent: 18.3, email: 'kwame.mensah@example.org', language: 'en', answers: taxi('1985-09-02', '19 Harbour Road', 'MENSA809025KM9AB', 'hackney'),
    steps: [{ do: 'pay_online' }, { do: 'check' }, { do: 'ask', message: 'Your criminal record check is more than 3 months old. Please book a new one and tell us its reference number.' },
      { do: 'reply', text: 'I have a new check, reference 001234567890, issued last week. I will bring the paper copy to the knowledge test.' }] },
  { serviceCode: 'street-party', name: 'Harriet Cole', sent: 12.2, email: 'harriet.cole@example.org', language: 'en', answers: party((now) => day(now, 38), '200', 'Mission Terrace'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'consult', department: 'parking', question: 'Mission Terrace has 14 pay-and-display bays. Can they be suspended for the day, and what signs are needed?', dueInDays: 10 }] },
  { serviceCode: 'food-business', name: 'Mei Lin Chen', sent: 8.1, email: 'meilin.chen@example.org', language: 'en', answers: food('Golden Dumpling House', '88 Stockton Street', 'restaurant', 21),
    steps: [{ do: 'review' }, { do: 'book', inDays: 9, time: '10:30', place: '88 Stockton Street (kitchen at the back)' }] },
  { serviceCode: 'food-business', name: 'Youssef Amrani', sent: 21.3, email: 'youssef.amrani@example.org', language: 'ar', answers: food('Falafel Amrani', 'Market Square, pitch 12', 'market', 14),
    steps: [{ do: 'review' }, { do: 'book', inDays: 2, time: '14:00', place: 'Market Square, pitch 12',
      result: { outcome: 'pass', items: checklist(), notes: 'Hand basin in the van with hot water. Fridge at 4 °C by probe. Allergen sheet on the counter.' } },
    { do: 'message', text: 'Your inspection went well. We will send our decision within a week.' }, { do: 'ready' }] },
  { serviceCode: 'taxi-driver', name: 'Omar Haddad', sent: 1073, email: 'omar.haddad@example.org', language: 'ar', answers: taxi('1979-05-14', '77 Noe Street', 'HADDA705149O99AB', 'private_hire'),
    steps: [{ do: 'pay_counter' }, { do: 'review' }, { do: 'approve', conditions: 'Carry your badge where passengers can see it', fromDays: -3 * 365 + 25, untilDays: 25 }] },
  { serviceCode: 'street-party', name: 'Bea Thompson', sent: 26.2, email: 'bea.thompson@example.org', language: 'en', answers: party((now) => day(now, 20), '150', 'Chestnut Row'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'consult', department: 'parks', question: 'Chestnut Row has young street trees. Is it safe to put up a stage and a bouncy castle under them?', dueInDays: 7,
      answer: 'Yes, if nothing is tied to the trees and the stage stands at least 2 m from each trunk.' }, { do: 'ready' },
    { do: 'approve', conditions: 'Put “road closed” barriers at both ends from 10:00 to 18:00\nKeep a 3.5 m lane clear for emergency vehicles', fromDays: 20, untilDays: 21 }] },
  { serviceCode: 'food-business', name: 'Anna Kowalski', sent: 131.1, email: 'anna.kowalski@example.org', language: 'en', answers: food('Anna’s Home Kitchen', '5 Birch Close', 'home', 28),
    steps: [{ do: 'review' }, { do: 'approve', conditions: 'Keep your food safety plan up to date', fromDays: -120, untilDays: 3 * 365 - 120 }, { do: 'licence', after: 100, change: 'suspend', reason: 'A customer reported food poisoning: suspended until we have inspected the kitchen.' }] },
  { serviceCode: 'taxi-driver', name: 'Derek Price', sent: 316.3, email: 'derek.price@example.org', language: 'en', answers: taxi('1968-02-11', '3 Quay Street', 'PRICE602118DP9CD', 'hackney', 'yes'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'approve', conditions: 'Pass a medical every year after you turn 65', fromDays: -300, untilDays: 3 * 365 - 300 },
      { do: 'licence', after: 250, change: 'revoke', reason: 'Convicted of driving without insurance: the licence is revoked.' }] },
  { serviceCode: 'street-party', name: 'Jamal Wright', sent: 23.4, email: 'jamal.wright@example.org', language: 'en', answers: party((now) => day(now, 12), '400', 'Valencia Street'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'refuse', reasons: 'Valencia Street is a bus route on Saturdays, so it cannot be closed for a party. Ask us about Dolores Square instead.' },
      { do: 'refund', amount: '35.00', reason: 'Refused because the street is a bus route: the fee is returned in full.' }] },
  { serviceCode: 'tree-works', name: 'Priya Natarajan', sent: 3.2, email: 'priya.natarajan@example.org', language: 'en', answers: trees('14 Alder Grove'),
    trees: [{ item: { species: 'English oak', work: 'crown_reduce' }, photo: { shape: 'oak', ...OAK, seed: 1 } },
      { item: { species: 'Silver birch', work: 'prune' }, photo: { shape: 'birch', ...BIRCH, seed: 2 } }],
    steps: [{ do: 'pay_online', after: 0.01 }] },
  { serviceCode: 'tree-works', name: 'Gareth Evans', sent: 16.2, email: 'gareth.evans@example.org', language: 'en', answers: trees('2 Orchard Lane'),
    trees: [{ item: { species: 'Horse chestnut', work: 'fell' }, photo: { shape: 'oak', ...OAK, leaves: '#3d7a2a', seed: 3 } }],
    steps: [{ do: 'pay_online', after: 0.02 }, { do: 'check', after: 1 }, { do: 'ask', after: 2, message: 'The photo shows the tree from far away. Please send a close photo of the trunk where you say it is decaying.', items: ['answer:tree'] }] },
  { serviceCode: 'tree-works', name: 'Elena Petrova', sent: 34.1, email: 'elena.petrova@example.org', language: 'es', answers: trees('61 Cedar Avenue'),
    trees: [{ item: { species: 'Scots pine', work: 'prune' }, photo: { shape: 'conifer', ...PINE, seed: 4 } },
      { item: { species: 'Oak', work: 'prune' }, photo: { shape: 'oak', ...OAK, seed: 5 } },
      { item: { species: 'Birch', work: 'crown_reduce' }, photo: { shape: 'birch', ...BIRCH, seed: 6 } }],
    steps: [{ do: 'pay_online', after: 0.01 }, { do: 'review', after: 3 }, { do: 'consult', after: 1, department: 'public-works', question: 'The pines overhang the pavement of Cedar Avenue. Can the pavement be closed for a day while they are pruned?', dueInDays: 14,
      answer: 'Yes, on a weekday, with a signed diversion to the pavement across the street. Tell us the day a week before.' }, { do: 'ready', after: 6 },
    { do: 'approve', after: 2, conditions: 'Do the work between September and February\nReduce the birch\'s crown by no more than 20%', fromDays: -20, untilDays: 345 }] },
  { serviceCode: 'taxi-driver', name: 'Sofia Marquez', sent: 11.3, email: 'sofia.marquez@example.org', language: 'es', answers: taxi('1990-12-30', '240 Guerrero Street', 'MARQU912300SM9EF', 'private_hire'),
    steps: [{ do: 'check' }, { do: 'withdraw', reason: 'The applicant took a job outside Port Alder and asked us to stop.' }] },
];

/** Sends the demo's applications and moves each to its state. Returns how many it sent. */
export async function seedDemoApplications(db: DB, config: Config, keyring: Keyring, now: Date, storage: DocumentStorage = diskStorage(config.documentsDir)): Promise<number> {
  const jurisdictionId = config.jurisdiction.id;
  const notify = { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name };
  const ctx: EngineContext = { jurisdictionId, timeZone: config.jurisdiction.timeZone, notify };
  // The demo's administrator works the applications (so the history names a person); without demo accounts, the seed does.
  const admin = await db.selectFrom('users').select('id').where('status', '=', 'active').where('role', '=', 'system_admin').orderBy('id').executeTakeFirst();
  const officer: WorkflowActor = admin ? { id: `user:${admin.id}`, userId: admin.id, role: 'system_admin', departmentId: null } : { id: 'seed', userId: null, role: 'system_admin', departmentId: null };
  const provider = new SandboxProvider(db, () => config.publicUrl, sandboxSecret(keyring));
  const sender = { organizer: { name: config.jurisdiction.name, email: 'inspections@example.org' }, publicUrl: config.publicUrl, council: config.jurisdiction.name };
  // Any active member of staff may inspect; without demo accounts (a site served over https) no inspection is booked.
  const inspector = await db.selectFrom('users').select('id').where('status', '=', 'active').where('role', 'in', ['case_worker', 'supervisor', 'department_admin']).orderBy('id').executeTakeFirst();
  const departmentId = async (code: string) => (await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  let sent = 0;
  const send = async (example: Example, draftId: string) => {
    const draft = (await loadDraft(db, keyring, jurisdictionId, draftId))!;
    const form = await currentForm(db, jurisdictionId, example.serviceCode);
    // A renewal keeps what was carried over; the applicant answers the rest (the declarations) again.
    draft.answers = { ...fillIn(form.definition, example.answers(now)), ...draft.answers };
    const group = form.definition.pages.find((p) => p.group);
    if (example.trees && group?.group) {
      const items: GroupItem[] = example.trees.map(({ item }) => readGroupItem(group, item, draft.answers).item);
      draft.answers = { ...draft.answers, [group.group.id]: items };
    }
    draft.contact = { name: example.name, email: example.email };
    await saveDraft(db, keyring, draft);
    const photoField = form.definition.pages.flatMap((p) => p.fields ?? []).find((f) => f.type === 'file');
    for (const [n, tree] of (example.trees ?? []).entries()) {
      const kept = await addDocument(db, { storage, scanner: noScanner }, draft, photoField!, { bytes: await treePhoto(tree.photo), name: `tree-${n + 1}.jpg` });
      if (kept !== 'kept') throw new Error(`Demo application of ${example.name}: a photo was not kept (${kept})`);
    }
    const { request } = await sendApplication(db, { jurisdiction: config.jurisdiction, keyring, sender: notify }, draft, 'web', { id: 'seed' });
    sent += 1;
    return Number(request.id);
  };
  const timeZone = config.jurisdiction.timeZone;
  // Oldest first, so licence numbers and the audit trail follow the order things happened in.
  for (const [n, example] of [...examples.entries()].sort(([, a], [, b]) => b.sent - a.sent)) {
    const form = await currentForm(db, jurisdictionId, example.serviceCode);
    let daysAgo = example.sent;
    let at = officeTime(now, daysAgo, timeZone);
    const caseId = await asAt(at, async () => send(example, await startDraft(db, keyring, jurisdictionId, form, null, example.language)));
    /** The next moment of this application's history: `after` days on (within the hour when less than a day), always later, never after `now`. */
    const later = (after: number) => {
      daysAgo -= after;
      const next = after < 1 ? at.getTime() + after * DAY : officeTime(now, daysAgo, timeZone).getTime();
      at = new Date(Math.min(Math.max(next, at.getTime() + 20 * 60_000), Math.max(now.getTime() - 30_000, at.getTime() + 1000)));
      return at;
    };
    for (const [s, step] of example.steps.entries()) await asAt(later(step.after ?? 2), async () => {
      const key = `demo-application:${n}:${s}`;
      const move = (transition: string, input: { reason?: string; publicNote?: string } = {}) => performCaseAction(db, ctx, caseId, { kind: 'transition', transition, ...input }, officer, key);
      switch (step.do) {
        case 'pay_online': {
          const next = await startPayment(db, provider, jurisdictionId, caseId, config.publicUrl, 'seed');
          const providerId = next.slice(next.lastIndexOf('/') + 1);
          const paid = await provider.pay(providerId, '4444333322221111');
          const reference = paid ? /\/apply\/payments\/([^/]+)\/return$/.exec(paid.returnUrl)?.[1] : undefined;
          if (!reference) throw new Error(`Demo application ${n}: the sandbox payment did not finish`);
          await confirmPayment(db, provider, reference, 'seed');
          break;
        }
        case 'pay_counter': await recordCounterPayment(db, jurisdictionId, caseId, officer.id); break;
        case 'check': await move('check'); break;
        case 'review': await move('review'); break;
        case 'ready': await move('ready_for_decision'); break;
        case 'ask': await requestInformation(db, ctx, caseId, { items: step.items ?? [], message: step.message }, officer, key); break;
        case 'reply': await applicantReplies(db, ctx, caseId, step.text, 'seed'); break;
        case 'message': await messageApplicant(db, ctx, caseId, step.text, officer, key); break;
        case 'consult': {
          const asked = await departmentId(step.department);
          const id = await askConsultation(db, ctx, caseId, { departmentId: asked, question: step.question, dueOn: day(at, step.dueInDays) }, officer, key);
          // Someone of the department asked replies (the administrator for it, when it has no demo staff).
          const colleague = await db.selectFrom('users').select(['id', 'role']).where('status', '=', 'active').where('department_id', '=', asked)
            .where('role', 'in', ['case_worker', 'supervisor', 'department_admin']).orderBy('id').executeTakeFirst();
          const replier: WorkflowActor = colleague ? { id: `user:${colleague.id}`, userId: colleague.id, role: colleague.role as WorkflowActor['role'], departmentId: asked } : officer;
          // The department replies the next working day.
          if (id !== null && step.answer) await asAt(later(1), () => replyToConsultation(db, jurisdictionId, id, step.answer!, replier, ctx.timeZone));
          break;
        }
        case 'book': {
          if (!inspector) break;
          const id = await bookInspection(db, ctx, sender, caseId, { date: day(at, step.inDays), time: step.time, durationMinutes: '60', place: step.place, inspectorId: String(inspector.id) }, officer, key);
          // The result is recorded on the day of the inspection (booked in the past, it has happened).
          if (id !== null && step.result) await asAt(later(step.inDays), () => recordInspectionResult(db, ctx, id, step.result!, officer, `${key}:result`));
          break;
        }
        case 'approve': await decideApplication(db, ctx, caseId, { outcome: 'approve', text: step.conditions, validFrom: day(now, step.fromDays), validUntil: day(now, step.untilDays) }, officer, key); break;
        case 'refuse': await decideApplication(db, ctx, caseId, { outcome: 'refuse', text: step.reasons }, officer, key); break;
        case 'refund': await refundApplication(db, ctx, provider, caseId, { amount: step.amount, reason: step.reason }, officer, key); break;
        case 'withdraw': await move('withdraw', { reason: step.reason, publicNote: 'Withdrawn at your request.' }); break;
        case 'licence': {
          const [licence] = await licencesOfCase(db, jurisdictionId, caseId);
          if (licence) await changeLicenceStatus(db, ctx, licence.id, step.change, step.reason, officer, key);
          break;
        }
      }
    });
    // The taxi licence near its end is renewed by its holder: a new application, prefilled from the last one.
    if (example.name === 'Omar Haddad') {
      const [licence] = await licencesOfCase(db, jurisdictionId, caseId);
      if (licence) await asAt(officeTime(now, 2.3, timeZone), async () => send(example, await startRenewal(db, keyring, jurisdictionId, licence.number, null, example.language)));
    }
  }
  return sent;
}
