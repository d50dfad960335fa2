/** The applicant's pages, in the GOV.UK patterns: start, eligibility, questions, add another, your details, check, sent. */
import type { ComponentChildren } from 'preact';
import type { Bounds } from '../config.js';
import { useTranslator } from '../i18n/i18n.js';
import { Choices, describedBy, ErrorSummary, ErrorText, PostForm, type FieldErrors } from '../web/forms.js';
import { csrfAction } from '../web/csrf.js';
import { groupItems, type Answer, type Answers, type GroupItem } from './answers.js';
import type { ApplicantContact } from './applications.js';
import type { EligibilityQuestion, FieldDefinition, FormDefinition, PageDefinition } from './definition.js';
import { formatMoney, type CalculatedFee } from './fees.js';
import type { DocumentRow } from './store.js';
import type { AddressSearch } from './addresses.js';

/** The map's tiles and the council's bounds: what drawing on the map needs. */
export interface MapSettings { tileUrl: string; attribution: string; bounds: Bounds }

/** What the applicant typed, as posted (kept when a page has errors, so nothing is lost). */
export type Typed = Record<string, unknown>;

/** Saved answers as the form shows them: dates split into day, month and year, money in pounds. */
export function typedFrom(answers: Answers, fields: Array<{ id: string; type: string }>): Typed {
  const typed: Typed = {};
  for (const field of fields) {
    const value = answers[field.id];
    if (value === undefined) continue;
    if (field.type === 'date' && typeof value === 'string') {
      const [y, m, d] = value.split('-');
      Object.assign(typed, { [`${field.id}-day`]: String(Number(d)), [`${field.id}-month`]: String(Number(m)), [`${field.id}-year`]: y });
    } else if (field.type === 'money' && typeof value === 'string') typed[field.id] = (Number(value) / 100).toFixed(2);
    else typed[field.id] = value;
  }
  return typed;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function BackLink({ href }: { href: string }) {
  const { t } = useTranslator();
  return <a class="back-link" href={href}>{t('report.back')}</a>;
}


function Label({ field, id }: { field: FieldDefinition; id: string }) {
  const { t } = useTranslator();
  return <label for={id}>{field.required === false && !field.requireWhen && field.type !== 'declaration' ? t('report.optional', { label: field.label }) : field.label}</label>;
}


/** A field's input, filled with what was typed (or the saved answer). */
export function FieldInput({ field, typed, error, map }: { field: FieldDefinition; typed: Typed; error?: string; map?: MapSettings }) {
  const { t } = useTranslator();
  const id = field.id;
  const hint = field.hint;
  const aria = { 'aria-describedby': describedBy(hint && `${id}-hint`, error && `${id}-error`), 'aria-invalid': error ? 'true' as const : undefined };
  const head = <>{hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}<ErrorText id={id} error={error} /></>;
  switch (field.type) {
    case 'choice':
      return <Choices name={id} legend={field.label} hint={hint} error={error} options={field.options ?? []} chosen={list(typed[id])} />;
    case 'multiple_choice':
      return <Choices name={id} legend={field.label} hint={hint ?? t('report.details.selectAll')} error={error} options={field.options ?? []} chosen={list(typed[id])} multiple />;
    case 'yes_no':
      return <Choices name={id} legend={field.label} hint={hint} error={error} options={[{ value: 'yes', label: t('applications.yes') }, { value: 'no', label: t('applications.no') }]} chosen={list(typed[id])} />;
    case 'declaration':
      return (
        <div class={error ? 'field-error' : undefined}>
          <fieldset class="choices" aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}>
            <legend>{t('applications.declaration')}</legend>
            {head}
            <div class="choice"><input type="checkbox" id={id} name={id} value="yes" checked={str(typed[id]) === 'yes'} /><label for={id}>{field.label}</label></div>
          </fieldset>
        </div>
      );
    case 'date': {
      const parts = ['day', 'month', 'year'] as const;
      return (
        <div class={error ? 'field-error' : undefined}>
          <fieldset class="date-input" aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}>
            <legend>{field.label}</legend>
            <span class="hint" id={`${id}-hint`}>{hint ?? t('applications.dateHint')}</span>
            <ErrorText id={id} error={error} />
            <div class="date-time-inputs">
              {parts.map((part, n) => (
                <div key={part}>
                  <label for={n === 0 ? id : `${id}-${part}`}>{t(`applications.date.${part}`)}</label>
                  <input id={n === 0 ? id : `${id}-${part}`} name={`${id}-${part}`} inputmode="numeric" size={part === 'year' ? 4 : 2}
                    value={str(typed[`${id}-${part}`])} aria-invalid={error ? 'true' : undefined} />
                </div>
              ))}
            </div>
          </fieldset>
        </div>
      );
    }
    case 'long_text':
      return <div class={error ? 'field-error' : undefined}><Label field={field} id={id} />{head}<textarea id={id} name={id} rows={5} {...aria}>{str(typed[id])}</textarea></div>;
    case 'map_point':
    case 'map_area':
      return (
        <div class={error ? 'field-error' : undefined}>
          <Label field={field} id={id} />
          <span class="hint" id={`${id}-hint`}>{hint ? `${hint} ` : ''}{t(field.type === 'map_area' ? 'applications.areaHint' : 'applications.pointHint')}</span>
          <ErrorText id={id} error={error} />
          <textarea id={id} name={id} rows={3} data-map-field={field.type} aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)}
            aria-invalid={error ? 'true' : undefined}>{str(typed[id])}</textarea>
          {map && (
            // With JavaScript, a button shows a map to draw on (loaded only when pressed); what is drawn is written into the field above as GeoJSON.
            <>
              <button type="button" class="secondary" id={`${id}-map-button`} hidden>{t(field.type === 'map_area' ? 'applications.map.drawArea' : 'applications.map.markPoint')}</button>
              <div class="map" data-map="draw" data-shape={field.type === 'map_area' ? 'area' : 'point'} data-field={id} data-map-button={`${id}-map-button`}
                data-bounds={`${map.bounds.minLat},${map.bounds.minLong},${map.bounds.maxLat},${map.bounds.maxLong}`} data-tiles={map.tileUrl} data-attribution={map.attribution}
                tabindex={-1}></div>
            </>
          )}
        </div>
      );
    default: {
      const type = field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : 'text';
      const inputmode = field.type === 'number' || field.type === 'money' ? 'decimal' : undefined;
      const autocomplete = field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : field.type === 'address' ? 'street-address' : undefined;
      return (
        <div class={error ? 'field-error' : undefined}>
          <Label field={field} id={id} />{head}
          {field.type === 'money' ? <span class="prefix" aria-hidden="true">£</span> : null}
          <input id={id} name={id} type={type as 'text'} value={str(typed[id])} inputmode={inputmode} autocomplete={autocomplete} spellcheck={false} {...aria} />
        </div>
      );
    }
  }
}

