/**
 * The staff workspace: queues (/staff), a case (/staff/requests/:id) with a form for each thing
 * staff do to it (POST .../actions, through the workflow engine), internal attachments, bulk
 * actions from a queue, and the reporter's contact details behind a deliberate, audited step.
 * Server-rendered, usable without JavaScript and from the keyboard; English only for now.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { caseListScope, may } from '../identity/policy.js';
import { DomainError, forbidden, httpStatusOf, notFound } from '../platform/errors.js';
import { setStaffAnswers } from '../cases/staff-answers.js';
import { staffAttributes } from '../catalogue/types.js';
import { readStaffAnswers } from './staff-questions.js';
import { nowIso } from '../platform/time.js';
import type { RouteDeps } from '../platform/deps.js';
import { contactForCase } from '../cases/reporters.js';
import { inTraining, workspaceJurisdiction } from '../training/space.js';
import { performCaseAction } from '../cases/actions.js';
import { priorities, type CaseActionInput, type Priority } from '../workflow/types.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { actorOf, doneMessages, engineContextOf, idempotencyKeyOf, parseAction, type ActionKind } from './actions.js';
import { attachmentRoutes } from './attachments.js';
import { bulkRoutes } from './bulk.js';
import { profileRoutes } from './profile.js';
import { caseView, loadCase, newIdempotencyKey, personDepartmentId, servicesByCode, staffAccess, type CaseExtras, type LoadedCase } from './case-data.js';
import { CasePage } from './case-page.js';
import { QueuePage, queueHref, type QueueFilters, type QueueLine } from './queues.js';
import * as store from './store.js';
import { dueWords, shortTime } from './words.js';
import { ContactPage } from './views.js';
import { stepFor, StepPage, type CaseStep } from './confirm.js';
import { findCaseRow } from '../cases/queries.js';
import { undoCaseAction } from '../cases/undo.js';
import { parseId } from '../platform/ids.js';

export async function staffRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const staff = staffAccess;
  const formatShort = (iso: string) => shortTime(iso, config.jurisdiction.timeZone);

  app.get('/staff', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const scope = caseListScope(person);
    const all = 'allDepartments' in scope;
    const departmentId = all ? null : await store.departmentIdOf(db, scope.department);
    const filters = queueFiltersOf(request.query, all);
    const now = nowIso();
    // A search looks across every queue this person may see (their department's, or every one).
    const searching = filters.q !== '';
    const common = {
      jurisdictionId: workspaceJurisdiction(request, config), scope: all ? { allDepartments: true as const } : { departmentId },
      userId: person.userId, status: filters.status, now,
      ...(filters.service ? { serviceCode: filters.service } : {}), ...(filters.priority ? { priority: filters.priority } : {}),
    };
    const [page, counts] = await Promise.all([
      store.queuePage(db, {
        ...common, kind: searching ? (all ? 'all' : 'department') : filters.queue, sort: filters.sort,
        ...(searching ? { q: filters.q } : {}), ...(formText(request.query, 'cursor') ? { cursor: formText(request.query, 'cursor') } : {}),
      }),
      store.queueCounts(db, common),
    ]);
    const services = await servicesByCode(db, config);
    const names = await store.userNames(db, keyring, page.rows.flatMap((r) => (r.assignedUserId !== null ? [r.assignedUserId] : [])));
    const workflows = await store.workflowVersions(db, page.rows.map((r) => r.workflowVersionId));
    const lines: QueueLine[] = page.rows.map((r) => {
      const open = r.status === 'open' && r.dueAt !== null;
      const due = open ? dueWords(r.dueAt!, now) : null;
      return {
        id: r.id, service: services.get(r.serviceCode)?.name ?? r.serviceCode, address: r.addressString ?? '',
        state: store.staffLabelOf(workflows.get(r.workflowVersionId ?? -1)?.definition, r.state, r.status), priority: r.priority,
        assignee: r.assignedUserId === null ? '' : names.get(r.assignedUserId) ?? `staff member ${r.assignedUserId}`,
        due: r.dueAt ? formatShort(r.dueAt) : '',
        dueWords: due?.words ?? '', overdue: due?.overdue ?? false, dueSoon: !!due && !due.overdue && Date.parse(r.dueAt!) - Date.parse(now) <= store.DUE_SOON_MS,
      };
    });
    const transitions = new Map<string, string>();
    for (const version of workflows.values()) for (const t of version.definition.transitions) if (!transitions.has(t.code)) transitions.set(t.code, t.label);
    const departments = await store.listDepartments(db);
    const ownDepartment = departments.find((d) => d.id === departmentId);
    const heading = all ? 'Cases of every department.' : ownDepartment ? `Cases of ${ownDepartment.name}.` : 'You are not in a department yet, so there are no cases for you.';
    return renderPage(request, reply, {
      title: 'Staff workspace', wide: true, englishOnly: true,
      body: <QueuePage view={{
        filters, heading, lines, counts, searching, me: (await store.userNames(db, keyring, [person.userId])).get(person.userId) ?? '',
        nextHref: page.next ? queueHref(filters, page.next) : null,
        firstHref: formText(request.query, 'cursor') ? queueHref(filters) : null,
        services: [...services.values()].map((s) => ({ code: s.code, name: s.name })).sort((a, b) => a.name.localeCompare(b.name)),
        people: await store.caseWorkers(db, keyring, all ? 'all' : departmentId),
        departments, transitions: [...transitions].map(([code, label]) => ({ code, label })),
        liveUrl: `/staff/events?topic=${all ? 'staff:all' : `staff:department:${departmentId ?? 0}`}`,
        training: inTraining(request), csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(),
      }} />,
    });
  });

  const showCase = async (request: FastifyRequest, reply: FastifyReply, loaded: LoadedCase, extras: CaseExtras, status = 200) => {
    const view = await caseView(db, config, keyring, request, loaded, extras);
    return renderPage(request, reply, { title: `Case ${view.id}`, englishOnly: true, wide: true, status, body: <CasePage view={view} /> });
  };

  app.get('/staff/requests/:id', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    // An incident found in a queue or by its reference opens on its own page.
    if (loaded.row.kind === 'incident') return reply.redirect(`/staff/incidents/${loaded.row.id}`, 303);
    const done = formText(request.query, 'done') as keyof typeof doneMessages;
    return showCase(request, reply, loaded, { templateId: formText(request.query, 'template'), done: Object.hasOwn(doneMessages, done) ? doneMessages[done] : null });
  });

  app.post('/staff/requests/:id/actions', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    const body = request.body;
    const values = Object.fromEntries(['note_text', 'merge_reference', 'move_reason'].map((name) => [name, formText(body, name)]));
    const transition = formText(body, 'transition');
    if (/^[a-z0-9_]{1,64}$/.test(transition)) {
      values[`reason-${transition}`] = formText(body, 'reason');
      values[`public-note-${transition}`] = formText(body, 'public_note');
    }
    const again = (errors: FieldErrors, status: number) =>
      showCase(request, reply, loaded, { errors, values, publicText: formText(body, 'public_text'), templateId: formText(body, 'template_id') }, status);
    const parsed = parseAction(body, person.userId);
    if ('field' in parsed) return again({ [parsed.field]: parsed.message }, 400);
    const key = idempotencyKeyOf(request, body);
    if (!key) return again({ action: 'This form is out of date. Reload the page and try again.' }, 400);
    const action = formText(body, 'action') as ActionKind;
    // Closing, merging, and steps that need words first: a page of their own, acted on when confirmed.
    const step = await caseStepOf(loaded, parsed.input);
    const showStep = (errors: FieldErrors, status: number) => renderPage(request, reply, {
      title: `${step!.label}: case ${loaded.row.id}`, englishOnly: true, status,
      body: <StepPage step={step!} csrf={person.csrfToken} idempotencyKey={newIdempotencyKey()} errors={errors} training={inTraining(request)}
        values={{ reason: formText(body, 'reason'), publicNote: formText(body, 'public_note') }} />,
    });
    if (step && formText(body, 'confirmed') !== '1') return showStep({}, 200);
    try {
      await performCaseAction(db, engineContextOf(request, config, keyring), loaded.row.id, parsed.input, actorOf(request, await personDepartmentId(db, request)), key);
    } catch (error) {
      if (error instanceof DomainError && error.kind !== 'unauthenticated') {
        if (step) {
          const field = /reason/i.test(error.message) ? 'reason' : /note for the public/i.test(error.message) ? 'public_note' : 'action';
          return showStep({ [field]: error.message }, httpStatusOf[error.kind]);
        }
        return again({ [errorFieldOf(action, transition)]: error.message }, httpStatusOf[error.kind]);
      }
      throw error;
    }
    return reply.redirect(`/staff/requests/${loaded.row.id}?done=${action}`, 303);
  });

  // The staff-only questions' answers (cases/staff-answers.ts): one action per changed answer.
  app.post('/staff/requests/:id/staff-answers', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    const service = loaded.service;
    if (!service || staffAttributes(service).length === 0) throw notFound(`Case ${loaded.row.id}'s service asks no staff questions.`);
    const { given, typed, errors } = readStaffAnswers(service, request.body, config.jurisdiction.timeZone);
    const again = (found: FieldErrors, status: number) => showCase(request, reply, loaded, { errors: found, staffTyped: typed }, status);
    const key = idempotencyKeyOf(request, request.body);
    if (!key) return again({ 'staff-questions-heading': 'This form is out of date. Reload the page and try again.' }, 400);
    if (Object.keys(errors).length > 0) return again(errors, 400);
    try {
      await setStaffAnswers(db, engineContextOf(request, config, keyring), loaded.row.id, service, given, actorOf(request, await personDepartmentId(db, request)), key);
    } catch (error) {
      if (error instanceof DomainError && error.kind !== 'unauthenticated') return again({ 'staff-questions-heading': error.message }, httpStatusOf[error.kind]);
      throw error;
    }
    return reply.redirect(`/staff/requests/${loaded.row.id}?done=staff_answers#staff-questions`, 303);
  });

  // Undo of the person's own last change (cases/undo.ts says when that is allowed).
  app.post('/staff/requests/:id/undo', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    const actionId = parseId(formText(request.body, 'action_id'));
    const key = idempotencyKeyOf(request, request.body);
    const refuse = (message: string, status: number) => showCase(request, reply, loaded, { errors: { undo: message } }, status);
    if (actionId === null) return refuse('Choose the change to undo.', 400);
    if (!key) return refuse('This form is out of date. Reload the page and try again.', 400);
    try {
      await undoCaseAction(db, engineContextOf(request, config, keyring), loaded.row.id, actionId, actorOf(request, await personDepartmentId(db, request)), key);
    } catch (error) {
      if (error instanceof DomainError && error.kind !== 'unauthenticated') return refuse(error.message, httpStatusOf[error.kind]);
      throw error;
    }
    return reply.redirect(`/staff/requests/${loaded.row.id}?done=undo`, 303);
  });

  /** The confirmation or completion step an action needs (see confirm.tsx), or null. */
  async function caseStepOf(loaded: LoadedCase, input: CaseActionInput): Promise<CaseStep | null> {
    const definition = (await store.workflowVersions(db, [loaded.row.workflow_version_id])).get(loaded.row.workflow_version_id ?? -1)?.definition;
    let target: { service: string; address: string | null } | undefined;
    if (input.kind === 'merge' && Number.isSafeInteger(input.intoCaseId)) {
      const other = await findCaseRow(db, loaded.row.jurisdiction_id, input.intoCaseId);
      if (other) target = { service: (await servicesByCode(db, config)).get(other.service_code)?.name ?? other.service_code, address: other.address_string };
    }
    return stepFor(definition, loaded.row.id, loaded.row.state, input, target);
  }

  // The case's point for the case page's small map (staff only: it may be a case residents cannot see yet).
  app.get('/staff/requests/:id/location.geojson', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const { row, service } = await loadCase(db, config, request, (request.params as { id: string }).id);
    const features = row.lat === null || row.long === null ? [] : [{
      type: 'Feature', geometry: { type: 'Point', coordinates: [row.long, row.lat] },
      properties: { id: String(row.id), title: `#${row.id} ${service?.name ?? row.service_code}`, status: row.status, url: `/staff/requests/${row.id}` },
    }];
    return reply.header('content-type', 'application/geo+json').header('cache-control', 'private, no-store').send({ type: 'FeatureCollection', features });
  });

  app.get('/staff/requests/:id/contact', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const { row, department } = await loadCase(db, config, request, (request.params as { id: string }).id);
    const id = String(row.id);
    if (!may(person, { action: 'case.view_contact', record: { department } })) {
      await db.transaction().execute((trx) => appendAudit(trx, {
        actor: `user:${person.userId}`, action: 'access.denied', entityType: 'service_request', entityId: id, after: { reason: 'contact details' },
      }));
      throw forbidden('Only the department working this case can see the reporter\'s contact details.');
    }
    const contact = await contactForCase(db, keyring, row.id);
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: `user:${person.userId}`, action: 'personal_data.viewed', entityType: 'service_request', entityId: id, after: { fields: 'reporter contact' },
    }));
    return renderPage(request, reply, { title: `Reporter of case ${id}`, englishOnly: true, body: <ContactPage caseId={row.id} contact={contact} /> });
  });

  await attachmentRoutes(app, { db, config, keyring, showCase });
  bulkRoutes(app, { db, config, keyring });
  profileRoutes(app, { db, config, keyring });
}

