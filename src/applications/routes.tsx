/**
 * The applicant's journey, without JavaScript: the list of application services, a service's
 * start page, the eligibility check, one page of questions at a time (with "add another" for
 * repeatable groups and uploads for documents), your details, check your answers, send, and
 * save-and-come-back-later. Every route is public: a draft is the applicant's by their account,
 * or (a guest) by the cookie this browser was given when it started or came back through the
 * emailed link; the check is in `draftFor`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../i18n/i18n.js';
import { publicAccess, signedIn } from '../identity/access.js';
import { accountOf } from '../identity/users.js';
import { acceptUploads } from '../media/uploads.js';
import { cookieName, readCookie, setCookie } from '../platform/cookies.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, forbidden, invalid, notFound } from '../platform/errors.js';
import { csrfToken } from '../web/csrf.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { fieldShown, firstIncompletePage, groupItems, readGroupItem, readPage, shownPages, type AnswerProblem } from './answers.js';
import {
  applicationsOfUser, applicationSummary, currentForm, draftsOfUser, emailResumeLink, feeFor, listApplicationServices, loadDraft, resumeWithToken, saveDraft, sendApplication, startDraft, type Draft,
} from './applications.js';
import { addressRoutes } from './address-routes.js';
import type { AddressSearch } from './addresses.js';
import { renewalRoutes } from './renewal-routes.js';
import { assistedRoutes } from './assisted-routes.js';
import { chosenPlace, placeKeyOf, placesStillChosen } from './addresses.js';
import { addDocument, documentsOf, readDocument, removeDocument } from './documents.js';
import { checkEligibility } from './eligibility.js';
import { localizeDefinition } from './localize.js';
import { DRAFT_COOKIE, paymentRoutes } from './payment-routes.js';
import { reviewRoutes } from './review-routes.js';
import { inspectionRoutes } from './inspection-routes.js';
import type { PaymentProvider } from './provider.js';
import { SandboxProvider, sandboxSecret } from './sandbox.js';
import { staffApplicationRoutes } from './staff-routes.js';
import { diskStorage, noScanner, type DocumentScanner, type DocumentStorage } from './storage.js';
import { AccountApplications, CheckPage, DetailsPage, EligibilityPage, EligibilityResult, GroupPage, QuestionPage, SavedPage, SentPage, ServiceList, StartPage, typedFrom, type Typed } from './views.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export interface ApplicationRouteOptions {
  storage?: DocumentStorage;
  scanner?: DocumentScanner;
  /** The payment provider (default: the built-in sandbox, with its card page). */
  payments?: PaymentProvider;
}