export function ServiceList({ forms }: { forms: Array<{ serviceCode: string; definition: FormDefinition }> }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('applications.list.title')}</h1>
      {forms.length === 0 ? <p>{t('applications.list.none')}</p> : (
        <ul class="list">{forms.map((f) => <li key={f.serviceCode}><a href={`/apply/${encodeURIComponent(f.serviceCode)}`}>{f.definition.title}</a><p>{f.definition.summary}</p></li>)}</ul>
      )}
    </>
  );
}

export function StartPage({ serviceCode, definition, fee, drafts }: { serviceCode: string; definition: FormDefinition; fee: CalculatedFee; drafts: Array<{ id: string }> }) {
  const { t, language } = useTranslator();
  return (
    <>
      <BackLink href="/apply" />
      <h1>{definition.title}</h1>
      <p>{definition.summary}</p>
      {definition.whatYouNeed.length > 0 && (<><h2>{t('applications.start.whatYouNeed')}</h2><ul class="list bullet">{definition.whatYouNeed.map((need) => <li key={need}>{need}</li>)}</ul></>)}
      <h2>{t('applications.start.howLong')}</h2>
      <p>{definition.howLong}</p>
      {fee.schedule !== null && (<><h2>{t('applications.start.fee')}</h2><ul class="list bullet">{fee.lines.map((line) => <li key={line.label}>{line.label}: {formatMoney(line.amount, language.code)}</li>)}</ul></>)}
      <p><a class="button start" role="button" href={`/apply/${encodeURIComponent(serviceCode)}/eligibility`}>{t('applications.start.button')}</a></p>
      {drafts.length > 0 && <p><a href={`/apply/d/${drafts[0]!.id}/check`}>{t('applications.start.continueDraft')}</a></p>}
    </>
  );
}

