/**
 * The Townhall side of bench/applications.ts, in its own process so the load generator does not
 * share its event loop. It loads APPLICATIONS (default 100,000) applications of one service into
 * a fresh SQLite file (or, with BENCH_POSTGRES_URL, a PostgreSQL schema of its own, dropped on
 * exit), with a licence for each approved one, then:
 *   prints "PLAN <name> (<median ms>): <plan>" lines: the application queue page's queries, each
 *   timed alone (median of 15) with its query plan;
 *   prints "PDF <issue+pdf per s> <pdf per s> <bare pdf-lib per s>";
 *   listens, and prints "READY <port> <staff session token> <tokens file> <service code>".
 *
 * The fast path (documented, as the brief asks): TEMPLATES (20) applications are sent through
 * the real journey's functions (startDraft, saveDraft, sendApplication: the case through the
 * case core, the application row, the fee, the audit entry, the email); every other one is a
 * copy of one of those `cases` and `applications` rows, inserted 500 a statement, with its own
 * id, token, draft id, times, state, assignee and due time. The copies have no history
 * (case_actions, clocks, audit entries, outbox messages): the queue page and /verify read none.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Insertable, type Selectable } from 'kysely';
import pg from 'pg';
import { loadDraft, publishForm, saveDraft, sendApplication, startDraft } from '../src/applications/applications.js';
import type { FormDefinition } from '../src/applications/definition.js';
import { buildApp } from '../src/app.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { loadConfig } from '../src/config.js';
import { dialectOf, openDatabase, type DB } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { ApplicationTable, CaseTable } from '../src/db/schema.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { makeKeyring, newKey } from '../src/platform/crypto.js';
import { countQueryFor, departmentIdOf, queuePhaseQuery, type QueueQuery } from '../src/staff/store.js';
import { barePdfPerSecond, loadLicences, measureIssuing } from './licences-load.js';

const COUNT = Number(process.env.APPLICATIONS ?? 100_000);
const TEMPLATES = 20;
const SERVICE = { code: 'street-party', name: 'Street party road closure' };
const DEPARTMENT = 'events';
const postgresUrl = process.env.BENCH_POSTGRES_URL;
const DAY = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'townhall-applications-bench-'));
const schema = `bench_${randomBytes(5).toString('hex')}`;
let db: DB;
const cleanUp = async () => {
  await db?.destroy().catch(() => undefined);
  if (postgresUrl) {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGTERM', () => { void cleanUp().finally(() => process.exit(0)); });

if (postgresUrl) {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  db = openDatabase(postgresUrl, { schema, poolSize: 5 });
} else db = openDatabase(`sqlite:${join(dir, 'townhall.db')}`);
const postgres = dialectOf(db) === 'postgres';
await migrateToLatest(db);
const config = loadConfig({ DATABASE_URL: postgresUrl ?? `sqlite:${join(dir, 'townhall.db')}`, LOG_LEVEL: 'silent', PORT: '0' });
const jurisdiction = config.jurisdiction;
const keyring = makeKeyring(newKey());

// ---- The service, its form, its department's staff ----
await saveServiceGroup(db, jurisdiction.id, { code: 'permits', name: 'Permits and licences' }, 0, 'bench');
await createService(db, jurisdiction.id, {
  code: SERVICE.code, name: SERVICE.name, description: 'Close a road for a street party', groupCode: 'permits', keywords: [], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 28, attributes: [],
}, 'bench');
const form: FormDefinition = {
  title: 'Apply to close a road for a street party', summary: 'For a party on a residential street.', whatYouNeed: [], howLong: 'Up to 4 weeks.', eligibility: [],
  pages: [
    { id: 'party', title: 'The party', fields: [{ id: 'name', type: 'text', label: 'Name of the event' }, { id: 'day', type: 'date', label: 'Date of the party' }] },
    { id: 'where', title: 'The road', fields: [{ id: 'area', type: 'map_area', label: 'The part of the road to close' }] },
    { id: 'helpers', title: 'Stewards', group: { id: 'steward', itemName: 'steward', min: 1, max: 6, fields: [{ id: 'steward_name', type: 'text', label: 'Name' }] } },
  ],
  fees: [{ effectiveFrom: '2025-01-01', rules: [{ kind: 'fixed', label: 'Road closure', amount: 3500 }, { kind: 'per_item', label: 'Each steward after the first', group: 'steward', amount: 500, free: 1 }] }],
};
const published = await publishForm(db, jurisdiction.id, SERVICE.code, form, 'bench');
const staff: number[] = [];
for (let n = 0; n < 6; n++) {
  const user = await createUser(db, keyring, { email: `officer${n}@events.example`, role: n === 0 ? 'supervisor' : 'case_worker', departmentCode: DEPARTMENT }, { publicUrl: config.publicUrl, issuer: 'bench' }, 'bench');
  staff.push(Number(user.id));
}
await db.updateTable('services').set({ department_code: DEPARTMENT }).where('code', '=', SERVICE.code).execute();
const { token: session } = await startSession(db, staff[0]!, { limits: limitsFor('supervisor'), secondFactor: true });

// ---- TEMPLATES real applications, then copies ----
const began = Date.now();
const sender = { publicUrl: config.publicUrl, council: jurisdiction.name };
const b = jurisdiction.bounds;
for (let n = 0; n < TEMPLATES; n++) {
  const draftId = await startDraft(db, keyring, jurisdiction.id, { id: published.id, serviceCode: SERVICE.code, version: published.version, definition: form }, null, 'en');
  const draft = (await loadDraft(db, keyring, jurisdiction.id, draftId))!;
  const lat = b.minLat + ((b.maxLat - b.minLat) * (n + 1)) / (TEMPLATES + 2);
  const long = b.minLong + ((b.maxLong - b.minLong) * (n + 1)) / (TEMPLATES + 2);
  draft.answers = {
    name: `Party ${n}`, day: '2027-06-12', area: JSON.stringify({ type: 'Polygon', coordinates: [[[long, lat], [long + 0.001, lat], [long + 0.001, lat + 0.001], [long, lat]]] }),
    steward: Array.from({ length: 1 + (n % 3) }, (_, s) => ({ steward_name: `Steward ${s}` })),
  } as typeof draft.answers;
  draft.contact = { name: `Organiser ${n}`, email: `organiser${n}@example.org` };
  await saveDraft(db, keyring, draft);
  await sendApplication(db, { jurisdiction, keyring, sender }, (await loadDraft(db, keyring, jurisdiction.id, draftId))!, 'web', { id: 'applicant:guest' });
}
const templateCases = await db.selectFrom('cases').selectAll().where('kind', '=', 'application').orderBy('id').execute();
const templateApplications = new Map((await db.selectFrom('applications').selectAll().execute()).map((a) => [a.case_id, a]));
if (templateCases.length !== TEMPLATES) throw new Error(`expected ${TEMPLATES} applications sent, found ${templateCases.length}`);

/**
 * The n-th copy's life: a fifth open (received, checking, more information, under review,
 * inspection; due from ten days overdue to six weeks ahead; a third not assigned), the rest
 * decided: approved (three in four, with a licence) or refused.
 */