export async function applicationRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps, options: ApplicationRouteOptions = {}): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const secure = app.site.secure;
  const storage = options.storage ?? diskStorage(config.documentsDir);
  const scanner = options.scanner ?? noScanner;
  await paymentRoutes(app, { db, config, keyring }, options.payments ?? new SandboxProvider(db, () => config.publicUrl, sandboxSecret(keyring)));
  await reviewRoutes(app, { db, config, keyring });
  await staffApplicationRoutes(app, { db, config, keyring }, storage);
  await inspectionRoutes(app, { db, config, keyring });
  const route = { config: { access: publicAccess }, schema: { hide: true } };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, secure);
  const sender = () => ({ publicUrl: config.publicUrl, council: config.jurisdiction.name });
  const language = (request: FastifyRequest) => translate(request).language.code;
  const userOf = (request: FastifyRequest) => (request.person?.secondFactorDone ? request.person.userId : null);
  const words = (request: FastifyRequest, problems: AnswerProblem[]): FieldErrors =>
    Object.fromEntries(problems.map((p) => [p.field, translate(request).t(p.key, p.values)]));

  /** The draft, if this person may work on it: theirs by account, or a guest's opened in this browser. */
  async function draftFor(request: FastifyRequest, id: string): Promise<Draft> {
    const draft = await loadDraft(db, keyring, jurisdictionId, id);
    if (!draft) throw notFound('There is no application with that address. It may have been sent already, or the link is incomplete.');
    // An officer's draft for a resident (assisted digital) is that officer's alone.
    if (draft.assistedBy !== null) {
      if (userOf(request) !== draft.assistedBy) throw forbidden('This application is being made for a resident by a member of staff; only they can go on with it.');
      return draft;
    }
    const mine = draft.userId !== null ? userOf(request) === draft.userId : readCookie(request, cookieName(DRAFT_COOKIE, secure)) === draft.id;
    if (!mine) throw forbidden(draft.userId !== null ? 'Sign in with the account that started this application to go on with it.' : 'This application was started in another browser. Use the link we emailed you to come back to it.');
    return draft;
  }
  /** The draft's pages read in the applicant's language. */
  const localized = (request: FastifyRequest, draft: Draft) => localizeDefinition(draft.form.definition, language(request));
  const keepGuestDraft = (reply: FastifyReply, id: string) => setCookie(reply, cookieName(DRAFT_COOKIE, secure), id, { secure, path: '/apply' });
  const redirect = (reply: FastifyReply, to: string) => reply.redirect(to, 303);
  const sentAlready = (reply: FastifyReply, draft: Draft) => redirect(reply, `/apply/d/${draft.id}/sent`);

  /** Where the applicant goes after a page: back to the check when they came from it, else the next page still to show. */
  function nextAfter(draft: Draft, pageId: string | null, fromCheck: boolean): string {
    if (fromCheck) return `/apply/d/${draft.id}/check`;
    const pages = shownPages(draft.form.definition, draft.answers);
    const index = pageId === null ? -1 : pages.findIndex((p) => p.id === pageId);
    const next = pages[index + 1];
    if (next) return `/apply/d/${draft.id}/page/${next.id}`;
    return draft.contact ? `/apply/d/${draft.id}/check` : `/apply/d/${draft.id}/details`;
  }
  function previousOf(draft: Draft, pageId: string): string {
    const pages = shownPages(draft.form.definition, draft.answers);
    const index = pages.findIndex((p) => p.id === pageId);
    return index > 0 ? `/apply/d/${draft.id}/page/${pages[index - 1]!.id}` : `/apply/${encodeURIComponent(draft.form.serviceCode)}`;
  }

  app.get('/apply', route, async (request, reply) => {
    const forms = (await listApplicationServices(db, jurisdictionId)).map((f) => ({ ...f, definition: localizeDefinition(f.definition, language(request)) }));
    return renderPage(request, reply, { title: translate(request).t('applications.list.title'), body: <ServiceList forms={forms} />, cacheable: true });
  });

  app.get('/apply/:service', route, async (request, reply) => {
    const form = await currentForm(db, jurisdictionId, (request.params as { service: string }).service);
    const definition = localizeDefinition(form.definition, language(request));
    const userId = userOf(request);
    const drafts = userId === null ? [] : (await draftsOfUser(db, jurisdictionId, userId)).filter((d) => d.serviceCode === form.serviceCode);
    const fee = feeFor({ form: { ...form, definition }, answers: {} });
    return renderPage(request, reply, { title: definition.title, body: <StartPage serviceCode={form.serviceCode} definition={definition} fee={fee} drafts={drafts} /> });
  });

  app.get('/apply/:service/eligibility', route, async (request, reply) => {
    const form = await currentForm(db, jurisdictionId, (request.params as { service: string }).service);
    const definition = localizeDefinition(form.definition, language(request));
    if (definition.eligibility.length === 0) {
      return renderPage(request, reply, { title: definition.title, body: <EligibilityResult serviceCode={form.serviceCode} result={{ kind: 'needed' }} csrf={csrf(request, reply)} /> });
    }
    return renderPage(request, reply, { title: translate(request).t('applications.eligibility.title'), body: <EligibilityPage serviceCode={form.serviceCode} questions={definition.eligibility} chosen={{}} errors={{}} csrf={csrf(request, reply)} /> });
  });

  app.post('/apply/:service/eligibility', route, async (request, reply) => {
    const form = await currentForm(db, jurisdictionId, (request.params as { service: string }).service);
    const definition = localizeDefinition(form.definition, language(request));
    const chosen = Object.fromEntries(definition.eligibility.map((q) => [q.id, formText(request.body, `q_${q.id}`)]));
    const result = checkEligibility(definition, chosen);
    if (result.kind === 'unanswered') {
      const errors: FieldErrors = {};
      for (const q of definition.eligibility) if (!q.options.some((o) => o.value === chosen[q.id])) errors[`q_${q.id}`] = translate(request).t('applications.error.answerQuestion', { label: q.question });
      return renderPage(request, reply, { title: translate(request).t('applications.eligibility.title'), status: 400, body: <EligibilityPage serviceCode={form.serviceCode} questions={definition.eligibility} chosen={chosen} errors={errors} csrf={csrf(request, reply)} /> });
    }
    return renderPage(request, reply, { title: definition.title, body: <EligibilityResult serviceCode={form.serviceCode} result={result} csrf={csrf(request, reply)} /> });
  });

  app.post('/apply/:service/start', route, async (request, reply) => {
    const form = await currentForm(db, jurisdictionId, (request.params as { service: string }).service);
    const userId = userOf(request);
    const id = await startDraft(db, keyring, jurisdictionId, form, userId, language(request));
    if (userId === null) keepGuestDraft(reply, id);
    const first = shownPages(form.definition, {})[0]!;
    return redirect(reply, `/apply/d/${id}/page/${first.id}`);
  });

  const pageOf = (draft: Draft, request: FastifyRequest, pageId: string) => {
    const definition = localized(request, draft);
    const page = shownPages(definition, draft.answers).find((p) => p.id === pageId);
    if (!page) throw notFound('That question is not part of this application (an earlier answer may have skipped it). Go back to check your answers.');
    return { definition, page };
  };

  const showPage = async (request: FastifyRequest, reply: FastifyReply, draft: Draft, pageId: string, typed: Typed | null, errors: FieldErrors, address?: AddressSearch) => {
    const { definition, page } = pageOf(draft, request, pageId);
    const status = Object.keys(errors).length > 0 ? 400 : 200;
    const common = { draftId: draft.id, page, title: definition.title, errors, csrf: csrf(request, reply), back: previousOf(draft, page.id) };
    if (page.group) {
      return renderPage(request, reply, { title: page.title, status, body: <GroupPage {...common} items={groupItems(draft.answers, page.group.id)} typed={typed ?? {}} /> });
    }
    const fields = (page.fields ?? []).filter((f) => fieldShown(f, draft.answers));
    return renderPage(request, reply, {
      title: page.title, status,
      body: <QuestionPage {...common} page={{ ...page, fields }} typed={typed ?? typedFrom(draft.answers, fields)} fromCheck={formText(request.query, 'from') === 'check'}
        documents={await documentsOf(db, draft.id)} uploadsAllowed address={address}
        chosen={Object.fromEntries(fields.map((f) => [f.id, chosenPlace(draft.answers, f.id)?.label ?? null]))} map={{ ...app.site.map, bounds: config.jurisdiction.bounds }} />,
    });
  };

  app.get('/apply/d/:draft/page/:page', route, async (request, reply) => {
    const { draft: id, page } = request.params as { draft: string; page: string };
    const draft = await draftFor(request, id);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    return showPage(request, reply, draft, page, null, {});
  });

  app.post('/apply/d/:draft/page/:page', route, async (request, reply) => {
    const { draft: id, page: pageId } = request.params as { draft: string; page: string };
    const draft = await draftFor(request, id);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    const { page } = pageOf(draft, request, pageId);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fromCheck = formText(body, 'from') === 'check';
    if (page.group) {
      const group = page.group;
      const items = groupItems(draft.answers, group.id);
      if (formText(body, 'remove') !== '') {
        const index = Number(formText(body, 'remove'));
        if (!Number.isInteger(index) || index < 0 || index >= items.length) throw invalid('That item is not in the list any more. Go back and reload the page.');
        await saveDraft(db, keyring, { ...draft, answers: { ...draft.answers, [group.id]: items.filter((_, n) => n !== index) } });
        return redirect(reply, `/apply/d/${draft.id}/page/${page.id}`);
      }
      if (formText(body, 'add') === 'yes') {
        if (items.length >= group.max) throw invalid(`You can add at most ${group.max}.`);
        const { item, problems } = readGroupItem(page, body, draft.answers);
        if (problems.length > 0) return showPage(request, reply, draft, page.id, body, words(request, problems));
        await saveDraft(db, keyring, { ...draft, answers: { ...draft.answers, [group.id]: [...items, item] } });
        return redirect(reply, `/apply/d/${draft.id}/page/${page.id}`);
      }
      if (items.length < group.min) return showPage(request, reply, draft, page.id, {}, { group: translate(request).t('applications.error.groupMin', { count: group.min, item: group.itemName }) });
      return redirect(reply, nextAfter(draft, page.id, fromCheck));
    }
    const { answers, problems } = readPage(page, body, draft.answers);
    const errors = words(request, problems);
    // A needed document not yet uploaded is a problem of the page too.
    const documents = await documentsOf(db, draft.id);
    for (const field of page.fields ?? []) {
      if (field.type === 'file' && fieldShown(field, draft.answers) && field.required !== false && !documents.some((d) => d.field === field.id)) {
        errors[field.id] = translate(request).t('applications.error.upload', { label: field.label });
      }
    }
    if (Object.keys(errors).length > 0) return showPage(request, reply, draft, page.id, body, errors);
    const ownKey = (key: string) => (page.fields ?? []).some((f) => f.id === key || placeKeyOf(f.id) === key);
    const cleared = Object.fromEntries(Object.entries(draft.answers).filter(([key]) => !ownKey(key)));
    // A place chosen from the gazetteer stays while the address typed is still its label.
    const updated = { ...draft, answers: { ...cleared, ...answers, ...placesStillChosen(page.fields ?? [], { ...draft.answers, ...answers }) } };
    await saveDraft(db, keyring, updated);
    // An answer that opens a page the applicant has not seen sends them through it, even from the check page.
    const stillToDo = firstIncompletePage(updated.form.definition, updated.answers, countByField(documents));
    return redirect(reply, fromCheck && stillToDo ? `/apply/d/${draft.id}/page/${stillToDo.id}` : nextAfter(updated, page.id, fromCheck));
  });

  await assistedRoutes(app, { db, config, keyring });
  await renewalRoutes(app, { db, config, keyring, draftFor, keepGuestDraft, userOf });
  await addressRoutes(app, { db, config, draftFor, pageOf, showPage, saveDraft: (draft) => saveDraft(db, keyring, draft) });

  // Documents: a multipart form per file field, read only in this scope, checked before its body is read.
  await app.register(async (scope) => {
    const uploaded = await acceptUploads(scope, { maxBytes: MAX_DOCUMENT_BYTES, fields: 5 }, {
      db, forms: { publicUrl: () => config.publicUrl, secure },
      authorize: async (request) => { await draftFor(request, (request.params as { draft: string }).draft); },
    });
    scope.post('/apply/d/:draft/documents/:field', route, async (request, reply) => {
      const { draft: id, field: fieldId } = request.params as { draft: string; field: string };
      const draft = await draftFor(request, id);
      if (draft.caseId !== null) return sentAlready(reply, draft);
      const pageId = formText(request.query, 'page');
      const { page } = pageOf(draft, request, pageId);
      const field = (page.fields ?? []).find((f) => f.id === fieldId && f.type === 'file');
      if (!field) throw notFound('That page asks for no such document.');
      const upload = uploaded(request);
      const { t } = translate(request);
      const refuse = (message: string) => showPage(request, reply, draft, page.id, null, { [field.id]: message });
      if (!upload || upload.bytes.length === 0 && !upload.truncated) return refuse(t('applications.error.chooseFile'));
      if (upload.truncated) return refuse(t('applications.error.fileTooBig', { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 }));
      const outcome = await addDocument(db, { storage, scanner }, draft, field, upload);
      if (outcome !== 'kept') return refuse(t(outcome === 'wrong_type' ? 'applications.error.fileType' : outcome === 'too_many' ? 'applications.error.tooManyFiles' : 'applications.error.fileRefused', { count: field.maxFiles ?? 1 }));
      return redirect(reply, `/apply/d/${draft.id}/page/${page.id}`);
    });
  });

  app.post('/apply/d/:draft/documents/:id/remove', route, async (request, reply) => {
    const { draft: id, id: documentId } = request.params as { draft: string; id: string };
    const draft = await draftFor(request, id);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    await removeDocument(db, storage, draft, documentId);
    const pageId = formText(request.query, 'page');
    return redirect(reply, /^[a-z][a-z0-9_]{0,39}$/.test(pageId) ? `/apply/d/${draft.id}/page/${pageId}` : `/apply/d/${draft.id}/check`);
  });

  /** A document, only to the applicant whose draft it is (staff see it on the case). */
  app.get('/apply/documents/:id', route, async (request, reply) => {
    const document = await readDocument(db, storage, jurisdictionId, (request.params as { id: string }).id);
    if (!document) throw notFound('There is no such document.');
    await draftFor(request, document.draftId);
    return reply.header('content-type', document.contentType).header('content-disposition', `attachment; filename="${document.filename}"`)
      .header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').send(document.bytes);
  });

  app.get('/apply/d/:draft/details', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    const signedInEmail = draft.assistedBy === null ? await accountEmail(request) : null;
    const typed = draft.contact ? { applicant_name: draft.contact.name, applicant_email: draft.contact.email, applicant_phone: draft.contact.phone ?? '' } : { applicant_email: signedInEmail ?? '' };
    const pages = shownPages(draft.form.definition, draft.answers);
    return renderPage(request, reply, { title: translate(request).t('applications.details.title'), body: <DetailsPage draftId={draft.id} typed={typed} errors={{}} csrf={csrf(request, reply)} back={`/apply/d/${draft.id}/page/${pages[pages.length - 1]!.id}`} signedInEmail={signedInEmail} /> });
  });

  app.post('/apply/d/:draft/details', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    const { t } = translate(request);
    const name = formText(request.body, 'applicant_name').trim();
    const email = formText(request.body, 'applicant_email').trim();
    const phone = formText(request.body, 'applicant_phone').trim();
    const errors: FieldErrors = {};
    if (!name) errors.applicant_name = t('applications.error.name');
    else if (name.length > 200) errors.applicant_name = t('applications.error.tooLong', { label: t('applications.details.name'), max: 200 });
    if (!EMAIL.test(email) || email.length > 254) errors.applicant_email = t('applications.error.email', { label: t('applications.details.email') });
    if (phone && !/^[+0-9 ().-]{6,30}$/.test(phone)) errors.applicant_phone = t('applications.error.phone', { label: t('applications.details.phone') });
    if (Object.keys(errors).length > 0) {
      return renderPage(request, reply, { title: t('applications.details.title'), status: 400, body: <DetailsPage draftId={draft.id} typed={request.body as Typed} errors={errors} csrf={csrf(request, reply)} back={`/apply/d/${draft.id}/check`} signedInEmail={null} /> });
    }
    await saveDraft(db, keyring, { ...draft, contact: { name, email, ...(phone ? { phone } : {}) } });
    return redirect(reply, `/apply/d/${draft.id}/check`);
  });

  const showCheck = async (request: FastifyRequest, reply: FastifyReply, draft: Draft, errors: FieldErrors) => {
    const definition = localized(request, draft);
    const documents = await documentsOf(db, draft.id);
    return renderPage(request, reply, {
      title: translate(request).t('applications.check.title'), status: Object.keys(errors).length > 0 ? 400 : 200,
      body: <CheckPage draftId={draft.id} definition={{ ...definition, pages: shownPages(definition, draft.answers) }} answers={draft.answers} contact={draft.contact}
        documents={documents} fee={feeFor({ ...draft, form: { ...draft.form, definition } })} csrf={csrf(request, reply)} errors={errors} />,
    });
  };

  app.get('/apply/d/:draft/check', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    const missing = firstIncompletePage(draft.form.definition, draft.answers, countByField(await documentsOf(db, draft.id)));
    if (missing) return redirect(reply, `/apply/d/${draft.id}/page/${missing.id}`);
    if (!draft.contact) return redirect(reply, `/apply/d/${draft.id}/details`);
    return showCheck(request, reply, draft, {});
  });

  app.post('/apply/d/:draft/check', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    try {
      const userId = userOf(request);
      await sendApplication(db, { jurisdiction: config.jurisdiction, keyring, sender: sender() }, draft, draft.channel, { id: userId === null ? 'applicant:guest' : `user:${userId}` });
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return showCheck(request, reply, draft, { send: translate(request).known(error.message) });
      if (error instanceof DomainError && error.kind === 'conflict') return sentAlready(reply, draft);
      throw error;
    }
    return sentAlready(reply, draft);
  });

  app.get('/apply/d/:draft/sent', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId === null) return redirect(reply, `/apply/d/${draft.id}/check`);
    const application = await applicationSummary(db, jurisdictionId, draft.caseId);
    return renderPage(request, reply, { title: translate(request).t('applications.sent.title'), body: <SentPage reference={draft.caseId} fee={application.fee} payable={application.paymentState === 'due'} csrf={csrf(request, reply)} /> });
  });

  app.post('/apply/d/:draft/save', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId !== null) return sentAlready(reply, draft);
    const { t } = translate(request);
    if (draft.userId !== null || draft.assistedBy !== null) return renderPage(request, reply, { title: t('applications.save.savedTitle'), body: <SavedPage signedIn draftId={draft.id} csrf="" emailed={null} typedEmail="" /> });
    const typed = formText(request.body, 'resume_email').trim();
    const email = typed || draft.contact?.email || '';
    if (!typed && !draft.contact) return renderPage(request, reply, { title: t('applications.save.guestTitle'), body: <SavedPage signedIn={false} draftId={draft.id} csrf={csrf(request, reply)} emailed={null} typedEmail="" /> });
    if (!EMAIL.test(email) || email.length > 254) {
      return renderPage(request, reply, { title: t('applications.save.guestTitle'), status: 400, body: <SavedPage signedIn={false} draftId={draft.id} csrf={csrf(request, reply)} emailed={null} typedEmail={typed} error={t('applications.error.email', { label: t('applications.details.email') })} /> });
    }
    await emailResumeLink(db, { ...sender(), keyring }, draft, email);
    return renderPage(request, reply, { title: t('applications.save.emailedTitle'), body: <SavedPage signedIn={false} draftId={draft.id} csrf="" emailed={email} typedEmail="" /> });
  });

  app.get('/apply/resume', route, async (request, reply) => {
    const draft = await resumeWithToken(db, keyring, jurisdictionId, formText(request.query, 'token'));
    if (!draft) throw notFound('This link does not work: it was used already, it has expired, or it was not copied whole. Start again, or save your application again to get a new link.');
    if (draft.userId === null) keepGuestDraft(reply, draft.id);
    const missing = firstIncompletePage(draft.form.definition, draft.answers, countByField(await documentsOf(db, draft.id)));
    return redirect(reply, missing ? `/apply/d/${draft.id}/page/${missing.id}` : draft.contact ? `/apply/d/${draft.id}/check` : `/apply/d/${draft.id}/details`);
  });

  app.get('/account/applications', { config: { access: signedIn(['resident']) }, schema: { hide: true } }, async (request, reply) => {
    const userId = userOf(request)!;
    const drafts = await draftsOfUser(db, jurisdictionId, userId);
    return renderPage(request, reply, { title: translate(request).t('applications.account.title'), body: <AccountApplications drafts={drafts} applications={await applicationsOfUser(db, jurisdictionId, userId)} /> });
  });

  async function accountEmail(request: FastifyRequest): Promise<string | null> {
    const userId = userOf(request);
    if (userId === null) return null;
    return (await accountOf(db, keyring, userId)).email;
  }
}

const countByField = (documents: Array<{ field: string }>) => {
  const counts: Record<string, number> = {};
  for (const d of documents) counts[d.field] = (counts[d.field] ?? 0) + 1;
  return counts;
};