/** Where an engine refusal is shown: next to the field or form it is about. */
function errorFieldOf(action: ActionKind, transition: string): string {
  switch (action) {
    case 'public_update': return 'public_text';
    case 'note': return 'note_text';
    case 'merge': return 'merge_reference';
    case 'move_department': return 'department';
    case 'assign': return 'assignee';
    case 'set_priority': return 'priority';
    case 'transition': return /^[a-z0-9_]{1,64}$/.test(transition) ? `transition-${transition}` : 'actions-heading';
    case 'suspend_clock': case 'resume_clock': case 'extend_clock': return `${action}-clock`;
    default: return `form-${action}`;
  }
}

function queueFiltersOf(query: unknown, allDepartments: boolean): QueueFilters {
  const pick = <T extends string>(value: string, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? value as T : fallback);
  const priority = formText(query, 'priority');
  return {
    queue: pick(formText(query, 'queue'), store.queueKinds, allDepartments ? 'all' : 'mine'),
    service: formText(query, 'service').slice(0, 100),
    status: pick(formText(query, 'status'), ['open', 'closed'] as const, 'open'),
    priority: priorities.includes(priority as Priority) ? priority as Priority : '',
    sort: pick(formText(query, 'sort'), store.queueSorts, 'due'),
    q: formText(query, 'q').trim().slice(0, 200),
  };
}