const openStates = ['received', 'checking', 'more_information', 'under_review', 'inspection'];
const now = Date.now();
function lifeOf(n: number) {
  const requested = new Date(now - ((n * 7919) % (400 * DAY)));
  if (n % 5 === 0) {
    const state = openStates[Math.floor(n / 5) % openStates.length]!;
    return {
      requested, status: 'open', state, closedAt: null,
      dueAt: state === 'more_information' ? null : new Date(now - 10 * DAY + ((n * 104_729) % (52 * DAY))).toISOString(),
      assignee: n % 3 === 0 ? null : staff[n % staff.length]!,
    };
  }
  const approved = n % 4 !== 1;
  return { requested, status: 'closed', state: approved ? 'issued' : 'refused', closedAt: new Date(requested.getTime() + 20 * DAY).toISOString(), dueAt: null, assignee: staff[n % staff.length]! };
}

const approvedCaseIds: number[] = [];
const BATCH = 500;
for (let start = TEMPLATES; start < COUNT; start += BATCH) {
  const cases: Array<Insertable<CaseTable>> = [];
  const lives: Array<{ n: number; template: number; life: ReturnType<typeof lifeOf> }> = [];
  for (let n = start; n < Math.min(COUNT, start + BATCH); n++) {
    const { id: _id, ...template } = templateCases[n % TEMPLATES]! as Selectable<CaseTable>;
    const life = lifeOf(n);
    lives.push({ n, template: _id, life });
    cases.push({
      ...template, token: randomUUID(), requested_at: life.requested.toISOString(), updated_at: (life.closedAt ?? life.requested.toISOString()),
      status: life.status, state: life.state, closed_at: life.closedAt, due_at: life.dueAt, assigned_user_id: life.assignee,
    });
  }
  await db.transaction().execute(async (trx) => {
    const ids = (await trx.insertInto('cases').values(cases).returning('id').execute()).map((r) => r.id);
    const applications: Array<Insertable<ApplicationTable>> = lives.map(({ template, life }, k) => {
      const row = templateApplications.get(template)! as Selectable<ApplicationTable>;
      const decided = life.status === 'closed';
      if (life.state === 'issued') approvedCaseIds.push(ids[k]!);
      return {
        ...row, case_id: ids[k]!, draft_id: randomUUID(), created_at: life.requested.toISOString(), payment_state: row.fee_pence > 0 ? (life.state === 'received' ? 'due' : 'paid') : 'not_due',
        decision: decided ? (life.state === 'issued' ? 'approved' : 'refused') : null, decision_text: decided ? (life.state === 'issued' ? 'Keep one lane open for emergency vehicles' : 'The road is a bus route') : null,
        valid_from: life.state === 'issued' ? life.requested.toISOString().slice(0, 10) : null, valid_until: life.state === 'issued' ? new Date(life.requested.getTime() + 365 * DAY).toISOString().slice(0, 10) : null,
        decided_by: decided ? `user:${staff[0]}` : null, decided_at: life.closedAt,
      };
    });
    await trx.insertInto('applications').values(applications).execute();
  });
}
if (postgres) await sql`analyze cases; analyze applications`.execute(db);
const bench = { db, config, keyring, service: SERVICE };
const tokens = await loadLicences(bench, approvedCaseIds.length, (n) => approvedCaseIds[n]!);
console.log(`LOADED ${COUNT} applications (${approvedCaseIds.length} with a licence) in ${((Date.now() - began) / 1000).toFixed(0)} s`);

