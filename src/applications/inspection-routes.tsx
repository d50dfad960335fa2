/**
 * Consultations and inspections in the staff workspace: asking another department and its reply
 * (/staff/consultations), booking, moving and cancelling an inspection, and recording its result
 * with photos (/staff/inspections/:id, made for a phone). Every route is for signed-in staff; the
 * record-level rules (whose application, which department was asked, who inspects) are the
 * domain's (consultations.ts, inspections.ts) and loadCase's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../identity/access.js';
import { staffRoles } from '../identity/policy.js';
import { languages, translator } from '../i18n/i18n.js';
import { acceptUploads } from '../media/uploads.js';
import { MAX_PHOTO_BYTES, photoProblems } from '../media/photos.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, forbidden, invalid, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { formatForPeople } from '../platform/time.js';
import { actorOf, engineContextOf, idempotencyKeyOf } from '../staff/actions.js';
import { caseWorkingRoles, loadCase, newIdempotencyKey } from '../staff/case-data.js';
import { departmentIdOf } from '../staff/store.js';
import { formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { shownPages } from './answers.js';
import { openAnswers } from './sealed.js';
import { askConsultation, consultationFor, consultationsWaiting, replyToConsultation, todayIn } from './consultations.js';
import type { FormDefinition } from './definition.js';
import { AskConsultationForm, BookInspectionForm, ConsultationPage, ConsultationsPage, FormAgainPage, InspectionPage, answerLines } from './inspection-views.js';
import { addInspectionPhoto, bookInspection, cancelInspection, changeInspection, inspectionWithChecklist, inspectionsOfCase, recordInspectionResult, SlotProblems, type InvitationSender } from './inspections.js';
import * as applicationStore from './store.js';
import { applicationWorkView } from './work-panel.js';
import { applicationWorkflow } from './workflow.js';

const workers = signedIn(caseWorkingRoles);
const readers = signedIn(staffRoles);
const route = (access: ReturnType<typeof signedIn>) => ({ config: { access }, schema: { hide: true } });

/** "Council <noreply@council.example>" or "noreply@council.example": who the invitation comes from. */
export function organizerOf(from: string | null, council: string, publicUrl: string): { name: string; email: string } {
  const address = from ? /<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? (/^[^\s<>]+@[^\s<>]+$/.test(from.trim()) ? from.trim() : null) : null;
  return { name: council, email: address ?? `noreply@${new URL(publicUrl).hostname || 'townhall.invalid'}` };
}

