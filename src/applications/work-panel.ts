/**
 * What an application's staff case page shows of its consultations and inspections: gathered
 * here (staff/case-data.ts calls it for cases of kind 'application') and drawn by
 * ApplicationWork in inspection-views.tsx.
 */
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { formatForPeople } from '../platform/time.js';
import { caseWorkers, listDepartments } from '../staff/store.js';
import type { WorkflowActor } from '../workflow/types.js';
import { consultationsOfCase, todayIn } from './consultations.js';
import type { FormDefinition } from './definition.js';
import type { ApplicationWorkView } from './inspection-views.js';
import { inspectionsOfCase } from './inspections.js';
import * as applicationStore from './store.js';

export async function applicationWorkView(db: DB, keyring: Keyring, application: { jurisdictionId: string; caseId: number; departmentId: number | null; open: boolean },
  viewer: { actor: WorkflowActor; csrf: string; idempotencyKey: string; timeZone: string }, extras: { errors?: Record<string, string>; values?: Record<string, string> } = {}): Promise<ApplicationWorkView> {
  const { actor, timeZone } = viewer;
  const when = (iso: string) => formatForPeople(iso, timeZone);
  const canAct = application.open && (actor.role === 'system_admin'
    || (['case_worker', 'supervisor', 'department_admin'].includes(actor.role) && actor.departmentId !== null && actor.departmentId === application.departmentId));
  const row = await applicationStore.findApplication(db, application.jurisdictionId, application.caseId);
  const definition = row ? JSON.parse(row.definition) as FormDefinition : null;
  return {
    caseId: application.caseId, canAct,
    consultations: (await consultationsOfCase(db, application.caseId, timeZone)).map((q) => ({
      id: q.id, departmentName: q.departmentName, question: q.question, dueOn: q.dueOn, askedAt: when(q.askedAt), reply: q.reply, repliedAt: q.repliedAt ? when(q.repliedAt) : null, overdue: q.overdue,
    })),
    inspections: (await inspectionsOfCase(db, keyring, application.caseId)).map((i) => ({
      id: i.id, when: when(i.starts_at), durationMinutes: i.duration_minutes, place: i.place, inspector: i.inspector, status: i.status, outcome: i.outcome, photos: i.photoIds.length,
    })),
    departments: canAct ? (await listDepartments(db)).filter((d) => d.id !== application.departmentId).map((d) => ({ id: d.id, name: d.name })) : [],
    inspectors: canAct ? (await caseWorkers(db, keyring, 'all')).map((p) => ({ id: p.id, name: p.name })) : [],
    hasChecklist: (definition?.inspection?.checklist.length ?? 0) > 0,
    csrf: viewer.csrf, idempotencyKey: viewer.idempotencyKey, today: todayIn(timeZone), errors: extras.errors ?? {}, values: extras.values ?? {},
  };
}
