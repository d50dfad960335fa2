/**
 * The built-in workflow of incidents: an incident is active until an officer closes it with its
 * closing summary, and may be reopened. No clocks: an incident's tasks carry their own due times.
 */
import type { Role } from '../identity/roles.js';
import type { WorkflowDefinition } from '../workflow/types.js';

export const INCIDENT_WORKFLOW_CODE = 'incident';
export const INCIDENT_WORKFLOW_NAME = 'Incidents';
/** Who runs incidents (a system administrator may take any transition). */
export const incidentOfficers: readonly Role[] = ['emergency_officer', 'system_admin'];

export const incidentWorkflow: WorkflowDefinition = {
  initial: 'active',
  states: [
    { code: 'active', label: 'Active', publicStatus: 'open', publicLabel: 'Active', onEntry: [] },
    { code: 'closed', label: 'Closed', publicStatus: 'closed', publicLabel: 'Closed', onEntry: [] },
  ],
  transitions: [
    { code: 'close', label: 'Close the incident', from: ['active'], to: 'closed', roles: [...incidentOfficers], requires: ['reason'] },
    { code: 'reopen', label: 'Reopen the incident', from: ['closed'], to: 'active', roles: [...incidentOfficers], requires: ['reason'] },
  ],
  sla: [],
};
