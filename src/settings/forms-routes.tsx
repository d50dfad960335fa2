/**
 * Settings: the application forms editor (system administrators). A service's form is changed on
 * its draft, one part at a time with plain forms (add, remove, move up and down), or as JSON;
 * previewed with the applicant's own pages (forms-preview-routes.tsx); and published as a new
 * version. A refusal is shown at the field it is about, never as a server error.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listServiceGroups, getService, codePattern, languagesToTranslate } from '../catalogue/catalogue.js';
import {
  changeFormDraft, createApplicationService, discardFormDraft, draftProblems, listFormServices, loadFormDraft, publishedForm, publishFormDraft, replaceFormDraft, startFormDraft, type FormDraft,
} from '../applications/form-drafts.js';
import {
  addField, addPage, addQuestion, addRule, addSchedule, checkDetails, checkField, checkNewField, checkNewPage, checkNewQuestion, checkNewSchedule, checkPage, checkQuestion,
  findField, findPage, moveField, movePage, moveQuestion, readRule, removeField, removePage, removeQuestion, removeRule, removeSchedule, setDetails, setField, setPage, setQuestion,
  type Direction, type FieldInput, type PageInput, type Problems,
} from '../applications/form-edits.js';
import { formWords, setTranslations, translationsOf } from '../applications/form-words.js';
import type { FormDefinition } from '../applications/definition.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, notFound } from '../platform/errors.js';
import { formText } from '../web/forms.js';
import { actorOf, attempt, csrfOf, field, param, settingsPage, systemAdminOnly, ticked } from './common.js';
import {
  FeesEditor, FieldEditor, FormList, FormOverview, formUrl, JsonEditor, linkProblems, PageEditor, ProblemSummary, QuestionEditor, TranslationsEditor, type LinkedProblem, type Values,
} from './forms-views.js';
import { formPreviewRoutes } from './forms-preview-routes.js';

const route = { config: systemAdminOnly, schema: { hide: true } };
const back = { href: '/admin/settings/forms', label: 'All application forms' };
const has = (problems: Problems) => Object.keys(problems).length > 0;

export async function formSettingsRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { db, config } = deps;
  const jurisdictionId = config.jurisdiction.id;
  const code = (request: FastifyRequest) => param(request, 'code');
  const redirect = (reply: FastifyReply, to: string) => reply.redirect(to, 303);
  const backTo = (c: string) => ({ href: formUrl(c), label: 'Back to the form' });

  async function serviceName(c: string): Promise<string> {
    try {
      return (await getService(db, jurisdictionId, c)).name;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') throw notFound(`There is no application service "${c}".`);
      throw error;
    }
  }
  /** The service's draft; not found (a 404 page) when it has none. */
  async function draftOf(c: string): Promise<FormDraft> {
    await serviceName(c);
    const draft = await loadFormDraft(db, jurisdictionId, c);
    if (!draft) throw notFound(`The form of "${c}" has no draft: open the form and start one.`);
    return draft;
  }

  const showList = async (request: FastifyRequest, reply: FastifyReply, values: Values = {}, errors: Problems = {}, status?: number) => {
    const groups = (await listServiceGroups(db, jurisdictionId)).map((g): [string, string] => [g.code, g.name]);
    return settingsPage(request, reply, {
      title: 'Application forms', errors, status, back: { href: '/admin/settings', label: 'Settings' },
      body: <FormList services={await listFormServices(db, jurisdictionId)} groups={groups} values={values} errors={errors} csrf={csrfOf(request, reply)} />,
    });
  };

  app.get('/admin/settings/forms', route, async (request, reply) => showList(request, reply));

  app.post('/admin/settings/forms', route, async (request, reply) => {
    const values = { code: field(request.body, 'code'), name: field(request.body, 'name'), description: field(request.body, 'description'), groupCode: field(request.body, 'groupCode') };
    const errors: Problems = {};
    if (!codePattern.test(values.code)) errors.code = 'Enter a code of letters, digits, dots, dashes and underscores (at most 64), starting with a letter or digit.';
    if (values.name === '' || values.name.length > 200) errors.name = 'Enter the service\'s name, at most 200 characters.';
    if (values.description === '' || values.description.length > 2000) errors.description = 'Say what the service is for, at most 2,000 characters.';
    if (!(await listServiceGroups(db, jurisdictionId)).some((g) => g.code === values.groupCode)) errors.groupCode = 'Choose the group residents find the service under.';
    if (has(errors)) return showList(request, reply, values, errors);
    const done = await attempt(() => createApplicationService(db, jurisdictionId, values, actorOf(request)), 'code');
    if (!done.ok) return showList(request, reply, values, done.errors, done.status);
    return redirect(reply, formUrl(values.code));
  });

  const showForm = async (request: FastifyRequest, reply: FastifyReply, options: { values?: Values; errors?: Problems; status?: number; publishProblems?: LinkedProblem[] } = {}) => {
    const c = code(request);
    const name = await serviceName(c);
    const draft = await loadFormDraft(db, jurisdictionId, c);
    const published = await publishedForm(db, jurisdictionId, c);
    const problems = draft ? linkProblems(c, draft.definition, draftProblems(draft.definition)) : [];
    const publishProblems = options.publishProblems ?? [];
    return settingsPage(request, reply, {
      title: `Application form: ${name}`, errors: options.errors, status: options.status ?? (publishProblems.length > 0 ? 400 : undefined), back,
      body: (
        <>
          <ProblemSummary problems={publishProblems} title="The draft cannot be published until these are fixed" />
          {formText(request.query, 'published') && <p class="notice" role="status">Published as version {published?.version}. New applications start on it; applications already started keep their version.</p>}
          <FormOverview code={c} name={name} draft={draft} published={published?.version ?? null} problems={problems} errors={options.errors ?? {}} values={options.values ?? {}}
            csrf={csrfOf(request, reply)} languages={languagesToTranslate()} />
        </>
      ),
    });
  };

  app.get('/admin/settings/forms/:code', route, async (request, reply) => showForm(request, reply));

  app.post('/admin/settings/forms/:code/draft', route, async (request, reply) => {
    await serviceName(code(request));
    await startFormDraft(db, jurisdictionId, code(request), actorOf(request));
    return redirect(reply, formUrl(code(request)));
  });

  app.post('/admin/settings/forms/:code/discard', route, async (request, reply) => {
    await draftOf(code(request));
    await discardFormDraft(db, jurisdictionId, code(request), actorOf(request));
    return redirect(reply, formUrl(code(request)));
  });

  app.post('/admin/settings/forms/:code/publish', route, async (request, reply) => {
    const c = code(request);
    const revision = field(request.body, 'revision');
    // With a revision, the publisher saw a draft: gone since, someone else published or discarded it (publishFormDraft says so, 409).
    let draft: FormDraft | null;
    if (revision) {
      await serviceName(c);
      draft = await loadFormDraft(db, jurisdictionId, c);
    } else draft = await draftOf(c);
    const problems = draft ? draftProblems(draft.definition) : [];
    if (draft && problems.length > 0) return showForm(request, reply, { publishProblems: linkProblems(c, draft.definition, problems) });
    const done = await attempt(() => publishFormDraft(db, jurisdictionId, c, actorOf(request), revision || undefined), 'title');
    if (!done.ok) return showForm(request, reply, { publishProblems: [{ href: `${formUrl(c)}#title`, text: Object.values(done.errors)[0]! }], status: done.status });
    return redirect(reply, `${formUrl(c)}?published=${done.value.version}`);
  });

  /**
   * Saves one edit; a refusal the edit itself finds (a page removed meanwhile, an id taken) is
   * shown on `show` at `errorField`.
   */
  const edit = async (request: FastifyRequest, reply: FastifyReply, what: string, change: (d: FormDefinition) => FormDefinition, to: string,
    show: (errors: Problems, status: number) => FastifyReply | Promise<FastifyReply>, errorField: string) => {
    await draftOf(code(request));
    const done = await attempt(() => changeFormDraft(db, jurisdictionId, code(request), what, change, actorOf(request)), errorField);
    if (!done.ok) return show(done.errors, done.status);
    return redirect(reply, to);
  };
  const direction = (request: FastifyRequest): Direction => (field(request.body, 'direction') === 'up' ? 'up' : 'down');
  const formWith = (request: FastifyRequest, reply: FastifyReply, values: Values) => (errors: Problems, status = 400) => showForm(request, reply, { values, errors, status });

  app.post('/admin/settings/forms/:code/details', route, async (request, reply) => {
    const b = request.body;
    const input = {
      title: field(b, 'title'), summary: field(b, 'summary'), whatYouNeed: field(b, 'whatYouNeed'), howLong: field(b, 'howLong'),
      licenceName: field(b, 'licenceName'), licencePermits: field(b, 'licencePermits'),
    };
    const errors = checkDetails(input);
    if (has(errors)) return formWith(request, reply, input)(errors);
    return edit(request, reply, 'details', (d) => setDetails(d, input), `${formUrl(code(request))}#details`, formWith(request, reply, input), 'title');
  });

  app.post('/admin/settings/forms/:code/pages', route, async (request, reply) => {
    const b = request.body;
    const input = { id: field(b, 'pageId'), title: field(b, 'pageTitle'), kind: field(b, 'kind'), groupId: field(b, 'groupId'), itemName: field(b, 'itemName') };
    const values = { pageId: input.id, pageTitle: input.title, kind: input.kind, groupId: input.groupId, itemName: input.itemName };
    const errors = checkNewPage((await draftOf(code(request))).definition, input);
    if (has(errors)) return formWith(request, reply, values)(errors);
    return edit(request, reply, 'page added', (d) => addPage(d, input), `${formUrl(code(request))}/pages/${encodeURIComponent(input.id)}`, formWith(request, reply, values), 'pageId');
  });

  app.post('/admin/settings/forms/:code/pages/move', route, async (request, reply) =>
    edit(request, reply, 'page moved', (d) => movePage(d, field(request.body, 'page'), direction(request)), `${formUrl(code(request))}#pages`, formWith(request, reply, {}), 'pageId'));
  app.post('/admin/settings/forms/:code/pages/remove', route, async (request, reply) =>
    edit(request, reply, 'page removed', (d) => removePage(d, field(request.body, 'page')), `${formUrl(code(request))}#pages`, formWith(request, reply, {}), 'pageId'));

  // ==== a page and its questions ====
  const pageId = (request: FastifyRequest) => param(request, 'page');
  const pageUrl = (request: FastifyRequest) => `${formUrl(code(request))}/pages/${encodeURIComponent(pageId(request))}`;
  const showPage = async (request: FastifyRequest, reply: FastifyReply, values: Values = {}, errors: Problems = {}, status?: number) => {
    const draft = await draftOf(code(request));
    const page = draft.definition.pages.find((p) => p.id === pageId(request));
    if (!page) throw notFound(`There is no page "${pageId(request)}" in this form.`);
    return settingsPage(request, reply, {
      title: `Page: ${page.title}`, errors, status, back: backTo(code(request)),
      body: <PageEditor code={code(request)} definition={draft.definition} pageId={page.id} values={values} errors={errors} csrf={csrfOf(request, reply)} />,
    });
  };
  const pageWith = (request: FastifyRequest, reply: FastifyReply, values: Values) => (errors: Problems, status = 400) => showPage(request, reply, values, errors, status);

  app.get('/admin/settings/forms/:code/pages/:page', route, async (request, reply) => showPage(request, reply));

  app.post('/admin/settings/forms/:code/pages/:page', route, async (request, reply) => {
    const b = request.body;
    const values = {
      title: field(b, 'title'), section: field(b, 'section'), hint: field(b, 'hint'), showField: field(b, 'showField'), showValues: field(b, 'showValues'),
      itemName: field(b, 'itemName'), min: field(b, 'min'), max: field(b, 'max'),
    };
    const input: PageInput = { ...values, show: { field: values.showField, values: values.showValues } };
    const draft = await draftOf(code(request));
    findPageOr404(draft.definition, pageId(request));
    const errors = checkPage(draft.definition, pageId(request), input);
    if (has(errors)) return showPage(request, reply, values, errors, 400);
    return edit(request, reply, 'page changed', (d) => setPage(d, pageId(request), input), pageUrl(request), pageWith(request, reply, values), 'title');
  });

  app.post('/admin/settings/forms/:code/pages/:page/fields', route, async (request, reply) => {
    const b = request.body;
    const values = { fieldId: field(b, 'fieldId'), fieldType: field(b, 'fieldType'), fieldLabel: field(b, 'fieldLabel') };
    const input = { id: values.fieldId, type: values.fieldType, label: values.fieldLabel };
    const draft = await draftOf(code(request));
    findPageOr404(draft.definition, pageId(request));
    const errors = checkNewField(draft.definition, pageId(request), input);
    if (has(errors)) return showPage(request, reply, values, errors, 400);
    return edit(request, reply, 'question added', (d) => addField(d, pageId(request), input), `${pageUrl(request)}/fields/${encodeURIComponent(input.id)}`, pageWith(request, reply, values), 'fieldId');
  });

  app.post('/admin/settings/forms/:code/pages/:page/fields/move', route, async (request, reply) =>
    edit(request, reply, 'question moved', (d) => moveField(d, pageId(request), field(request.body, 'field'), direction(request)), `${pageUrl(request)}#fields`, pageWith(request, reply, {}), 'fieldId'));
  app.post('/admin/settings/forms/:code/pages/:page/fields/remove', route, async (request, reply) =>
    edit(request, reply, 'question removed', (d) => removeField(d, pageId(request), field(request.body, 'field')), `${pageUrl(request)}#fields`, pageWith(request, reply, {}), 'fieldId'));

  const fieldId = (request: FastifyRequest) => param(request, 'field');
  const showField = async (request: FastifyRequest, reply: FastifyReply, values: Values = {}, errors: Problems = {}, status?: number) => {
    const draft = await draftOf(code(request));
    const found = findFieldOr404(draft.definition, pageId(request), fieldId(request));
    return settingsPage(request, reply, {
      title: `Question: ${found.label}`, errors, status, back: { href: pageUrl(request), label: 'Back to the page' },
      body: <FieldEditor code={code(request)} definition={draft.definition} pageId={pageId(request)} field={found} values={values} errors={errors} csrf={csrfOf(request, reply)} />,
    });
  };

  app.get('/admin/settings/forms/:code/pages/:page/fields/:field', route, async (request, reply) => showField(request, reply));

  app.post('/admin/settings/forms/:code/pages/:page/fields/:field', route, async (request, reply) => {
    const b = request.body;
    const values: Values = {
      label: field(b, 'label'), hint: field(b, 'hint'), required: ticked(b, 'required') ? 'yes' : 'no', options: field(b, 'options'), min: field(b, 'min'), max: field(b, 'max'),
      maxLength: field(b, 'maxLength'), maxFiles: field(b, 'maxFiles'), showField: field(b, 'showField'), showValues: field(b, 'showValues'),
      requireField: field(b, 'requireField'), requireValues: field(b, 'requireValues'),
    };
    const input: FieldInput = {
      label: values.label!, hint: values.hint!, required: values.required === 'yes', options: values.options!, min: values.min!, max: values.max!, maxLength: values.maxLength!, maxFiles: values.maxFiles!,
      show: { field: values.showField!, values: values.showValues! }, require: { field: values.requireField!, values: values.requireValues! },
    };
    const draft = await draftOf(code(request));
    findFieldOr404(draft.definition, pageId(request), fieldId(request));
    const errors = checkField(draft.definition, pageId(request), fieldId(request), input);
    if (has(errors)) return showField(request, reply, values, errors, 400);
    return edit(request, reply, 'question changed', (d) => setField(d, pageId(request), fieldId(request), input), `${pageUrl(request)}#fields`,
      (e, s) => showField(request, reply, values, e, s), 'label');
  });

  // ==== eligibility ====
  app.post('/admin/settings/forms/:code/eligibility', route, async (request, reply) => {
    const values = { questionId: field(request.body, 'questionId'), question: field(request.body, 'question') };
    const input = { id: values.questionId, question: values.question };
    const errors = checkNewQuestion((await draftOf(code(request))).definition, input);
    if (has(errors)) return formWith(request, reply, values)(errors);
    return edit(request, reply, 'eligibility question added', (d) => addQuestion(d, input), `${formUrl(code(request))}/eligibility/${encodeURIComponent(input.id)}`, formWith(request, reply, values), 'questionId');
  });

  app.post('/admin/settings/forms/:code/eligibility/move', route, async (request, reply) =>
    edit(request, reply, 'eligibility question moved', (d) => moveQuestion(d, field(request.body, 'question'), direction(request)), `${formUrl(code(request))}#eligibility`, formWith(request, reply, {}), 'questionId'));
  app.post('/admin/settings/forms/:code/eligibility/remove', route, async (request, reply) =>
    edit(request, reply, 'eligibility question removed', (d) => removeQuestion(d, field(request.body, 'question')), `${formUrl(code(request))}#eligibility`, formWith(request, reply, {}), 'questionId'));

  const showQuestion = async (request: FastifyRequest, reply: FastifyReply, values: Values = {}, errors: Problems = {}, status?: number) => {
    const draft = await draftOf(code(request));
    const question = draft.definition.eligibility.find((q) => q.id === param(request, 'question'));
    if (!question) throw notFound(`There is no eligibility question "${param(request, 'question')}" in this form.`);
    return settingsPage(request, reply, {
      title: `Eligibility question: ${question.question}`, errors, status, back: backTo(code(request)),
      body: <QuestionEditor code={code(request)} question={question} values={values} errors={errors} csrf={csrfOf(request, reply)} />,
    });
  };
  app.get('/admin/settings/forms/:code/eligibility/:question', route, async (request, reply) => showQuestion(request, reply));
  app.post('/admin/settings/forms/:code/eligibility/:question', route, async (request, reply) => {
    const input = { question: field(request.body, 'question'), hint: field(request.body, 'hint'), options: field(request.body, 'options') };
    const errors = checkQuestion(input);
    if (has(errors)) return showQuestion(request, reply, input, errors, 400);
    return edit(request, reply, 'eligibility question changed', (d) => setQuestion(d, param(request, 'question'), input), `${formUrl(code(request))}#eligibility`,
      (e, s) => showQuestion(request, reply, input, e, s), 'question');
  });

  // ==== fees ====
  app.post('/admin/settings/forms/:code/fees', route, async (request, reply) => {
    const from = field(request.body, 'effectiveFrom');
    const errors = checkNewSchedule((await draftOf(code(request))).definition, from);
    if (has(errors)) return formWith(request, reply, { effectiveFrom: from })(errors);
    return edit(request, reply, 'fee schedule added', (d) => addSchedule(d, from), `${formUrl(code(request))}/fees/${from}`, formWith(request, reply, { effectiveFrom: from }), 'effectiveFrom');
  });
  app.post('/admin/settings/forms/:code/fees/remove', route, async (request, reply) =>
    edit(request, reply, 'fee schedule removed', (d) => removeSchedule(d, field(request.body, 'effectiveFrom')), `${formUrl(code(request))}#fees`, formWith(request, reply, {}), 'effectiveFrom'));

  const from = (request: FastifyRequest) => param(request, 'from');
  const showFees = async (request: FastifyRequest, reply: FastifyReply, values: Values = {}, errors: Problems = {}, status?: number) => {
    const draft = await draftOf(code(request));
    if (!draft.definition.fees.some((s) => s.effectiveFrom === from(request))) throw notFound(`There is no fee schedule from "${from(request)}" in this form.`);
    return settingsPage(request, reply, {
      title: `Fees from ${from(request)}`, errors, status, back: backTo(code(request)),
      body: <FeesEditor code={code(request)} definition={draft.definition} from={from(request)} values={values} errors={errors} csrf={csrfOf(request, reply)} />,
    });
  };
  app.get('/admin/settings/forms/:code/fees/:from', route, async (request, reply) => showFees(request, reply));
  app.post('/admin/settings/forms/:code/fees/:from/rules', route, async (request, reply) => {
    const b = request.body;
    const values = {
      kind: field(b, 'kind'), label: field(b, 'ruleLabel'), amount: field(b, 'amount'), group: field(b, 'group'), free: field(b, 'free'), field: field(b, 'field'),
      amounts: field(b, 'amounts'), values: field(b, 'values'), percentOff: field(b, 'percentOff'),
    };
    const shown = { ...values, ruleLabel: values.label };
    const draft = await draftOf(code(request));
    if (!draft.definition.fees.some((s) => s.effectiveFrom === from(request))) throw notFound(`There is no fee schedule from "${from(request)}" in this form.`);
    const { rule, problems } = readRule(draft.definition, values);
    if (!rule) return showFees(request, reply, shown, problems, 400);
    return edit(request, reply, 'fee added', (d) => addRule(d, from(request), rule), `${formUrl(code(request))}/fees/${from(request)}`, (e, s) => showFees(request, reply, shown, e, s), 'ruleLabel');
  });
  app.post('/admin/settings/forms/:code/fees/:from/rules/remove', route, async (request, reply) => {
    const index = /^\d{1,3}$/.test(field(request.body, 'rule')) ? Number(field(request.body, 'rule')) : -1;
    return edit(request, reply, 'fee removed', (d) => removeRule(d, from(request), index), `${formUrl(code(request))}/fees/${from(request)}`, (e, s) => showFees(request, reply, {}, e, s), 'ruleLabel');
  });

  // ==== translations ====
  const language = (request: FastifyRequest) => {
    const l = param(request, 'language');
    if (!languagesToTranslate().includes(l)) throw notFound(`The council does not offer the language "${l}".`);
    return l;
  };
  app.get('/admin/settings/forms/:code/translations/:language', route, async (request, reply) => {
    const l = language(request);
    const draft = await draftOf(code(request));
    return settingsPage(request, reply, {
      title: 'Translate the form', back: backTo(code(request)),
      body: <TranslationsEditor code={code(request)} language={l} words={formWords(draft.definition)} typed={translationsOf(draft.definition, l)} csrf={csrfOf(request, reply)} />,
    });
  });
  app.post('/admin/settings/forms/:code/translations/:language', route, async (request, reply) => {
    const l = language(request);
    const draft = await draftOf(code(request));
    const typed = formWords(draft.definition).map((_, n) => field(request.body, `w${n}`));
    const tooLong = typed.findIndex((t) => t.length > 2000);
    const show = (errors: Problems, status: number) => settingsPage(request, reply, {
      title: 'Translate the form', errors, status, back: backTo(code(request)),
      body: <TranslationsEditor code={code(request)} language={l} words={formWords(draft.definition)} typed={typed} csrf={csrfOf(request, reply)} />,
    });
    if (tooLong >= 0) return show({ [`w${tooLong}`]: 'A translation is at most 2,000 characters.' }, 400);
    return edit(request, reply, `${l} words`, (d) => setTranslations(d, l, typed), `${formUrl(code(request))}/translations/${l}`, show, 'w0');
  });

  // ==== advanced: the whole definition as JSON ====
  app.get('/admin/settings/forms/:code/json', route, async (request, reply) => {
    const draft = await draftOf(code(request));
    return settingsPage(request, reply, {
      title: 'The draft as JSON', back: backTo(code(request)),
      body: <JsonEditor code={code(request)} json={JSON.stringify(draft.definition, null, 2)} problems={[]} csrf={csrfOf(request, reply)} />,
    });
  });
  app.post('/admin/settings/forms/:code/json', route, async (request, reply) => {
    await draftOf(code(request));
    const text = field(request.body, 'definition');
    const refuse = (problems: string[]) => settingsPage(request, reply, {
      title: 'The draft as JSON', status: 400, back: backTo(code(request)),
      body: <JsonEditor code={code(request)} json={text} problems={problems.map((p) => ({ href: '#definition', text: p }))} csrf={csrfOf(request, reply)} />,
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return refuse([`The text is not JSON (${(error as Error).message}). Check the commas, quotes and brackets.`]);
    }
    try {
      await replaceFormDraft(db, jurisdictionId, code(request), parsed, actorOf(request));
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return refuse(error.problems);
      throw error;
    }
    return redirect(reply, formUrl(code(request)));
  });

  await formPreviewRoutes(app, deps, draftOf);
}

function findPageOr404(definition: FormDefinition, pageId: string) {
  try {
    return findPage(definition, pageId);
  } catch {
    throw notFound(`There is no page "${pageId}" in this form.`);
  }
}

function findFieldOr404(definition: FormDefinition, pageId: string, fieldId: string) {
  findPageOr404(definition, pageId);
  try {
    return findField(definition, pageId, fieldId);
  } catch {
    throw notFound(`There is no question "${fieldId}" on page "${pageId}".`);
  }
}