export async function inspectionRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const timeZone = config.jurisdiction.timeZone;
  const sender = (): InvitationSender => ({ organizer: organizerOf(config.mail.from, config.jurisdiction.name, config.publicUrl), publicUrl: config.publicUrl, council: config.jurisdiction.name });
  const when = (iso: string) => formatForPeople(iso, timeZone);
  const ownDepartment = (request: FastifyRequest) => departmentIdOf(db, request.person!.department ?? null);
  const actorFor = async (request: FastifyRequest) => actorOf(request, await ownDepartment(request));
  const caseIdOf = (request: FastifyRequest) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound('There is no application with that reference.');
    return id;
  };
  const keyOf = (request: FastifyRequest) => {
    const key = idempotencyKeyOf(request, request.body);
    if (!key) throw invalid('This form has no key: reload the page and send it again.');
    return key;
  };
  const values = (body: unknown, names: string[]) => Object.fromEntries(names.map((n) => [n, formText(body, n)]));
  const page = (request: FastifyRequest, reply: FastifyReply, title: string, body: preact.JSX.Element, status = 200) => renderPage(request, reply, { title, englishOnly: true, status, body });

  // ==== consultations ====
  app.post('/staff/applications/:id/consultations', route(workers), async (request, reply) => {
    const loaded = await loadCase(db, config, request, String(caseIdOf(request)));
    const caseId = loaded.row.id;
    const body = request.body;
    const typed = values(body, ['department', 'question', 'due_on']);
    const departmentId = parseId(typed.department);
    const actor = await actorFor(request);
    try {
      await askConsultation(db, engineContextOf(request, config, keyring), caseId, { departmentId, question: typed.question!, dueOn: typed.due_on!.trim() }, actor, keyOf(request));
    } catch (error) {
      const fields = (error as { fields?: Record<string, string> }).fields;
      if (!(error instanceof DomainError) || error.kind !== 'invalid' || !fields) throw error;
      const view = await applicationWorkView(db, keyring, { jurisdictionId: loaded.row.jurisdiction_id, caseId, departmentId: loaded.departmentId, open: loaded.row.status === 'open' },
        { actor, csrf: request.person!.csrfToken, idempotencyKey: newIdempotencyKey(), timeZone }, { errors: fields, values: typed });
      return page(request, reply, 'Ask another department', <FormAgainPage title="Ask another department" caseId={caseId} errors={fields}><AskConsultationForm view={view} /></FormAgainPage>, 400);
    }
    return reply.redirect(`/staff/requests/${caseId}#application-work`, 303);
  });

  app.get('/staff/consultations', route(readers), async (request, reply) => {
    const person = request.person!;
    const all = person.role === 'system_admin';
    const departmentId = all ? null : await ownDepartment(request);
    const lines = all || departmentId !== null ? await consultationsWaiting(db, config.jurisdiction.id, departmentId, timeZone) : [];
    const department = all ? 'every department' : departmentId === null ? 'your department' : (await db.selectFrom('departments').select('name').where('id', '=', departmentId).executeTakeFirst())?.name ?? 'your department';
    return page(request, reply, 'Consultations', <ConsultationsPage lines={lines} department={department} />);
  });

  const showConsultation = async (request: FastifyRequest, reply: FastifyReply, id: number, errors: Record<string, string>, typed: string) => {
    const reader = { role: request.person!.role, departmentId: await ownDepartment(request) };
    const consultation = await consultationFor(db, config.jurisdiction.id, id, reader, timeZone);
    const application = await applicationStore.findApplication(db, config.jurisdiction.id, consultation.caseId);
    if (!application) throw notFound(`There is no consultation ${id}.`);
    const definition = JSON.parse(application.definition) as FormDefinition;
    const answers = openAnswers(keyring, application.answers);
    const pages = shownPages(definition, answers).map((p) => ({ title: p.title, fields: p.fields ?? [], ...(p.group ? { group: p.group } : {}) }));
    const state = applicationWorkflow.states.find((s) => s.code === application.state)?.label ?? application.state;
    return page(request, reply, `Consultation on application ${consultation.caseId}`, (
      <ConsultationPage consultation={{ ...consultation, repliedAt: consultation.repliedAt ? when(consultation.repliedAt) : null }} serviceName={definition.title} state={state}
        answers={answerLines(pages, answers, translator(languages[0]!).t)} csrf={request.person!.csrfToken} errors={errors} typed={typed} />
    ), Object.keys(errors).length > 0 ? 400 : 200);
  };

  app.get('/staff/consultations/:id', route(readers), async (request, reply) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound('There is no consultation at this address.');
    return showConsultation(request, reply, id, {}, '');
  });

  app.post('/staff/consultations/:id/reply', route(workers), async (request, reply) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound('There is no consultation at this address.');
    const text = formText(request.body, 'reply');
    try {
      await replyToConsultation(db, config.jurisdiction.id, id, text, await actorFor(request), timeZone);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return showConsultation(request, reply, id, { reply: error.message }, text);
      throw error;
    }
    return reply.redirect(`/staff/consultations/${id}`, 303);
  });

  // ==== inspections ====
  app.post('/staff/applications/:id/inspections', route(workers), async (request, reply) => {
    const loaded = await loadCase(db, config, request, String(caseIdOf(request)));
    const caseId = loaded.row.id;
    const typed = values(request.body, ['date', 'time', 'duration', 'place', 'inspector']);
    const actor = await actorFor(request);
    try {
      await bookInspection(db, engineContextOf(request, config, keyring), sender(), caseId,
        { date: typed.date!.trim(), time: typed.time!.trim(), durationMinutes: typed.duration!.trim(), place: typed.place!, inspectorId: typed.inspector!.trim() }, actor, keyOf(request));
    } catch (error) {
      if (!(error instanceof SlotProblems)) throw error;
      const view = await applicationWorkView(db, keyring, { jurisdictionId: loaded.row.jurisdiction_id, caseId, departmentId: loaded.departmentId, open: loaded.row.status === 'open' },
        { actor, csrf: request.person!.csrfToken, idempotencyKey: newIdempotencyKey(), timeZone }, { errors: error.problems, values: typed });
      return page(request, reply, 'Book an inspection', <FormAgainPage title="Book an inspection" caseId={caseId} errors={error.problems}><BookInspectionForm view={view} /></FormAgainPage>, 400);
    }
    return reply.redirect(`/staff/requests/${caseId}#application-work`, 303);
  });

  /** The inspection, for staff of the application's department and for its inspector. */
  const inspectionOf = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string };
    const found = await inspectionWithChecklist(db, { jurisdictionId: config.jurisdiction.id }, id);
    const person = request.person!;
    if (found.inspection.inspector_user_id !== person.userId) await loadCase(db, config, request, String(found.inspection.case_id));
    return found;
  };

  const showInspection = async (request: FastifyRequest, reply: FastifyReply, extras: { errors?: Record<string, string>; values?: Record<string, string>; done?: string }, status = 200) => {
    const { inspection, checklist, serviceName } = await inspectionOf(request);
    const person = request.person!;
    const actor = await actorFor(request);
    const line = (await inspectionsOfCase(db, keyring, inspection.case_id)).find((i) => i.id === inspection.id)!;
    const caseRow = await applicationStore.findApplication(db, config.jurisdiction.id, inspection.case_id);
    const ownsCase = person.role === 'system_admin' || (caseWorkingRoles.includes(person.role) && actor.departmentId !== null && actor.departmentId === caseRow?.department_id);
    const canAct = ownsCase || (caseWorkingRoles.includes(person.role) && inspection.inspector_user_id === person.userId);
    const view = await applicationWorkView(db, keyring, { jurisdictionId: config.jurisdiction.id, caseId: inspection.case_id, departmentId: caseRow?.department_id ?? null, open: caseRow?.status === 'open' },
      { actor, csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(), timeZone });
    return page(request, reply, `Inspection for application ${inspection.case_id}`, (
      <InspectionPage view={{
        id: inspection.id, caseId: inspection.case_id, serviceName, when: when(inspection.starts_at), durationMinutes: inspection.duration_minutes, place: inspection.place, inspector: line.inspector,
        status: inspection.status, outcome: inspection.outcome, notes: inspection.notes, checklist, results: inspection.results ? JSON.parse(inspection.results) as Record<string, string> : {},
        photos: line.photoIds, canAct, csrf: person.csrfToken, idempotencyKey: newIdempotencyKey(), errors: extras.errors ?? {}, values: extras.values ?? {},
        inspectors: ownsCase ? view.inspectors : [], today: todayIn(timeZone), done: extras.done ?? null,
      }} />
    ), status);
  };

  const doneWords: Record<string, string> = { photo: 'The photo is added.', result: 'The result is recorded.', changed: 'The inspection is moved; the applicant is sent the changed invitation.', cancelled: 'The inspection is cancelled; the applicant is told.' };
  app.get('/staff/inspections/:id', route(readers), async (request, reply) => showInspection(request, reply, { done: doneWords[formText(request.query, 'done')] }));

  const itemsOf = (body: unknown) => Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>)
    .filter(([key, value]) => key.startsWith('item_') && typeof value === 'string').map(([key, value]) => [key.slice(5), value as string]));

  app.post('/staff/inspections/:id/result', route(workers), async (request, reply) => {
    const { id } = request.params as { id: string };
    await inspectionOf(request);
    const body = request.body;
    const result = { outcome: formText(body, 'outcome'), items: itemsOf(body), notes: formText(body, 'notes') };
    try {
      await recordInspectionResult(db, engineContextOf(request, config, keyring), id, result, await actorFor(request), keyOf(request));
    } catch (error) {
      if (!(error instanceof SlotProblems)) throw error;
      const typed = { outcome: result.outcome, notes: result.notes, ...Object.fromEntries(Object.entries(result.items).map(([k, v]) => [`item_${k}`, v])) };
      return showInspection(request, reply, { errors: error.problems, values: typed }, 400);
    }
    return reply.redirect(`/staff/inspections/${id}?done=result`, 303);
  });

  app.post('/staff/inspections/:id/change', route(workers), async (request, reply) => {
    const { id } = request.params as { id: string };
    const typed = values(request.body, ['change_date', 'change_time', 'change_duration', 'change_place', 'change_inspector']);
    try {
      await changeInspection(db, engineContextOf(request, config, keyring), sender(), id,
        { date: typed.change_date!.trim(), time: typed.change_time!.trim(), durationMinutes: typed.change_duration!.trim(), place: typed.change_place!, inspectorId: typed.change_inspector!.trim() }, await actorFor(request));
    } catch (error) {
      if (!(error instanceof SlotProblems)) throw error;
      const errors = Object.fromEntries(Object.entries(error.problems).map(([k, v]) => [`change_${k}`, v]));
      return showInspection(request, reply, { errors, values: typed }, 400);
    }
    return reply.redirect(`/staff/inspections/${id}?done=changed`, 303);
  });

  app.post('/staff/inspections/:id/cancel', route(workers), async (request, reply) => {
    const { id } = request.params as { id: string };
    const reason = formText(request.body, 'cancel_reason');
    try {
      await cancelInspection(db, engineContextOf(request, config, keyring), sender(), id, reason, await actorFor(request));
    } catch (error) {
      if (!(error instanceof SlotProblems)) throw error;
      return showInspection(request, reply, { errors: error.problems, values: { cancel_reason: reason } }, 400);
    }
    return reply.redirect(`/staff/inspections/${id}?done=cancelled`, 303);
  });

  // Only this scope reads multipart forms: one photo, up to the limit, never more in memory.
  await app.register(async (scope) => {
    const uploadOf = await acceptUploads(scope, { maxBytes: MAX_PHOTO_BYTES, fields: 3 }, {
      db, forms: { publicUrl: () => config.publicUrl, secure: app.site.secure },
      // Before the file is received: a role that only reads, or an inspection the person may not see.
      authorize: async (request) => {
        if (!caseWorkingRoles.includes(request.person!.role)) throw forbidden('Your role can read applications but not add to them.');
        await inspectionOf(request);
      },
    });
    scope.post('/staff/inspections/:id/photos', route(workers), async (request, reply) => {
      const { id } = request.params as { id: string };
      const upload = uploadOf(request);
      const refuse = (message: string) => showInspection(request, reply, { errors: { photo: message } }, 400);
      if (upload?.truncated) return refuse(photoProblems.tooBig);
      if (!upload || upload.bytes.length === 0) return refuse('Choose a photo to add.');
      try {
        await addInspectionPhoto(db, engineContextOf(request, config, keyring), id, upload, await actorFor(request));
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'invalid') return refuse(error.message);
        throw error;
      }
      return reply.redirect(`/staff/inspections/${id}?done=photo`, 303);
    });
  });
}
