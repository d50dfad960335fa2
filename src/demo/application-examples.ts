/**
 * The demo's history of applications, in every state of the applications workflow: received,
 * being checked, waiting for more information, under review, out to consultation, waiting for
 * an inspection, ready for a decision, approved, refused and withdrawn; paid online or at the
 * counter (one refunded), with messages both ways, a consultation answered, an inspection
 * recorded with its checklist, licences issued (one suspended, one revoked, one near its end)
 * and one renewal. Each is filled in through the form's
 * own reader (as if posted), sent with sendApplication and moved on with the case actions and
 * the decision the staff pages use, so it is exactly what a resident's application would be.
 */
import { currentForm, loadDraft, saveDraft, sendApplication, startDraft } from '../applications/applications.js';
import { readPage, type Answers } from '../applications/answers.js';
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
import type { WorkflowActor } from '../workflow/types.js';

const day = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

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

interface Example { serviceCode: string; name: string; email: string; language: string; answers: (now: Date) => Record<string, string>; steps: Step[] }

// A rectangle of Port Alder's streets (the demo's map), drawn as the map's script would send it.
const closedArea = JSON.stringify({ type: 'Polygon', coordinates: [[[-122.4321, 37.7651], [-122.4302, 37.7651], [-122.4302, 37.7659], [-122.4321, 37.7659], [-122.4321, 37.7651]]] });
const party = (date: (now: Date) => string, people: string, street: string) => (now: Date) => ({ event_date: date(now), people, street_address: street, closed_area: closedArea, truth: 'yes' });
const food = (name: string, address: string, type: string, startInDays: number) => (now: Date) => ({ business_name: name, business_address: address, business_type: type, start_date: day(now, startInDays), truth: 'yes' });
const taxi = (born: string, address: string, licence: string, vehicle: string, pension = 'no') => () => ({ date_of_birth: born, home_address: address, pension_credit: pension, licence_number: licence, vehicle, convictions: 'yes', truth: 'yes' });
/** The food business checklist's answers: every item passed but those named. */
const checklist = (failed: string[] = []): Record<string, string> => Object.fromEntries(
  ['handwashing', 'fridge_temperature', 'raw_ready_separate', 'cleaning', 'pests', 'allergens', 'food_safety_records'].map((id) => [id, failed.includes(id) ? 'fail' : 'pass']));