export function EligibilityPage({ serviceCode, questions, chosen, errors, csrf }: { serviceCode: string; questions: EligibilityQuestion[]; chosen: Record<string, string>; errors: FieldErrors; csrf: string }) {
  const { t } = useTranslator();
  return (
    <>
      <BackLink href={`/apply/${encodeURIComponent(serviceCode)}`} />
      <ErrorSummary errors={errors} />
      <h1>{t('applications.eligibility.title')}</h1>
      <PostForm action={`/apply/${encodeURIComponent(serviceCode)}/eligibility`} csrf={csrf}>
        {questions.map((q) => <Choices key={q.id} name={`q_${q.id}`} legend={q.question} hint={q.hint} error={errors[`q_${q.id}`]} options={q.options} chosen={chosen[q.id] ? [chosen[q.id]!] : []} />)}
        <button type="submit">{t('applications.continue')}</button>
      </PostForm>
    </>
  );
}

export function EligibilityResult({ serviceCode, result, csrf }: { serviceCode: string; result: { kind: 'needed' } | { kind: 'not_needed'; reason: string } | { kind: 'other_service'; serviceCode: string; reason: string }; csrf: string }) {
  const { t } = useTranslator();
  if (result.kind === 'needed') {
    return (
      <>
        <h1>{t('applications.eligibility.neededTitle')}</h1>
        <p>{t('applications.eligibility.neededText')}</p>
        <PostForm action={`/apply/${encodeURIComponent(serviceCode)}/start`} csrf={csrf}><button type="submit" class="start">{t('applications.start.button')}</button></PostForm>
      </>
    );
  }
  return (
    <>
      <h1>{t(result.kind === 'not_needed' ? 'applications.eligibility.notNeededTitle' : 'applications.eligibility.otherTitle')}</h1>
      <p>{result.reason}</p>
      {result.kind === 'other_service' && <p><a href={`/apply/${encodeURIComponent(result.serviceCode)}`}>{t('applications.eligibility.otherLink')}</a></p>}
      <p><a href={`/apply/${encodeURIComponent(serviceCode)}/eligibility`}>{t('applications.eligibility.again')}</a></p>
    </>
  );
}

/**
 * The settings' preview of a draft form renders these same pages: its forms post to `base`
 * and carry the answers so far in `state` (a preview stores nothing), and it has no saving.
 */
export interface PreviewTarget { base: string; state: string }
const actionBase = (draftId: string, preview?: PreviewTarget) => preview?.base ?? `/apply/d/${draftId}`;
const Carry = ({ preview }: { preview?: PreviewTarget }) => (preview ? <input type="hidden" name="s" value={preview.state} /> : null);

/** The draft's save-and-come-back-later button: on every question page. */
function SaveForLater({ draftId, csrf }: { draftId: string; csrf: string }) {
  const { t } = useTranslator();
  return <PostForm action={`/apply/d/${draftId}/save`} csrf={csrf}><button type="submit" class="secondary">{t('applications.save.button')}</button></PostForm>;
}

export function QuestionPage({ draftId, page, title, typed, errors, csrf, back, fromCheck, documents, uploadsAllowed, preview, address, chosen, map }: {
  draftId: string; page: PageDefinition; title: string; typed: Typed; errors: FieldErrors; csrf: string; back: string; fromCheck: boolean;
  documents: DocumentRow[]; uploadsAllowed: boolean; preview?: PreviewTarget;
  /** A gazetteer search just made on one of the page's address fields. */
  address?: AddressSearch;
  /** The place chosen from the gazetteer for each address field (its label), if any. */
  chosen?: Record<string, string | null>;
  /** The map's tiles and the council's bounds, for drawing on the map (with JavaScript). */
  map?: MapSettings;
}) {
  const { t } = useTranslator();
  const fields = page.fields ?? [];
  const drawn = map ? fields.filter((f) => f.type === 'map_point' || f.type === 'map_area') : [];
  return (
    <>
      <BackLink href={back} />
      <ErrorSummary errors={errors} />
      <span class="caption">{title}</span>
      <h1>{page.title}</h1>
      {page.hint && <p>{page.hint}</p>}
      {fields.filter((f) => f.type === 'file').map((field) => (
        <FileField key={field.id} draftId={draftId} pageId={page.id} field={field} documents={documents.filter((d) => d.field === field.id)} csrf={csrf} error={errors[field.id]} allowed={uploadsAllowed} />
      ))}
      {!preview && fields.filter((f) => f.type === 'address').map((field) => (
        <AddressFinder key={field.id} draftId={draftId} pageId={page.id} field={field} csrf={csrf} errors={errors}
          search={address?.field === field.id ? address : undefined} chosen={chosen?.[field.id] ?? null} />
      ))}
      <PostForm action={`${actionBase(draftId, preview)}/page/${page.id}`} csrf={csrf}>
        <Carry preview={preview} />
        {fromCheck && <input type="hidden" name="from" value="check" />}
        {fields.filter((f) => f.type !== 'file').map((field) => (
          <FieldInput key={field.id} field={field} typed={typed} error={errors[field.id]} map={drawn.includes(field) ? map : undefined} />
        ))}
        <button type="submit">{t('applications.continue')}</button>
      </PostForm>
      {!preview && <SaveForLater draftId={draftId} csrf={csrf} />}
      {drawn.length > 0 && <script src="/assets/map.js" defer></script>}
    </>
  );
}

