/**
 * A handful of applications already in the demo's queue, in the states an officer meets:
 * received, waiting for more information, and approved. Each is filled in through the form's
 * own reader (as if posted), sent with sendApplication and moved on with the case actions and
 * the decision the staff pages use, so it is exactly what a resident's application would be.
 */
import { currentForm, loadDraft, saveDraft, sendApplication, startDraft } from '../applications/applications.js';
import { readPage, type Answers } from '../applications/answers.js';
import type { FormDefinition } from '../applications/definition.js';
import { decideApplication } from '../applications/review.js';
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

type Fate = 'received' | 'more_information' | 'approved';
interface Example { serviceCode: string; name: string; email: string; language: string; answers: (now: Date) => Record<string, string>; fate: Fate }

// A rectangle of Port Alder's streets (the demo's map), drawn as the map's script would send it.
const closedArea = JSON.stringify({ type: 'Polygon', coordinates: [[[-122.4321, 37.7651], [-122.4302, 37.7651], [-122.4302, 37.7659], [-122.4321, 37.7659], [-122.4321, 37.7651]]] });

const examples: Example[] = [
  { serviceCode: 'street-party', name: 'Grace Okafor', email: 'grace.okafor@example.org', language: 'en', fate: 'received',
    answers: (now) => ({ event_date: day(now, 45), people: '120', street_address: 'Linden Street', closed_area: closedArea, truth: 'yes' }) },
  { serviceCode: 'food-business', name: 'Lucía Romero', email: 'lucia.romero@example.org', language: 'es', fate: 'more_information',
    answers: (now) => ({ business_name: 'Empanadas Lucía', business_address: '410 Valencia Street', business_type: 'market', start_date: day(now, 30), truth: 'yes' }) },
  { serviceCode: 'taxi-driver', name: 'Omar Haddad', email: 'omar.haddad@example.org', language: 'ar', fate: 'approved',
    answers: () => ({ date_of_birth: '1979-05-14', home_address: '77 Noe Street', pension_credit: 'no', licence_number: 'HADDA705149O99AB', vehicle: 'private_hire', convictions: 'yes', truth: 'yes' }) },
  { serviceCode: 'food-business', name: 'Sam Whitaker', email: 'sam.whitaker@example.org', language: 'en', fate: 'received',
    answers: (now) => ({ business_name: 'Whitaker’s Bakery', business_address: '1200 Church Street', business_type: 'shop', start_date: day(now, 40), truth: 'yes' }) },
];

/** Sends the demo's applications and moves each to its state. Returns how many it sent. */
export async function seedDemoApplications(db: DB, config: Config, keyring: Keyring, now: Date): Promise<number> {
  const jurisdictionId = config.jurisdiction.id;
  const notify = { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name };
  const ctx: EngineContext = { jurisdictionId, timeZone: config.jurisdiction.timeZone, notify };
  const officer: WorkflowActor = { id: 'seed', userId: null, role: 'system_admin', departmentId: null };
  for (const [n, example] of examples.entries()) {
    const form = await currentForm(db, jurisdictionId, example.serviceCode);
    const draft = (await loadDraft(db, keyring, jurisdictionId, await startDraft(db, keyring, jurisdictionId, form, null, example.language)))!;
    draft.answers = fillIn(form.definition, example.answers(now));
    draft.contact = { name: example.name, email: example.email };
    await saveDraft(db, keyring, draft);
    const { request } = await sendApplication(db, { jurisdiction: config.jurisdiction, keyring, sender: notify }, draft, 'web', { id: 'seed' });
    const caseId = Number(request.id);
    if (example.fate === 'more_information') {
      await performCaseAction(db, ctx, caseId, { kind: 'transition', transition: 'request_information', publicNote: 'Please send a photo of the stall and where the food is kept cold.' }, officer, `demo-application:${n}:ask`);
    } else if (example.fate === 'approved') {
      await performCaseAction(db, ctx, caseId, { kind: 'transition', transition: 'review' }, officer, `demo-application:${n}:review`);
      await decideApplication(db, ctx, caseId, { outcome: 'approve', text: 'Carry your badge where passengers can see it', validFrom: day(now, 0), validUntil: day(now, 3 * 365) }, officer, `demo-application:${n}:decide`);
    }
  }
  return examples.length;
}
