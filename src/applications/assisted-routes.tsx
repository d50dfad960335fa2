/**
 * Assisted digital: an officer starts an application for a resident at the counter or on the
 * phone (/staff/applications/new: the service, the channel, the resident's details and
 * language), then fills the same pages as the resident would and sends it. The draft is the
 * officer's to work on (routes.tsx, draftFor); the case records the channel and the officer, and
 * the resident gets the confirmation email in their language. Starting one is audited.
 */
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { signedIn } from '../identity/access.js';
import { languageByCode, languages } from '../i18n/languages.js';
import type { Keyring } from '../platform/crypto.js';
import { csrfToken } from '../web/csrf.js';
import { Choices, ErrorSummary, Field, formText, PostForm, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { shownPages } from './answers.js';
import { listApplicationServices, startDraft, type ApplicationForm } from './applications.js';
import * as store from './store.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[+0-9 ().-]{6,30}$/;
/** The staff who take applications for residents: those who work cases (not analysts or emergency officers). */
export const assistingRoles = ['case_worker', 'supervisor', 'department_admin', 'system_admin'] as const;

interface Typed { service?: string; channel?: string; language?: string; name?: string; email?: string; phone?: string }

export async function assistedRoutes(app: FastifyInstance, { db, config, keyring }: { db: DB; config: Config; keyring: Keyring }): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const route = { config: { access: signedIn(assistingRoles) }, schema: { hide: true } };

  const page = async (request: Parameters<typeof renderPage>[0], reply: Parameters<typeof renderPage>[1], typed: Typed, errors: FieldErrors) => {
    const forms = await listApplicationServices(db, jurisdictionId);
    const drafts = await store.assistedDraftsOf(db, jurisdictionId, request.person!.userId);
    return renderPage(request, reply, {
      title: 'Apply for a resident', englishOnly: true, status: Object.keys(errors).length > 0 ? 400 : 200,
      body: <AssistedPage forms={forms} drafts={drafts} typed={typed} errors={errors} csrf={csrfToken(request, reply, app.site.secure)} />,
    });
  };

  app.get('/staff/applications/new', route, async (request, reply) => page(request, reply, { channel: 'counter', language: 'en' }, {}));

  app.post('/staff/applications/new', route, async (request, reply) => {
    const body = request.body;
    const typed: Typed = Object.fromEntries((['service', 'channel', 'language', 'name', 'email', 'phone'] as const).map((k) => [k, formText(body, k).trim()]));
    const forms = await listApplicationServices(db, jurisdictionId);
    const form = forms.find((f) => f.serviceCode === typed.service);
    const errors: FieldErrors = {};
    if (!form) errors.service = 'Choose the service the resident is applying for';
    if (typed.channel !== 'counter' && typed.channel !== 'phone') errors.channel = 'Choose how the resident came to you: at the counter or on the phone';
    if (!languageByCode(typed.language)) errors.language = 'Choose the language the resident reads';
    if (!typed.name) errors.name = 'Enter the resident’s full name';
    else if (typed.name.length > 200) errors.name = 'The name must be 200 characters or fewer';
    if (!typed.email || !EMAIL.test(typed.email) || typed.email.length > 254) errors.email = 'Enter the resident’s email address in the right form, like name@example.com: the confirmation goes there';
    if (typed.phone && !PHONE.test(typed.phone)) errors.phone = 'Enter a phone number, like 01632 960 001';
    if (Object.keys(errors).length > 0) return page(request, reply, typed, errors);
    const officer = request.person!.userId;
    const chosen = form!;
    const channel = typed.channel as 'counter' | 'phone';
    const id = await startDraft(db, keyring, jurisdictionId, chosen, null, typed.language!, {
      assisted: { channel, officer },
      contact: { name: typed.name!, email: typed.email!, ...(typed.phone ? { phone: typed.phone } : {}) },
    });
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: `user:${officer}`, action: 'application_draft.assisted_started', entityType: 'application_draft', entityId: id, after: { service: chosen.serviceCode, channel },
    }));
    return reply.redirect(`/apply/d/${id}/page/${shownPages(chosen.definition, {})[0]!.id}`, 303);
  });
}

function AssistedPage({ forms, drafts, typed, errors, csrf }: {
  forms: ApplicationForm[]; drafts: Awaited<ReturnType<typeof store.assistedDraftsOf>>; typed: Typed; errors: FieldErrors; csrf: string;
}) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>Apply for a resident</h1>
      <p>Start an application for a resident who comes to the counter or phones. You then fill in the same pages they would, and send it. The case records how it came and that you made it; the resident gets the confirmation by email.</p>
      {drafts.length > 0 && (
        <>
          <h2>Applications you started and have not sent</h2>
          <ul class="list">{drafts.map((d) => (
            <li key={d.id}><a href={`/apply/d/${d.id}/check`}>{(JSON.parse(d.definition) as { title: string }).title}</a> ({d.channel}, last changed {d.updated_at.slice(0, 16).replace('T', ' ')} UTC)</li>
          ))}</ul>
        </>
      )}
      <h2>A new application</h2>
      {forms.length === 0 ? <p>No service takes applications yet.</p> : (
        <PostForm action="/staff/applications/new" csrf={csrf}>
          <Choices name="service" legend="Service" error={errors.service} options={forms.map((f) => ({ value: f.serviceCode, label: f.definition.title }))} chosen={typed.service ? [typed.service] : []} />
          <Choices name="channel" legend="How did the resident come to you?" error={errors.channel}
            options={[{ value: 'counter', label: 'At the counter' }, { value: 'phone', label: 'On the phone' }]} chosen={typed.channel ? [typed.channel] : []} />
          <Choices name="language" legend="The language the resident reads" hint="Their emails are written in it." error={errors.language}
            options={languages.map((l) => ({ value: l.code, label: l.name }))} chosen={typed.language ? [typed.language] : []} />
          <Field name="name" label="The resident’s full name" value={typed.name} error={errors.name} autocomplete="off" />
          <Field name="email" label="The resident’s email address" type="email" value={typed.email} error={errors.email} autocomplete="off" hint="The confirmation and any news about the application go there." />
          <Field name="phone" label="The resident’s phone number (optional)" value={typed.phone} error={errors.phone} autocomplete="off" />
          <button type="submit">Start the application</button>
        </PostForm>
      )}
    </>
  );
}