function FileField({ draftId, pageId, field, documents, csrf, error, allowed }: { draftId: string; pageId: string; field: FieldDefinition; documents: DocumentRow[]; csrf: string; error?: string; allowed: boolean }) {
  const { t } = useTranslator();
  const max = field.maxFiles ?? 1;
  return (
    <div class={error ? 'field-error' : undefined}>
      <h2 id={field.id} tabindex={-1}>{field.label}</h2>
      {field.hint && <p class="hint">{field.hint}</p>}
      <ErrorText id={field.id} error={error} />
      {documents.length > 0 && (
        <ul class="list">{documents.map((d) => (
          <li key={d.id}>
            <a href={`/apply/documents/${d.id}`}>{d.filename}</a>{' '}
            <PostForm action={`/apply/d/${draftId}/documents/${d.id}/remove?page=${pageId}`} csrf={csrf}>
              <button type="submit" class="link">{t('applications.upload.remove')}<span class="visually-hidden"> {d.filename}</span></button>
            </PostForm>
          </li>))}
        </ul>
      )}
      {allowed && documents.length < max && (
        <form method="post" action={csrfAction(`/apply/d/${draftId}/documents/${field.id}?page=${pageId}`, csrf)} enctype="multipart/form-data">
          <label for={`${field.id}-file`}>{t('applications.upload.choose')}</label>
          <span class="hint" id={`${field.id}-file-hint`}>{t('applications.upload.hint', { count: max })}</span>
          <input type="file" id={`${field.id}-file`} name="file" accept="application/pdf,image/jpeg,image/png" aria-describedby={`${field.id}-file-hint`} />
          <button type="submit" class="secondary">{t('applications.upload.button')}</button>
        </form>
      )}
    </div>
  );
}

/**
 * Find an address in the council's places index: a search box, then the matches to choose from;
 * the address field below stays for typing it by hand (an address the index does not know).
 */
function AddressFinder({ draftId, pageId, field, csrf, errors, search, chosen }: {
  draftId: string; pageId: string; field: FieldDefinition; csrf: string; errors: FieldErrors; search?: AddressSearch; chosen: string | null;
}) {
  const { t } = useTranslator();
  const q = `${field.id}-q`;
  const place = `${field.id}-place`;
  return (
    <section class="address-finder" aria-labelledby={`${field.id}-find`}>
      <h2 id={`${field.id}-find`}>{t('applications.address.find', { label: field.label })}</h2>
      {chosen && <p class="notice" role="status">{t('applications.address.chosen', { address: chosen })}</p>}
      <PostForm action={`/apply/d/${draftId}/address/${field.id}`} csrf={csrf}>
        <input type="hidden" name="page" value={pageId} />
        <div class={errors[q] ? 'field-error' : undefined}>
          <label for={q}>{t('report.location.searchLabel')}</label>
          <span class="hint" id={`${q}-hint`}>{t('report.location.searchHint')}</span>
          <ErrorText id={q} error={errors[q]} />
          <input id={q} name={q} type="search" value={search?.query ?? ''} autocomplete="street-address" spellcheck={false}
            aria-describedby={describedBy(`${q}-hint`, errors[q] && `${q}-error`)} aria-invalid={errors[q] ? 'true' : undefined} />
        </div>
        <button type="submit" class="secondary">{t('applications.address.search')}</button>
      </PostForm>
      {search && search.results.length > 0 && (
        <PostForm action={`/apply/d/${draftId}/address/${field.id}/choose`} csrf={csrf}>
          <input type="hidden" name="page" value={pageId} />
          <input type="hidden" name={q} value={search.query} />
          {search.numberNotFound && <p class="notice" role="status">{t('applications.address.numberNotFound', { number: search.numberNotFound })}</p>}
          <Choices name={place} legend={t('report.location.choosePlace', { query: search.query })} error={errors[place]}
            options={search.results.map((p) => ({ value: String(p.id), label: p.name, hint: t(`report.location.kind.${p.kind}`) }))} chosen={[]} />
          <button type="submit">{t('applications.address.use')}</button>
        </PostForm>
      )}
      {search && search.results.length === 0 && search.query !== '' && (
        <div class="notice" role="status">
          <p>{t('report.location.noMatch', { query: search.query })}</p>
          <p>{t('applications.address.noMatchHelp')}</p>
        </div>
      )}
    </section>
  );
}