const examples: Example[] = [
  { serviceCode: 'street-party', name: 'Grace Okafor', email: 'grace.okafor@example.org', language: 'en', answers: party((now) => day(now, 45), '120', 'Linden Street'),
    steps: [{ do: 'pay_online' }] },
  { serviceCode: 'food-business', name: 'Sam Whitaker', email: 'sam.whitaker@example.org', language: 'en', answers: food('Whitaker’s Bakery', '1200 Church Street', 'shop', 40), steps: [] },
  { serviceCode: 'street-party', name: 'Tomasz Nowak', email: 'tomasz.nowak@example.org', language: 'en', answers: party((now) => day(now, 60), '80', 'Elm Court'),
    steps: [{ do: 'pay_counter' }, { do: 'check' }] },
  { serviceCode: 'food-business', name: 'Lucía Romero', email: 'lucia.romero@example.org', language: 'es', answers: food('Empanadas Lucía', '410 Valencia Street', 'market', 30),
    steps: [{ do: 'check' }, { do: 'ask', message: 'Please send a photo of the stall and tell us where the food is kept cold.', items: ['answer:business_type'] }] },
  { serviceCode: 'taxi-driver', name: 'Kwame Mensah', email: 'kwame.mensah@example.org', language: 'en', answers: taxi('1985-09-02', '19 Harbour Road', 'MENSA809025KM9AB', 'hackney'),
    steps: [{ do: 'pay_online' }, { do: 'check' }, { do: 'ask', message: 'Your criminal record check is more than 3 months old. Please book a new one and tell us its reference number.' },
      { do: 'reply', text: 'I have a new check, reference 001234567890, issued last week. I will bring the paper copy to the knowledge test.' }] },
  { serviceCode: 'street-party', name: 'Harriet Cole', email: 'harriet.cole@example.org', language: 'en', answers: party((now) => day(now, 38), '200', 'Mission Terrace'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'consult', department: 'parking', question: 'Mission Terrace has 14 pay-and-display bays. Can they be suspended for the day, and what signs are needed?', dueInDays: 10 }] },
  { serviceCode: 'food-business', name: 'Mei Lin Chen', email: 'meilin.chen@example.org', language: 'en', answers: food('Golden Dumpling House', '88 Stockton Street', 'restaurant', 21),
    steps: [{ do: 'review' }, { do: 'book', inDays: 9, time: '10:30', place: '88 Stockton Street (kitchen at the back)' }] },
  { serviceCode: 'food-business', name: 'Youssef Amrani', email: 'youssef.amrani@example.org', language: 'ar', answers: food('Falafel Amrani', 'Market Square, pitch 12', 'market', 14),
    steps: [{ do: 'review' }, { do: 'book', inDays: 2, time: '14:00', place: 'Market Square, pitch 12',
      result: { outcome: 'pass', items: checklist(), notes: 'Hand basin in the van with hot water. Fridge at 4 °C by probe. Allergen sheet on the counter.' } },
    { do: 'message', text: 'Your inspection went well. We will send our decision within a week.' }, { do: 'ready' }] },
  { serviceCode: 'taxi-driver', name: 'Omar Haddad', email: 'omar.haddad@example.org', language: 'ar', answers: taxi('1979-05-14', '77 Noe Street', 'HADDA705149O99AB', 'private_hire'),
    steps: [{ do: 'pay_counter' }, { do: 'review' }, { do: 'approve', conditions: 'Carry your badge where passengers can see it', fromDays: -3 * 365 + 25, untilDays: 25 }] },
  { serviceCode: 'street-party', name: 'Bea Thompson', email: 'bea.thompson@example.org', language: 'en', answers: party((now) => day(now, 20), '150', 'Chestnut Row'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'consult', department: 'parks', question: 'Chestnut Row has young street trees. Is it safe to put up a stage and a bouncy castle under them?', dueInDays: 7,
      answer: 'Yes, if nothing is tied to the trees and the stage stands at least 2 m from each trunk.' }, { do: 'ready' },
    { do: 'approve', conditions: 'Put “road closed” barriers at both ends from 10:00 to 18:00\nKeep a 3.5 m lane clear for emergency vehicles', fromDays: 20, untilDays: 21 }] },
  { serviceCode: 'food-business', name: 'Anna Kowalski', email: 'anna.kowalski@example.org', language: 'en', answers: food('Anna’s Home Kitchen', '5 Birch Close', 'home', 28),
    steps: [{ do: 'review' }, { do: 'approve', conditions: 'Keep your food safety plan up to date', fromDays: -120, untilDays: 3 * 365 - 120 }, { do: 'licence', change: 'suspend', reason: 'A customer reported food poisoning: suspended until we have inspected the kitchen.' }] },
  { serviceCode: 'taxi-driver', name: 'Derek Price', email: 'derek.price@example.org', language: 'en', answers: taxi('1968-02-11', '3 Quay Street', 'PRICE602118DP9CD', 'hackney', 'yes'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'approve', conditions: 'Pass a medical every year after you turn 65', fromDays: -300, untilDays: 3 * 365 - 300 },
      { do: 'licence', change: 'revoke', reason: 'Convicted of driving without insurance: the licence is revoked.' }] },
  { serviceCode: 'street-party', name: 'Jamal Wright', email: 'jamal.wright@example.org', language: 'en', answers: party((now) => day(now, 12), '400', 'Valencia Street'),
    steps: [{ do: 'pay_online' }, { do: 'review' }, { do: 'refuse', reasons: 'Valencia Street is a bus route on Saturdays, so it cannot be closed for a party. Ask us about Dolores Square instead.' },
      { do: 'refund', amount: '35.00', reason: 'Refused because the street is a bus route: the fee is returned in full.' }] },
  { serviceCode: 'taxi-driver', name: 'Sofia Marquez', email: 'sofia.marquez@example.org', language: 'es', answers: taxi('1990-12-30', '240 Guerrero Street', 'MARQU912300SM9EF', 'private_hire'),
    steps: [{ do: 'check' }, { do: 'withdraw', reason: 'The applicant took a job outside Port Alder and asked us to stop.' }] },
];

/** Sends the demo's applications and moves each to its state. Returns how many it sent. */
export async function seedDemoApplications(db: DB, config: Config, keyring: Keyring, now: Date): Promise<number> {
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
    draft.contact = { name: example.name, email: example.email };
    await saveDraft(db, keyring, draft);
    const { request } = await sendApplication(db, { jurisdiction: config.jurisdiction, keyring, sender: notify }, draft, 'web', { id: 'seed' });
    sent += 1;
    return Number(request.id);
  };
  for (const [n, example] of examples.entries()) {
    const form = await currentForm(db, jurisdictionId, example.serviceCode);
    const caseId = await send(example, await startDraft(db, keyring, jurisdictionId, form, null, example.language));
    for (const [s, step] of example.steps.entries()) {
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
          const id = await askConsultation(db, ctx, caseId, { departmentId: asked, question: step.question, dueOn: day(now, step.dueInDays) }, officer, key);
          // Someone of the department asked replies (the administrator for it, when it has no demo staff).
          const colleague = await db.selectFrom('users').select(['id', 'role']).where('status', '=', 'active').where('department_id', '=', asked)
            .where('role', 'in', ['case_worker', 'supervisor', 'department_admin']).orderBy('id').executeTakeFirst();
          const replier: WorkflowActor = colleague ? { id: `user:${colleague.id}`, userId: colleague.id, role: colleague.role as WorkflowActor['role'], departmentId: asked } : officer;
          if (id !== null && step.answer) await replyToConsultation(db, jurisdictionId, id, step.answer, replier, ctx.timeZone);
          break;
        }
        case 'book': {
          if (!inspector) break;
          const id = await bookInspection(db, ctx, sender, caseId, { date: day(now, step.inDays), time: step.time, durationMinutes: '60', place: step.place, inspectorId: String(inspector.id) }, officer, key);
          if (id !== null && step.result) await recordInspectionResult(db, ctx, id, step.result, officer, `${key}:result`);
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
    }
    // The taxi licence near its end is renewed by its holder: a new application, prefilled from the last one.
    if (example.name === 'Omar Haddad') {
      const [licence] = await licencesOfCase(db, jurisdictionId, caseId);
      if (licence) await send(example, await startRenewal(db, keyring, jurisdictionId, licence.number, null, example.language));
    }
  }
  return sent;
}
