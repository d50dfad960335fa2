/**
 * The staff side of an application, beside its case page: the decision form (approve with
 * conditions or refuse with reasons, by a role allowed to decide), asking the applicant for more
 * information, writing to them, and opening their documents. Every route loads the case as the
 * case page does (another department's case is refused, and the refusal audited).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { signedIn } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, forbidden, httpStatusOf, notFound } from '../platform/errors.js';
import { formatDateForPeople, nowIso } from '../platform/time.js';
import { actorOf, engineContextOf, idempotencyKeyOf } from '../staff/actions.js';
import { caseWorkingRoles, loadCase, newIdempotencyKey, personDepartmentId, staffAccess, type LoadedCase } from '../staff/case-data.js';
import { ErrorSummary, formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { openAnswers } from './sealed.js';
import type { FormDefinition } from './definition.js';
import { readDocument } from './documents.js';
import { RequestInformationForm, ApplicantMessageForm } from './staff-panel.js';
import { appealEndsOn, changeableItems, checkDecision, decideApplication, decisionDefaults, messageApplicant, requestInformation, type Decision } from './review.js';
import type { DocumentStorage } from './storage.js';
import * as store from './store.js';
import { deciders } from './workflow.js';

const decidingRoles = [...deciders, 'system_admin' as const];
const workingRoles = [...caseWorkingRoles];

/** Which field of the decision form a problem is about, for the error summary's link. */
function decisionField(problem: string, outcome: string): string {
  if (/approve or refuse/.test(problem)) return 'outcome';
  if (/4,000/.test(problem)) return outcome === 'refuse' ? 'reasons' : 'conditions';
  if (/reasons/.test(problem)) return 'reasons';
  if (/end on or after/.test(problem)) return 'valid_until';
  return 'valid_from';
}

interface DecisionValues { outcome: string; conditions: string; reasons: string; validFrom: string; validUntil: string }