export function GroupPage({ draftId, page, title, items, typed, errors, csrf, back, preview }: {
  draftId: string; page: PageDefinition; title: string; items: GroupItem[]; typed: Typed; errors: FieldErrors; csrf: string; back: string; preview?: PreviewTarget;
}) {
  const { t } = useTranslator();
  const group = page.group!;
  const action = `${actionBase(draftId, preview)}/page/${page.id}`;
  return (
    <>
      <BackLink href={back} />
      <ErrorSummary errors={errors} />
      <span class="caption">{title}</span>
      <h1>{page.title}</h1>
      {items.length > 0 && (
        <>
          <h2>{t('applications.group.added', { count: items.length, item: group.itemName })}</h2>
          <dl class="summary">
            {items.map((item, index) => (
              <div class="summary-row" key={index}>
                <dt>{group.itemName} {index + 1}</dt>
                <dd>{group.fields.map((f) => item[f.id] !== undefined ? <span class="block" key={f.id}>{f.label}: <bdi>{answerWords(f, item[f.id]!, t)}</bdi></span> : null)}</dd>
                <dd class="change">
                  <PostForm action={action} csrf={csrf}>
                    <Carry preview={preview} />
                    <input type="hidden" name="remove" value={String(index)} />
                    <button type="submit" class="link">{t('applications.group.remove')}<span class="visually-hidden"> {group.itemName} {index + 1}</span></button>
                  </PostForm>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {items.length < group.max && (
        <PostForm action={action} csrf={csrf}>
          <Carry preview={preview} />
          <input type="hidden" name="add" value="yes" />
          <h2>{items.length === 0 ? t('applications.group.first', { item: group.itemName }) : t('applications.group.another', { item: group.itemName })}</h2>
          {group.fields.map((field) => <FieldInput key={field.id} field={field} typed={typed} error={errors[field.id]} />)}
          <button type="submit" class="secondary">{t('applications.group.add', { item: group.itemName })}</button>
        </PostForm>
      )}
      <PostForm action={action} csrf={csrf}>
        <Carry preview={preview} />
        <input type="hidden" name="done" value="yes" />
        <ErrorText id="group" error={errors.group} />
        <button type="submit" id="group">{t('applications.continue')}</button>
      </PostForm>
      {!preview && <SaveForLater draftId={draftId} csrf={csrf} />}
    </>
  );
}

export function answerWords(field: FieldDefinition, answer: Answer, t: ReturnType<typeof useTranslator>['t']): string {
  const values = typeof answer === 'string' ? [answer] : answer.filter((a): a is string => typeof a === 'string');
  switch (field.type) {
    case 'choice':
    case 'multiple_choice':
      return values.map((v) => field.options?.find((o) => o.value === v)?.label ?? v).join(', ');
    case 'yes_no': return values[0] === 'yes' ? t('applications.yes') : t('applications.no');
    case 'declaration': return t('applications.declared');
    case 'money': return formatMoney(Number(values[0]));
    case 'map_point':
    case 'map_area': {
      const text = values[0] ?? '';
      if (!text.startsWith('{')) return text;
      const g = JSON.parse(text) as { type: string; coordinates: unknown };
      if (g.type === 'Point') {
        const [long, lat] = g.coordinates as [number, number];
        return t('applications.pointWords', { lat: lat.toFixed(5), long: long.toFixed(5) });
      }
      return t('applications.areaWords', { corners: (g.coordinates as unknown[][])[0]!.length - 1 });
    }
    default: return values.join(', ');
  }
}

export function DetailsPage({ draftId, typed, errors, csrf, back, signedInEmail }: { draftId: string; typed: Typed; errors: FieldErrors; csrf: string; back: string; signedInEmail: string | null }) {
  const { t } = useTranslator();
  const input = (id: string, label: string, type: 'text' | 'email' | 'tel', autocomplete: string, hint?: string) => (
    <div class={errors[id] ? 'field-error' : undefined}>
      <label for={id}>{label}</label>
      {hint && <span class="hint" id={`${id}-hint`}>{hint}</span>}
      <ErrorText id={id} error={errors[id]} />
      <input id={id} name={id} type={type as 'text'} value={str(typed[id])} autocomplete={autocomplete} spellcheck={false}
        aria-describedby={describedBy(hint && `${id}-hint`, errors[id] && `${id}-error`)} aria-invalid={errors[id] ? 'true' : undefined} />
    </div>
  );
  return (
    <>
      <BackLink href={back} />
      <ErrorSummary errors={errors} />
      <h1>{t('applications.details.title')}</h1>
      <PostForm action={`/apply/d/${draftId}/details`} csrf={csrf}>
        {input('applicant_name', t('applications.details.name'), 'text', 'name')}
        {input('applicant_email', t('applications.details.email'), 'email', 'email', signedInEmail ? undefined : t('applications.details.emailHint'))}
        {input('applicant_phone', t('applications.details.phone'), 'tel', 'tel')}
        <button type="submit">{t('applications.continue')}</button>
      </PostForm>
    </>
  );
}

export function CheckPage({ draftId, definition, answers, contact, documents, fee, csrf, errors, preview }: {
  draftId: string; definition: FormDefinition; answers: Answers; contact: ApplicantContact | null; documents: DocumentRow[]; fee: CalculatedFee; csrf: string; errors: FieldErrors;
  preview?: PreviewTarget;
}) {
  const { t, language } = useTranslator();
  const row = (key: string, label: string, value: ComponentChildren, change: string) => (
    <div class="summary-row" key={key}>
      <dt>{label}</dt><dd>{value}</dd>
      <dd class="change"><a href={`${change}?from=check${preview ? `&s=${encodeURIComponent(preview.state)}` : ''}`}>{t('report.check.change')}<span class="visually-hidden"> {label}</span></a></dd>
    </div>
  );
  const sections = new Map<string, ComponentChildren[]>();
  for (const page of definition.pages) {
    const rows: ComponentChildren[] = [];
    const change = `${actionBase(draftId, preview)}/page/${page.id}`;
    if (page.group) {
      groupItems(answers, page.group.id).forEach((item, n) => rows.push(row(`${page.id}-${n}`, `${page.group!.itemName} ${n + 1}`,
        page.group!.fields.map((f) => (item[f.id] !== undefined ? <span class="block" key={f.id}>{f.label}: <bdi>{answerWords(f, item[f.id]!, t)}</bdi></span> : null)), change)));
    }
    for (const field of page.fields ?? []) {
      if (field.type === 'file') {
        const mine = documents.filter((d) => d.field === field.id);
        if (mine.length > 0) rows.push(row(field.id, field.label, mine.map((d) => <span class="block" key={d.id}><bdi>{d.filename}</bdi></span>), change));
      } else if (answers[field.id] !== undefined) rows.push(row(field.id, field.label, <bdi>{answerWords(field, answers[field.id]!, t)}</bdi>, change));
    }
    if (rows.length === 0) continue;
    const section = page.section ?? page.title;
    sections.set(section, [...(sections.get(section) ?? []), ...rows]);
  }
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{t('applications.check.title')}</h1>
      {[...sections].map(([section, rows]) => (<section key={section}><h2>{section}</h2><dl class="summary check">{rows}</dl></section>))}
      <h2>{t('applications.check.you')}</h2>
      <dl class="summary check">
        {contact && row('contact', t('applications.details.title'), <><bdi class="block">{contact.name}</bdi><bdi class="block">{contact.email}</bdi>{contact.phone && <bdi class="block">{contact.phone}</bdi>}</>, `/apply/d/${draftId}/details`)}
      </dl>
      <h2>{t('applications.check.fee')}</h2>
      {fee.total === 0 ? <p>{t('applications.check.noFee')}</p> : (
        <dl class="summary">
          {fee.lines.map((line) => <div class="summary-row" key={line.label}><dt>{line.label}</dt><dd>{formatMoney(line.amount, language.code)}</dd></div>)}
          <div class="summary-row"><dt>{t('applications.check.total')}</dt><dd><strong>{formatMoney(fee.total, language.code)}</strong></dd></div>
        </dl>
      )}
      <h2>{t('applications.check.sendTitle')}</h2>
      <p>{t('applications.check.sendText')}</p>
      <PostForm action={`${actionBase(draftId, preview)}/check`} csrf={csrf}><Carry preview={preview} /><button type="submit" id="send">{t(fee.total > 0 ? 'applications.check.sendAndPay' : 'applications.check.send')}</button></PostForm>
    </>
  );
}

export function SavedPage({ signedIn, draftId, csrf, emailed, typedEmail, error }: { signedIn: boolean; draftId: string; csrf: string; emailed: string | null; typedEmail: string; error?: string }) {
  const { t } = useTranslator();
  if (signedIn) return (<><h1>{t('applications.save.savedTitle')}</h1><p>{t('applications.save.savedAccount')}</p><p><a href="/account/applications">{t('applications.account.title')}</a></p></>);
  if (emailed) return (<><h1>{t('applications.save.emailedTitle')}</h1><p>{t('applications.save.emailedText', { email: emailed, days: 7 })}</p></>);
  return (
    <>
      <ErrorSummary errors={error ? { resume_email: error } : {}} />
      <h1>{t('applications.save.guestTitle')}</h1>
      <p>{t('applications.save.guestText')}</p>
      <PostForm action={`/apply/d/${draftId}/save`} csrf={csrf}>
        <div class={error ? 'field-error' : undefined}>
          <label for="resume_email">{t('applications.details.email')}</label>
          <ErrorText id="resume_email" error={error} />
          <input id="resume_email" name="resume_email" type="email" autocomplete="email" value={typedEmail} spellcheck={false} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'resume_email-error' : undefined} />
        </div>
        <button type="submit">{t('applications.save.send')}</button>
      </PostForm>
    </>
  );
}

export function SentPage({ reference, fee, payable, csrf }: { reference: number; fee: number; payable: boolean; csrf: string }) {
  const { t, language } = useTranslator();
  return (
    <>
      <div class="panel confirmation">
        <h1>{t('applications.sent.title')}</h1>
        <p>{t('applications.sent.reference')} <strong>{reference}</strong></p>
      </div>
      <p>{t('applications.sent.email')}</p>
      {payable && (
        <>
          <h2>{t('applications.sent.payTitle')}</h2>
          <p>{t('applications.sent.payText', { amount: formatMoney(fee, language.code) })}</p>
          <PostForm action={`/apply/applications/${reference}/pay`} csrf={csrf}><button type="submit">{t('applications.sent.payButton')}</button></PostForm>
        </>
      )}
      <p><a href={`/apply/applications/${reference}`}>{t('applications.sent.follow')}</a></p>
    </>
  );
}

export function AccountApplications({ drafts, applications }: {
  drafts: Array<{ id: string; title: string; updatedAt: string }>;
  applications: Array<{ caseId: number; serviceName: string; state: string; status: string; paymentState: string }>;
}) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('applications.account.title')}</h1>
      <h2>{t('applications.account.drafts')}</h2>
      {drafts.length === 0 ? <p>{t('applications.account.noDrafts')}</p>
        : <ul class="list">{drafts.map((d) => <li key={d.id}><a href={`/apply/d/${d.id}/check`}>{d.title}</a></li>)}</ul>}
      <h2>{t('applications.account.sent')}</h2>
      {applications.length === 0 ? <p>{t('applications.account.noneSent')}</p>
        : <ul class="list">{applications.map((a) => <li key={a.caseId}><a href={`/apply/applications/${a.caseId}`}>{t('applications.account.row', { reference: a.caseId, service: a.serviceName })}</a></li>)}</ul>}
    </>
  );
}