// ---- The query plans of the application queue page (the department's open applications of this service, by due time) ----
const departmentId = await departmentIdOf(db, DEPARTMENT);
const queue: QueueQuery = {
  jurisdictionId: jurisdiction.id, scope: { departmentId }, userId: staff[0]!, status: 'open', now: new Date().toISOString(), serviceCode: SERVICE.code, kind: 'department', sort: 'due',
};
const explained: Array<[string, { sql: string; parameters: readonly unknown[] }]> = [
  ['page, first phase', queuePhaseQuery(db, queue, 0, null, 26).compile()],
  ['page, second phase', queuePhaseQuery(db, queue, 1, null, 26).compile()],
  ...(['department', 'mine', 'unassigned', 'due_soon', 'overdue'] as const).map((kind) => [`count: ${kind}`, countQueryFor(db, { ...queue, kind }).compile()] as [string, { sql: string; parameters: readonly unknown[] }]),
];
for (const [name, query] of explained) {
  const plan = postgres
    ? (await sql.raw<{ 'QUERY PLAN': string }>(`explain ${inline(query.sql, query.parameters)}`).execute(db)).rows.map((r) => r['QUERY PLAN'])
    : (await sql.raw<{ detail: string }>(`explain query plan ${inline(query.sql, query.parameters)}`).execute(db)).rows.map((r) => r.detail);
  // The query alone, without HTTP: its median of 15 runs (on a busy machine the page's p95 is mostly waiting for a CPU).
  const times: number[] = [];
  for (let run = 0; run < 15; run++) {
    const at = performance.now();
    await sql.raw(inline(query.sql, query.parameters)).execute(db);
    times.push(performance.now() - at);
  }
  console.log(`PLAN ${name} (${times.sort((x, y) => x - y)[7]!.toFixed(1)} ms): ${plan.join(' | ')}`);
}

// ---- Issuing with its PDF, the PDF alone, and bare pdf-lib ----
const seconds = Number(process.env.BENCH_PDF_SECONDS ?? 5);
const issuing = await measureIssuing(bench, approvedCaseIds[0]!, seconds);
const bare = await barePdfPerSecond(seconds);
console.log(`PDF ${issuing.issuePerSecond.toFixed(1)} ${issuing.pdfPerSecond.toFixed(1)} ${bare.toFixed(1)}`);

const tokensFile = join(dir, 'tokens.json');
writeFileSync(tokensFile, JSON.stringify(tokens));
const app = await buildApp({ config, db, keyring, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${(app.server.address() as AddressInfo).port} ${session} ${tokensFile} ${SERVICE.code}`);

/** The compiled query with its parameters written in, for EXPLAIN (the values are the bench's own: numbers and plain strings). */
function inline(text: string, parameters: readonly unknown[]): string {
  const rest = [...parameters];
  const literal = (value: unknown) => (typeof value === 'number' ? String(value) : value === null ? 'null' : `'${String(value).replace(/'/g, "''")}'`);
  return postgres ? text.replace(/\$(\d+)/g, (_, n: string) => literal(parameters[Number(n) - 1])) : text.replace(/\?/g, () => literal(rest.shift()));
}
