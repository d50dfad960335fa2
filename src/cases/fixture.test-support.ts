/**
 * A small council for the workflow tests: two departments, their staff, one service and a way
 * to report a case. Test support only.
 */
import { createTestDatabase, type DatabaseUnderTest, type TestDatabase } from '../../test/database.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import type { DB } from '../db/connection.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import type { WorkflowActor } from '../workflow/types.js';
import type { EngineContext } from './actions.js';
import { submitCase } from './submit.js';

export const jurisdiction = { id: 'workflow.example', bounds: { minLat: 50, minLong: -1, maxLat: 52, maxLong: 1 }, timeZone: 'Europe/London' };
export const keyring = makeKeyring(newKey());
export const ctx: EngineContext = { jurisdictionId: jurisdiction.id, timeZone: jurisdiction.timeZone, notify: { keyring, publicUrl: 'https://townhall.example', council: 'Test Council' } };

export interface Council {
  t: TestDatabase;
  db: DB;
  roads: number;
  parks: number;
  worker: WorkflowActor;
  colleague: WorkflowActor;
  supervisor: WorkflowActor;
  parksWorker: WorkflowActor;
  admin: WorkflowActor;
  analyst: WorkflowActor;
  system: WorkflowActor;
  report(description?: string): Promise<number>;
}

let emails = 0;
async function staff(db: DB, role: string, departmentId: number | null): Promise<WorkflowActor> {
  const at = nowIso();
  const n = ++emails;
  const row = await db.insertInto('users').values({
    email: `staff${n}@example.org`, email_hash: `hash-${n}-${Math.random()}`, role, department_id: departmentId, password_hash: null, totp_secret: null,
    totp_confirmed: 0, status: 'active', created_at: at, updated_at: at, email_verified_at: null, locked_until: null, totp_last_step: null,
  }).returning('id').executeTakeFirstOrThrow();
  return { id: `user:${row.id}`, userId: row.id, role: role as WorkflowActor['role'], departmentId };
}

export async function openCouncil(database: DatabaseUnderTest): Promise<Council> {
  const t = await createTestDatabase(database);
  const db = t.db;
  const at = nowIso();
  const department = async (code: string, assignment: 'none' | 'round_robin') =>
    (await db.insertInto('departments').values({ code, name: code[0]!.toUpperCase() + code.slice(1), created_at: at, assignment }).returning('id').executeTakeFirstOrThrow()).id;
  const roads = await department('roads', 'round_robin');
  const parks = await department('parks', 'none');
  // The training space has its own copy of the catalogue.
  for (const id of [jurisdiction.id, `${jurisdiction.id}.training`]) {
    await saveServiceGroup(db, id, { code: 'streets', name: 'Streets' }, 0, 'test');
    await createService(db, id, {
      code: 'pothole', name: 'Pothole', description: 'A hole in the road', groupCode: 'streets', keywords: [], type: 'realtime',
      agencyResponsible: 'Roads', serviceNotice: null, expectedDays: 5, attributes: [], department: 'roads',
    }, 'test');
  }
  const council: Council = {
    t, db, roads, parks,
    worker: await staff(db, 'case_worker', roads),
    colleague: await staff(db, 'case_worker', roads),
    supervisor: await staff(db, 'supervisor', roads),
    parksWorker: await staff(db, 'case_worker', parks),
    admin: await staff(db, 'system_admin', null),
    analyst: await staff(db, 'analyst', null),
    system: { id: 'system:sla', userId: null, role: 'system', departmentId: null },
    async report(description = 'Deep hole') {
      const created = await submitCase(db, { jurisdiction, keyring }, 'api', {
        serviceCode: 'pothole', description, lat: 51, long: 0, attributes: {}, mediaUrls: [], contact: { email: 'resident@example.org' },
      }, { actor: { id: 'test' } });
      return Number(created.id);
    },
  };
  return council;
}

export const count = async (db: DB, table: 'case_actions' | 'audit_log' | 'events' | 'outbox') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

export const caseRow = (db: DB, caseId: number) => db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
