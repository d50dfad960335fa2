/**
 * The built-in "standard" workflow: what every service uses until the council configures its
 * own. Created (as published version 1) the first time a jurisdiction needs it.
 */
import type { Role } from '../identity/roles.js';
import type { WorkflowDefinition } from './types.js';

export const STANDARD_WORKFLOW_CODE = 'standard';
export const STANDARD_WORKFLOW_NAME = 'Standard';

const workers: Role[] = ['case_worker', 'supervisor', 'department_admin'];
const leads: Role[] = ['supervisor', 'department_admin'];
const openStates = ['submitted', 'investigating', 'action_scheduled', 'reopened'];

export const standardDefinition: WorkflowDefinition = {
  initial: 'submitted',
  states: [
    { code: 'submitted', label: 'New', publicStatus: 'open', publicLabel: 'Received', onEntry: [{ do: 'start_clock', clock: 'resolution' }, { do: 'assign', to: 'auto' }] },
    { code: 'investigating', label: 'Investigating', publicStatus: 'open', publicLabel: 'Investigating', onEntry: [] },
    { code: 'action_scheduled', label: 'Action scheduled', publicStatus: 'open', publicLabel: 'Action scheduled', onEntry: [{ do: 'notify_reporter' }] },
    { code: 'fixed', label: 'Fixed', publicStatus: 'closed', publicLabel: 'Fixed', onEntry: [{ do: 'stop_clock', clock: 'resolution' }, { do: 'notify_reporter' }] },
    { code: 'not_council', label: 'Not ours', publicStatus: 'closed', publicLabel: "Not the council's responsibility", onEntry: [{ do: 'stop_clock', clock: 'resolution' }, { do: 'notify_reporter' }] },
    { code: 'duplicate', label: 'Duplicate', publicStatus: 'closed', publicLabel: 'Duplicate', onEntry: [{ do: 'stop_clock', clock: 'resolution' }] },
    { code: 'closed', label: 'Closed', publicStatus: 'closed', publicLabel: 'Closed', onEntry: [{ do: 'stop_clock', clock: 'resolution' }, { do: 'notify_reporter' }] },
    { code: 'reopened', label: 'Reopened', publicStatus: 'open', publicLabel: 'Reopened', onEntry: [{ do: 'start_clock', clock: 'resolution' }] },
  ],
  transitions: [
    { code: 'investigate', label: 'Start investigating', from: ['submitted', 'action_scheduled', 'reopened'], to: 'investigating', roles: workers, requires: [] },
    { code: 'schedule', label: 'Schedule the work', from: ['submitted', 'investigating', 'reopened'], to: 'action_scheduled', roles: workers, requires: ['public_note'] },
    { code: 'fix', label: 'Mark as fixed', from: openStates, to: 'fixed', roles: workers, requires: [] },
    { code: 'not_council', label: "Not the council's responsibility", from: openStates, to: 'not_council', roles: workers, requires: ['reason'] },
    // From any state, so a case an outside system left in a state of its own can still be closed.
    { code: 'close', label: 'Close', from: ['*'], to: 'closed', roles: workers, requires: ['reason'] },
    { code: 'reopen', label: 'Reopen', from: ['fixed', 'not_council', 'duplicate', 'closed'], to: 'reopened', roles: leads, requires: ['reason'] },
  ],
  sla: [
    { clock: 'resolution', priority: 'urgent', state: null, minutes: 480, warnAt: 0.8 },
    { clock: 'resolution', priority: 'high', state: null, minutes: 960, warnAt: 0.8 },
    { clock: 'resolution', priority: 'normal', state: null, minutes: 2400, warnAt: 0.8 },
    { clock: 'resolution', priority: 'low', state: null, minutes: 4800, warnAt: 0.8 },
  ],
};