export async function staffApplicationRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps, storage: DocumentStorage): Promise<void> {
  const timeZone = config.jurisdiction.timeZone;
  const hidden = { schema: { hide: true } };

  /** The case, when this person may see it and it is an application. */
  const loadApplication = async (request: FastifyRequest) => {
    const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
    const application = await store.findApplication(db, loaded.row.jurisdiction_id, loaded.row.id);
    if (!application) throw notFound(`Case ${loaded.row.id} is not an application.`);
    return { loaded, application, definition: JSON.parse(application.definition) as FormDefinition };
  };
  type Loaded = Awaited<ReturnType<typeof loadApplication>>;

  const actor = async (request: FastifyRequest) => actorOf(request, await personDepartmentId(db, request));
  const back = (loaded: LoadedCase) => <p><a href={`/staff/requests/${loaded.row.id}`}>Back to case #{loaded.row.id}</a></p>;

  // ---- the decision ----
  const showDecision = (request: FastifyRequest, reply: FastifyReply, { loaded, application, definition }: Loaded, values: DecisionValues, errors: FieldErrors, status = 200) => {
    const title = `Decide application ${loaded.row.id}`;
    const error = (name: string) => errors[name] && <span class="error-message" id={`${name}-error`}>Error: {errors[name]}</span>;
    const textArea = (name: 'conditions' | 'reasons', label: string, hint: string) => (
      <div class={errors[name] ? 'field-error' : undefined}>
        <label for={name}>{label}</label>
        <span class="hint" id={`${name}-hint`}>{hint}</span>
        {error(name)}
        <textarea id={name} name={name} rows={4} aria-describedby={errors[name] ? `${name}-hint ${name}-error` : `${name}-hint`} aria-invalid={errors[name] ? 'true' : undefined}>{values[name]}</textarea>
      </div>
    );
    const dateField = (name: 'valid_from' | 'valid_until', label: string, value: string) => (
      <div class={errors[name] ? 'field-error' : undefined}>
        <label for={name}>{label}</label>
        <span class="hint" id={`${name}-hint`}>For example 2027-04-01</span>
        {error(name)}
        <input id={name} name={name} type="text" inputmode="numeric" value={value} class="input-date" spellcheck={false}
          aria-describedby={errors[name] ? `${name}-hint ${name}-error` : `${name}-hint`} aria-invalid={errors[name] ? 'true' : undefined} />
      </div>
    );
    const decidedToday = nowIso();
    return renderPage(request, reply, {
      title, englishOnly: true, status,
      body: (
        <>
          {back(loaded)}
          <ErrorSummary errors={errors} />
          <span class="caption">{definition.title} (form version {application.version})</span>
          <h1>{title}</h1>
          <p>The applicant is told by email and on their application's page. An approval issues the licence at once: signed, emailed to the holder and checkable on /verify.</p>
          {definition.appealDays
            ? <p>This service has an appeal or objection period of {definition.appealDays} days: decided today, it runs until {formatDateForPeople(`${appealEndsOn(decidedToday, definition.appealDays, timeZone)}T12:00:00Z`, 'UTC')}. The applicant is told the date.</p>
            : <p class="hint">This service sets no appeal or objection period.</p>}
          <form method="post" action={`/staff/applications/${loaded.row.id}/decision`} novalidate>
            <input type="hidden" name="_csrf" value={request.person!.csrfToken} />
            <input type="hidden" name="idempotency_key" value={newIdempotencyKey()} />
            <div class={errors.outcome ? 'field-error' : undefined}>
              <fieldset class="choices" aria-describedby={errors.outcome ? 'outcome-error' : undefined}>
                <legend>Decision</legend>
                {error('outcome')}
                <div class="choice"><input type="radio" id="outcome" name="outcome" value="approve" checked={values.outcome === 'approve'} /><label for="outcome">Approve</label></div>
                <div class="choice"><input type="radio" id="outcome-2" name="outcome" value="refuse" checked={values.outcome === 'refuse'} /><label for="outcome-2">Refuse</label></div>
              </fieldset>
            </div>
            <h2>If you approve</h2>
            {textArea('conditions', 'Conditions (optional)', 'One condition per line. They are printed on the licence.')}
            {dateField('valid_from', 'Valid from', values.validFrom)}
            {dateField('valid_until', 'Valid until (the last day)', values.validUntil)}
            <h2>If you refuse</h2>
            {textArea('reasons', 'Reasons for refusing', 'Needed to refuse. The applicant reads them.')}
            <button type="submit" id="decide">Record the decision</button>
          </form>
        </>
      ),
    });
  };

  // Open to all staff at the door, so a reference that names no application is a 404 for everyone; only those who may decide see the form.
  app.get('/staff/applications/:id/decision', { config: staffAccess, ...hidden }, async (request, reply) => {
    const found = await loadApplication(request);
    if (!(decidingRoles as string[]).includes(request.person!.role)) throw forbidden('Only a supervisor or a department administrator can decide an application.');
    const decided = await store.decisionOf(db, found.loaded.row.id);
    if (decided?.decision) {
      return renderPage(request, reply, {
        title: `Application ${found.loaded.row.id} is decided`, englishOnly: true,
        body: <>{back(found.loaded)}<h1>Application {found.loaded.row.id} is decided</h1><p>It was {decided.decision}{decided.decided_at ? ` on ${formatDateForPeople(decided.decided_at, timeZone)}` : ''}. A decision is recorded once; the case page shows it, and any licence it issued.</p></>,
      });
    }
    const defaults = decisionDefaults(found.definition, nowIso(), timeZone);
    const outcome = formText(request.query, 'outcome');
    return showDecision(request, reply, found, { outcome: outcome === 'approve' || outcome === 'refuse' ? outcome : '', conditions: '', reasons: '', validFrom: defaults.validFrom, validUntil: defaults.validUntil }, {});
  });

  app.post('/staff/applications/:id/decision', { config: { access: signedIn(decidingRoles) }, ...hidden }, async (request, reply) => {
    const found = await loadApplication(request);
    const body = request.body;
    const outcome = formText(body, 'outcome');
    // `text` is what the form sent before it had a field for each outcome; scripts may still send it.
    const text = formText(body, 'text');
    const values: DecisionValues = {
      outcome, conditions: formText(body, 'conditions') || (outcome === 'approve' ? text : ''), reasons: formText(body, 'reasons') || (outcome === 'refuse' ? text : ''),
      validFrom: formText(body, 'valid_from').trim(), validUntil: formText(body, 'valid_until').trim(),
    };
    const decision: Decision = {
      outcome: outcome as Decision['outcome'], text: outcome === 'refuse' ? values.reasons : values.conditions, validFrom: values.validFrom, validUntil: values.validUntil,
    };
    const problems = checkDecision(decision);
    if (problems.length > 0) return showDecision(request, reply, found, values, Object.fromEntries(problems.map((p) => [decisionField(p, outcome), p])), 400);
    const key = idempotencyKeyOf(request, body);
    if (!key) return showDecision(request, reply, found, values, { outcome: 'This form is out of date. Reload the page and decide again.' }, 400);
    try {
      await decideApplication(db, engineContextOf(request, config, keyring), found.loaded.row.id, decision, await actor(request), key);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'conflict')) {
        return showDecision(request, reply, found, values, { [error.kind === 'invalid' ? decisionField(error.message, outcome) : 'outcome']: error.message }, httpStatusOf[error.kind]);
      }
      throw error;
    }
    return reply.redirect(`/staff/requests/${found.loaded.row.id}?done=decision`, 303);
  });

  // ---- more information, and messages ----
  const itemsOf = async ({ application, definition }: Loaded) =>
    changeableItems(definition, openAnswers(keyring, application.answers), await store.documentsOfDraft(db, application.draft_id));
  const showRequest = async (request: FastifyRequest, reply: FastifyReply, found: Loaded, values: { items: string[]; message: string }, errors: FieldErrors, status = 200) => {
    const title = `Ask for more information: application ${found.loaded.row.id}`;
    return renderPage(request, reply, {
      title, englishOnly: true, status,
      body: (
        <>
          {back(found.loaded)}
          <ErrorSummary errors={errors} />
          <span class="caption">{found.definition.title}</span>
          <h1>{title}</h1>
          <RequestInformationForm view={{ caseId: found.loaded.row.id, changeable: await itemsOf(found) }} csrf={request.person!.csrfToken} idempotencyKey={newIdempotencyKey()} errors={errors} values={values} />
        </>
      ),
    });
  };
  const chosenItems = (body: unknown): string[] => {
    const raw = (body as Record<string, unknown> | undefined)?.items;
    return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string').slice(0, 200);
  };

  app.get('/staff/applications/:id/request-information', { config: { access: signedIn(workingRoles) }, ...hidden }, async (request, reply) =>
    showRequest(request, reply, await loadApplication(request), { items: [], message: '' }, {}));

  app.post('/staff/applications/:id/request-information', { config: { access: signedIn(workingRoles) }, ...hidden }, async (request, reply) => {
    const found = await loadApplication(request);
    const values = { items: chosenItems(request.body), message: formText(request.body, 'message') };
    const key = idempotencyKeyOf(request, request.body);
    if (!key) return showRequest(request, reply, found, values, { info_message: 'This form is out of date. Reload the page and try again.' }, 400);
    try {
      await requestInformation(db, engineContextOf(request, config, keyring), found.loaded.row.id, values, await actor(request), key);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'conflict')) {
        const errors: FieldErrors = {};
        for (const problem of error.problems) {
          const [, field, text] = /^(message|items): (.*)$/s.exec(problem) ?? [null, 'message', problem];
          errors[field === 'items' ? 'info_items' : 'info_message'] = text!;
        }
        return showRequest(request, reply, found, values, errors, httpStatusOf[error.kind]);
      }
      throw error;
    }
    return reply.redirect(`/staff/requests/${found.loaded.row.id}?done=information`, 303);
  });

  app.post('/staff/applications/:id/message', { config: { access: signedIn(workingRoles) }, ...hidden }, async (request, reply) => {
    const found = await loadApplication(request);
    const message = formText(request.body, 'message');
    const again = (error: string, status: number) => renderPage(request, reply, {
      title: `Write to the applicant: application ${found.loaded.row.id}`, englishOnly: true, status,
      body: (
        <>
          {back(found.loaded)}
          <ErrorSummary errors={{ applicant_message: error }} />
          <h1>Write to the applicant: application {found.loaded.row.id}</h1>
          <ApplicantMessageForm caseId={found.loaded.row.id} csrf={request.person!.csrfToken} idempotencyKey={newIdempotencyKey()} error={error} message={message} />
        </>
      ),
    });
    const key = idempotencyKeyOf(request, request.body);
    if (!key) return again('This form is out of date. Reload the page and try again.', 400);
    try {
      await messageApplicant(db, engineContextOf(request, config, keyring), found.loaded.row.id, message, await actor(request), key);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'conflict')) return again(error.message, httpStatusOf[error.kind]);
      throw error;
    }
    return reply.redirect(`/staff/requests/${found.loaded.row.id}?done=message`, 303);
  });

  // ---- documents: the applicant's route stays theirs; this one is for staff who may see the case ----
  app.get('/staff/applications/:id/documents/:document', { config: staffAccess, ...hidden }, async (request, reply) => {
    const { loaded } = await loadApplication(request);
    const document = await readDocument(db, storage, loaded.row.jurisdiction_id, (request.params as { document: string }).document);
    if (!document || document.caseId !== loaded.row.id) throw notFound(`Application ${loaded.row.id} has no such document.`);
    const person = request.person!;
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: `user:${person.userId}`, action: 'personal_data.viewed', entityType: 'service_request', entityId: String(loaded.row.id), after: { fields: 'application document', filename: document.filename },
    }));
    return reply.header('content-type', document.contentType).header('content-disposition', `attachment; filename="${document.filename}"`)
      .header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(document.bytes);
  });
}
