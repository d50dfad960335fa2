/**
 * The built-in workflow of application services, defined like the standard one: an application
 * is received, checked, may wait for more information (the statutory clock stops while it
 * waits), is reviewed, consulted on and inspected, and is decided: issued or refused, or
 * withdrawn by the applicant. A council may publish its own versions of it in the settings.
 */
import type { Role } from '../identity/roles.js';
import type { WorkflowDefinition } from '../workflow/types.js';

export const APPLICATION_WORKFLOW_CODE = 'application';
export const APPLICATION_WORKFLOW_NAME = 'Applications';

const workers: Role[] = ['case_worker', 'supervisor', 'department_admin'];
/** Who may decide an application (a system_admin may take any transition). */
export const deciders: Role[] = ['supervisor', 'department_admin'];
const open = ['received', 'checking', 'under_review', 'consultation', 'inspection', 'decision'];
/** The statutory period: 8 weeks of working days (40 days of 8 hours). */
export const STATUTORY_MINUTES = 40 * 8 * 60;

export const applicationWorkflow: WorkflowDefinition = {
  initial: 'received',
  states: [
    { code: 'received', label: 'Received', publicStatus: 'open', publicLabel: 'Received', onEntry: [{ do: 'start_clock', clock: 'statutory' }, { do: 'assign', to: 'auto' }] },
    { code: 'checking', label: 'Checking', publicStatus: 'open', publicLabel: 'Being checked', onEntry: [] },
    { code: 'more_information', label: 'More information needed', publicStatus: 'open', publicLabel: 'We need more information from you', onEntry: [{ do: 'suspend_clock', clock: 'statutory' }, { do: 'notify_reporter' }] },
    { code: 'under_review', label: 'Under review', publicStatus: 'open', publicLabel: 'Under review', onEntry: [{ do: 'resume_clock', clock: 'statutory' }] },
    { code: 'consultation', label: 'Consultation', publicStatus: 'open', publicLabel: 'Under review', onEntry: [{ do: 'resume_clock', clock: 'statutory' }] },
    { code: 'inspection', label: 'Inspection', publicStatus: 'open', publicLabel: 'Inspection', onEntry: [{ do: 'resume_clock', clock: 'statutory' }] }, // the booking emails its own invitation (inspections.ts)
    { code: 'decision', label: 'Decision', publicStatus: 'open', publicLabel: 'Under review', onEntry: [{ do: 'resume_clock', clock: 'statutory' }] },
    { code: 'issued', label: 'Approved', publicStatus: 'closed', publicLabel: 'Approved', onEntry: [{ do: 'stop_clock', clock: 'statutory' }, { do: 'notify_reporter' }] },
    { code: 'refused', label: 'Refused', publicStatus: 'closed', publicLabel: 'Refused', onEntry: [{ do: 'stop_clock', clock: 'statutory' }, { do: 'notify_reporter' }] },
    { code: 'withdrawn', label: 'Withdrawn', publicStatus: 'closed', publicLabel: 'Withdrawn', onEntry: [{ do: 'stop_clock', clock: 'statutory' }, { do: 'notify_reporter' }] },
  ],
  transitions: [
    { code: 'check', label: 'Start checking', from: ['received'], to: 'checking', roles: workers, requires: [] },
    { code: 'request_information', label: 'Ask for more information', from: open, to: 'more_information', roles: workers, requires: ['public_note'] },
    { code: 'information_received', label: 'Information received', from: ['more_information'], to: 'under_review', roles: workers, requires: [] },
    { code: 'review', label: 'Start the review', from: ['received', 'checking', 'consultation', 'inspection'], to: 'under_review', roles: workers, requires: [] },
    { code: 'consult', label: 'Consult another department', from: ['checking', 'under_review', 'inspection'], to: 'consultation', roles: workers, requires: ['reason'] },
    { code: 'inspect', label: 'Book an inspection', from: ['checking', 'under_review', 'consultation'], to: 'inspection', roles: workers, requires: ['public_note'] },
    { code: 'ready_for_decision', label: 'Ready for a decision', from: ['checking', 'under_review', 'consultation', 'inspection'], to: 'decision', roles: workers, requires: [] },
    // Approving and refusing record the decision's conditions or reasons on the application:
    // they are taken on the application's decision form (applications/review.ts), never as a bare transition.
    { code: 'approve', label: 'Approve', from: ['decision', 'under_review'], to: 'issued', roles: deciders, requires: ['public_note'] },
    { code: 'refuse', label: 'Refuse', from: ['decision', 'under_review'], to: 'refused', roles: deciders, requires: ['reason', 'public_note'] },
    { code: 'withdraw', label: 'Withdraw', from: [...open, 'more_information'], to: 'withdrawn', roles: workers, requires: ['reason'] },
  ],
  sla: [{ clock: 'statutory', priority: null, state: null, minutes: STATUTORY_MINUTES, warnAt: 0.8 }],
};
