/**
 * The preview of a draft form: its pages one at a time and "Check your answers", rendered with
 * the applicant's own page components (applications/views.tsx), in the officer's language,
 * under a banner that says it is a preview. It stores nothing: the answers so far travel with
 * each form and link (`s`, base64url JSON), and sending only says nothing was sent. Uploads are
 * not tried in a preview.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allFields, type FormDefinition } from '../applications/definition.js';
import { answersToKeep, fieldShown, firstIncompletePage, groupItems, readGroupItem, readPage, shownPages, type AnswerProblem, type Answers } from '../applications/answers.js';
import { calculateFee } from '../applications/fees.js';
import type { FormDraft } from '../applications/form-drafts.js';
import { localizeDefinition } from '../applications/localize.js';
import { CheckPage, GroupPage, QuestionPage, typedFrom, type PreviewTarget, type Typed } from '../applications/views.js';
import { translate } from '../i18n/i18n.js';
import type { RouteDeps } from '../platform/deps.js';
import { invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { csrfOf, param, systemAdminOnly } from './common.js';
import { formUrl, Preview } from './forms-views.js';

const route = { config: systemAdminOnly, schema: { hide: true } };
/** The answers a preview carries in a link stay well inside a URL's usual limits. */
const MAX_STATE = 6_000;

export const encodeState = (answers: Answers) => Buffer.from(JSON.stringify(answers)).toString('base64url');

export function decodeState(text: string): Answers {
  if (text === '') return {};
  if (text.length > MAX_STATE) throw invalid('The preview has too many answers to carry from page to page. Start the preview again with shorter answers.');
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Answers;
  } catch { /* a damaged link: start with no answers */ }
  return {};
}

/** Every file question counted as uploaded: a preview does not try uploads. */
const filesAsUploaded = (definition: FormDefinition) => Object.fromEntries(allFields(definition).filter((f) => f.field.type === 'file').map((f) => [f.field.id, 1]));

