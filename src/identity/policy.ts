/**
 * The one answer to "may this person do this, to this record?" (least privilege). Routes say
 * who may call them (identity/access.ts: function level); handlers ask here about the record
 * in hand (record level) and about the fields in it (field level: contact details only to the
 * people who work the case).
 */
import type { Person } from './person.js';
import { isStaff, needsDepartment, type Role } from './roles.js';

/** Roles that work a department's cases, and so see its reporters' contact details. */
const caseWorking: readonly Role[] = ['case_worker', 'supervisor', 'department_admin'];
/** Roles that see every department's cases, without contact details. */
const seeAllCases: readonly Role[] = ['system_admin', 'analyst', 'emergency_officer'];

export const staffRoles: readonly Role[] = ['case_worker', 'supervisor', 'department_admin', 'system_admin', 'emergency_officer', 'analyst'];
export const userAdminRoles: readonly Role[] = ['system_admin', 'department_admin'];
export const subjectAccessRoles: readonly Role[] = ['system_admin'];
/** Who reads the staff analytics (/staff/insights): supervisors and department admins see their own department's figures, the others every department's (caseListScope). */
export const insightsRoles: readonly Role[] = ['analyst', 'supervisor', 'department_admin', 'system_admin'];

export type Decision =
  | { action: 'case.view'; record: { department: string | null } }
  | { action: 'case.view_contact'; record: { department: string | null } }
  | { action: 'user.manage'; record: { department: string | null; role: Role } }
  | { action: 'user.grant_role'; record: { role: Role; department: string | null } }
  | { action: 'person.export' };

export function may(person: Person | null, decision: Decision): boolean {
  if (!person || !person.secondFactorDone) return false;
  const { role } = person;
  const ownDepartment = (department: string | null) => department !== null && department === person.department;
  switch (decision.action) {
    case 'case.view':
      return seeAllCases.includes(role) || (caseWorking.includes(role) && ownDepartment(decision.record.department));
    case 'case.view_contact':
      return caseWorking.includes(role) && ownDepartment(decision.record.department);
    case 'user.manage':
      if (role === 'system_admin') return true;
      // A department's administrator looks after its case workers and supervisors, nobody else.
      return role === 'department_admin' && ownDepartment(decision.record.department) && ['case_worker', 'supervisor'].includes(decision.record.role);
    case 'user.grant_role':
      if (role === 'system_admin') return true;
      return role === 'department_admin' && ['case_worker', 'supervisor'].includes(decision.record.role) && ownDepartment(decision.record.department);
    case 'person.export':
      return subjectAccessRoles.includes(role);
  }
}

/** The departments whose cases a person's lists show: all (null) or just their own. */
export function caseListScope(person: Person): { allDepartments: true } | { department: string | null } {
  if (seeAllCases.includes(person.role)) return { allDepartments: true };
  return { department: needsDepartment(person.role) ? person.department : null };
}

export { isStaff };
