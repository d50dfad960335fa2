/**
 * The public shapes of the GovStack Registration API (its OpenAPI components), built in one
 * place. The applicant's own details (name, email, phone) are never given out: they are sealed
 * with the case, as every applicant's are.
 */
import type { ApplicationForm } from '../applications/applications.js';
import type { Answers } from '../applications/answers.js';
import type { WorkflowDefinition } from '../workflow/types.js';
import { answersAsData, eFormSchema } from './eforms.js';
import { nextSteps, serviceUuid, stateLabel, taskIdOf } from './registration.js';
import type { ApplicationRow } from './store.js';

/** GovStack's four status codes; a withdrawn application has none of them, only its title. */
export function statusOf(definition: WorkflowDefinition, state: string): { code?: 'PENDING' | 'APPROVED' | 'SENDBACK' | 'REJECTED'; title: string } {
  const title = stateLabel(definition, state);
  if (state === 'issued') return { code: 'APPROVED', title };
  if (state === 'refused') return { code: 'REJECTED', title };
  if (state === 'more_information') return { code: 'SENDBACK', title };
  if (state === 'withdrawn') return { title };
  return { code: 'PENDING', title };
}

export function service(jurisdictionId: string, form: ApplicationForm) {
  const d = form.definition;
  return {
    id: serviceUuid(jurisdictionId, form.serviceCode),
    name: d.title,
    version: String(form.version),
    type: 'Public' as const,
    isExecutable: true,
    isClosed: true,
    description: d.summary,
    serviceBody: [
      { code: 'serviceCode', value: form.serviceCode },
      { code: 'eFormId', value: String(form.id) },
      { code: 'howLong', value: d.howLong },
      ...d.whatYouNeed.map((need) => ({ code: 'whatYouNeed', value: need })),
    ],
  };
}

export const eFormListItem = (form: ApplicationForm, latest: boolean) => ({
  eFormId: String(form.id), name: form.definition.title, description: form.definition.summary, version: String(form.version), latest,
});

export const eForm = (form: ApplicationForm, latest: boolean) => ({ ...eFormListItem(form, latest), schema: eFormSchema(form.definition) });

/** Who applied, as far as this API says: the sender's own applicant id, or which kind of Townhall applicant. */
const applicantIdOf = (row: ApplicationRow) => row.applicant_id ?? (row.channel === 'web' ? 'townhall:web-applicant' : `townhall:${row.channel}-applicant`);

export function applicationFile(jurisdictionId: string, row: ApplicationRow, answers: Answers, workflow: WorkflowDefinition, documentUrls: Record<string, string[]>) {
  const definition = JSON.parse(row.definition) as ApplicationForm['definition'];
  return {
    fileId: String(row.case_id),
    // The schema requires applicantId here as well as in applicationData, without listing it among its properties.
    applicantId: applicantIdOf(row),
    registered: row.requested_at,
    serviceId: serviceUuid(jurisdictionId, row.service_code),
    serviceName: row.service_name,
    status: statusOf(workflow, row.state),
    ended: row.status === 'closed',
    applicationData: {
      applicantId: applicantIdOf(row),
      applicationName: `${definition.title} ${row.case_id}`,
      created: row.created_at,
      formData: { eFormId: String(row.form_id), data: answersAsData(definition, answers, documentUrls) },
      documentUrls: Object.values(documentUrls).flat(),
    },
  };
}

export function applicationListItem(jurisdictionId: string, row: ApplicationRow, workflow: WorkflowDefinition, documentUrls: Record<string, string[]>) {
  return {
    fileId: String(row.case_id),
    mainTaskId: String(row.case_id),
    taskTitle: stateLabel(workflow, row.state),
    ...(row.assigned_user_id !== null ? { assigneeId: String(row.assigned_user_id) } : {}),
    status: statusOf(workflow, row.state),
    applicantId: applicantIdOf(row),
    created: row.created_at,
    registered: row.requested_at,
    serviceName: row.service_name,
    serviceId: serviceUuid(jurisdictionId, row.service_code),
    eformId: String(row.form_id),
    documentUrls: Object.values(documentUrls).flat(),
  };
}

export function task(jurisdictionId: string, row: ApplicationRow, workflow: WorkflowDefinition) {
  return {
    taskId: taskIdOf(row),
    mainTaskId: String(row.case_id),
    name: stateLabel(workflow, row.state),
    ...(row.assigned_user_id !== null ? { assigneeId: String(row.assigned_user_id) } : {}),
    // When the application last changed: the task began then or before.
    created: row.updated_at,
    description: `Application ${row.case_id} is at "${stateLabel(workflow, row.state)}".`,
    serviceId: serviceUuid(jurisdictionId, row.service_code),
    serviceName: row.service_name,
    fileId: String(row.case_id),
    eFormId: String(row.form_id),
    status: statusOf(workflow, row.state),
  };
}

/** A task with what completing it takes: the steps from here and the values each needs. */
export function taskWithData(jurisdictionId: string, row: ApplicationRow, workflow: WorkflowDefinition) {
  const { taskId, name, mainTaskId: _main, ...rest } = task(jurisdictionId, row, workflow);
  return {
    taskId, taskName: name, ...rest,
    formVariables: {
      transition: { type: 'string', required: true, enum: nextSteps(workflow, row.state).map((s) => s.code), steps: nextSteps(workflow, row.state) },
      operatorId: { type: 'string', required: true, description: 'The Townhall user id of the staff member taking the step: their role and department are checked.' },
      note: { type: 'string', description: 'A note the applicant reads (needed where the step requires public_note; the conditions of an approval).' },
      reason: { type: 'string', description: 'The reason (needed where the step requires reason; the reasons of a refusal).' },
      validFrom: { type: 'string', format: 'date', description: 'Approve: the first day the licence is valid.' },
      validUntil: { type: 'string', format: 'date', description: 'Approve: the last day the licence is valid.' },
    },
    data: { state: { code: row.state, label: stateLabel(workflow, row.state) }, application: { fileId: String(row.case_id), paymentState: row.payment_state } },
  };
}