export async function formPreviewRoutes(app: FastifyInstance, _deps: RouteDeps, draftOf: (code: string) => Promise<FormDraft>): Promise<void> {
  const code = (request: FastifyRequest) => param(request, 'code');
  const base = (request: FastifyRequest) => `${formUrl(code(request))}/preview`;
  const language = (request: FastifyRequest) => translate(request).language.code;
  const words = (request: FastifyRequest, problems: AnswerProblem[]): FieldErrors => Object.fromEntries(problems.map((p) => [p.field, translate(request).t(p.key, p.values)]));
  const stateOf = (request: FastifyRequest) => decodeState(request.method === 'GET' ? formText(request.query, 's') : formText(request.body, 's'));
  const linkTo = (request: FastifyRequest, path: string, answers: Answers, from = false) => `${base(request)}${path}?s=${encodeState(answers)}${from ? '&from=check' : ''}`;
  const target = (request: FastifyRequest, answers: Answers): PreviewTarget => ({ base: base(request), state: encodeState(answers) });

  const draftIn = async (request: FastifyRequest) => {
    const draft = await draftOf(code(request));
    return { draft, definition: localizeDefinition(draft.definition, language(request)) };
  };


  const showPage = (request: FastifyRequest, reply: FastifyReply, definition: FormDefinition, pageId: string, answers: Answers, typed: Typed | null, errors: FieldErrors, fromCheck: boolean) => {
    const pages = shownPages(definition, answers);
    const index = pages.findIndex((p) => p.id === pageId);
    const page = pages[index];
    if (!page) throw notFound('That page is not shown with the answers given so far (a condition skips it). Start the preview again.');
    const back = index > 0 ? linkTo(request, `/page/${pages[index - 1]!.id}`, answers) : base(request);
    const common = { draftId: 'preview', page, title: definition.title, errors, csrf: csrfOf(request, reply), back, preview: target(request, answers) };
    const status = Object.keys(errors).length > 0 ? 400 : 200;
    const body = page.group
      ? <GroupPage {...common} items={groupItems(answers, page.group.id)} typed={typed ?? {}} />
      : (() => {
        const fields = (page.fields ?? []).filter((f) => fieldShown(f, answers));
        return <QuestionPage {...common} page={{ ...page, fields }} typed={typed ?? typedFrom(answers, fields)} fromCheck={fromCheck} documents={[]} uploadsAllowed={false} />;
      })();
    return renderPage(request, reply, { title: `Preview: ${page.title}`, status, body: <Preview code={code(request)}>{body}</Preview> });
  };

  /** Where the preview goes after a page: the next page shown, or the check page. */
  const nextAfter = (request: FastifyRequest, definition: FormDefinition, pageId: string, answers: Answers, fromCheck: boolean) => {
    const missing = firstIncompletePage(definition, answers, filesAsUploaded(definition));
    if (fromCheck) return missing ? linkTo(request, `/page/${missing.id}`, answers) : linkTo(request, '/check', answers);
    const pages = shownPages(definition, answers);
    const next = pages[pages.findIndex((p) => p.id === pageId) + 1];
    return next ? linkTo(request, `/page/${next.id}`, answers) : linkTo(request, '/check', answers);
  };

  app.get('/admin/settings/forms/:code/preview', route, async (request, reply) => {
    const { definition } = await draftIn(request);
    const first = shownPages(definition, {})[0];
    return renderPage(request, reply, {
      title: `Preview: ${definition.title}`,
      body: (
        <Preview code={code(request)}>
          <h1>{definition.title}</h1>
          <p>{definition.summary}</p>
          <p>The form has {definition.pages.length} page{definition.pages.length === 1 ? '' : 's'}. Go through them as an applicant would; your answers are kept only in this preview's links.</p>
          {first && <p><a class="button start" role="button" href={linkTo(request, `/page/${first.id}`, {})}>Start the preview</a></p>}
        </Preview>
      ),
    });
  });

  app.get('/admin/settings/forms/:code/preview/page/:page', route, async (request, reply) => {
    const { definition } = await draftIn(request);
    return showPage(request, reply, definition, param(request, 'page'), stateOf(request), null, {}, formText(request.query, 'from') === 'check');
  });

  app.post('/admin/settings/forms/:code/preview/page/:page', route, async (request, reply) => {
    const { definition } = await draftIn(request);
    let answers = stateOf(request);
    const page = shownPages(definition, answers).find((p) => p.id === param(request, 'page'));
    if (!page) throw notFound('That page is not shown with the answers given so far (a condition skips it). Start the preview again.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const fromCheck = formText(body, 'from') === 'check';
    const again = (a: Answers) => reply.redirect(linkTo(request, `/page/${page.id}`, a, fromCheck), 303);
    if (page.group) {
      const group = page.group;
      const items = groupItems(answers, group.id);
      if (formText(body, 'remove') !== '') {
        const index = Number(formText(body, 'remove'));
        if (!Number.isInteger(index) || index < 0 || index >= items.length) throw invalid('That item is not in the list any more. Go back and reload the page.');
        return again({ ...answers, [group.id]: items.filter((_, n) => n !== index) });
      }
      if (formText(body, 'add') === 'yes') {
        if (items.length >= group.max) throw invalid(`You can add at most ${group.max}.`);
        const { item, problems } = readGroupItem(page, body, answers);
        if (problems.length > 0) return showPage(request, reply, definition, page.id, answers, body, words(request, problems), fromCheck);
        return again({ ...answers, [group.id]: [...items, item] });
      }
      if (items.length < group.min) {
        return showPage(request, reply, definition, page.id, answers, {}, { group: translate(request).t('applications.error.groupMin', { count: group.min, item: group.itemName }) }, fromCheck);
      }
      return reply.redirect(nextAfter(request, definition, page.id, answers, fromCheck), 303);
    }
    const read = readPage(page, body, answers);
    if (read.problems.length > 0) return showPage(request, reply, definition, page.id, answers, body, words(request, read.problems), fromCheck);
    const cleared = Object.fromEntries(Object.entries(answers).filter(([key]) => !(page.fields ?? []).some((f) => f.id === key)));
    answers = { ...cleared, ...read.answers };
    return reply.redirect(nextAfter(request, definition, page.id, answers, fromCheck), 303);
  });

  app.get('/admin/settings/forms/:code/preview/check', route, async (request, reply) => {
    const { definition } = await draftIn(request);
    const answers = stateOf(request);
    const missing = firstIncompletePage(definition, answers, filesAsUploaded(definition));
    if (missing) return reply.redirect(linkTo(request, `/page/${missing.id}`, answers), 303);
    const fee = calculateFee(definition, answersToKeep(definition, answers), nowIso().slice(0, 10));
    return renderPage(request, reply, {
      title: `Preview: ${translate(request).t('applications.check.title')}`,
      body: (
        <Preview code={code(request)}>
          <CheckPage draftId="preview" definition={{ ...definition, pages: shownPages(definition, answers) }} answers={answers} contact={null} documents={[]} fee={fee}
            csrf={csrfOf(request, reply)} errors={{}} preview={target(request, answers)} />
        </Preview>
      ),
    });
  });

  app.post('/admin/settings/forms/:code/preview/check', route, async (request, reply) => {
    await draftIn(request);
    return renderPage(request, reply, {
      title: 'Preview: not sent',
      body: (
        <Preview code={code(request)}>
          <h1>Nothing was sent</h1>
          <p>This is where an applicant would send the application (and pay, when there is a fee). A preview sends and keeps nothing.</p>
          <p><a href={base(request)}>Start the preview again</a> or <a href={formUrl(code(request))}>go back to the editor</a>.</p>
        </Preview>
      ),
    });
  });
}
