/**
 * The service editor's translations: one form per language the council offers, with the default
 * language's text beside each field, and a preview of the service's page in that language.
 */
import type { Service } from '../catalogue/types.js';
import { ServiceDetails } from '../catalogue/views.js';
import { TranslatorContext, translator } from '../i18n/i18n.js';
import type { Language } from '../i18n/languages.js';
import { PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { serviceUrl } from './services-views.js';

export const translationUrl = (code: string, language: string) => `${serviceUrl(code)}/translations/${encodeURIComponent(language)}`;

/** The form's fields: service fields by name, question fields as q<i>-description, q<i>-help, q<i>-v<j>. */
export type TranslationFormValues = Record<string, string>;

export function translationValuesOf(service: Service, language: string): TranslationFormValues {
  const t = service.translations?.[language] ?? {};
  const values: TranslationFormValues = {
    name: t.name ?? '', description: t.description ?? '', keywords: (t.keywords ?? []).join(', '),
    serviceNotice: t.serviceNotice ?? '', agencyResponsible: t.agencyResponsible ?? '',
  };
  service.attributes.forEach((a, i) => {
    const at = a.translations?.[language] ?? {};
    values[`q${i}-description`] = at.description ?? '';
    values[`q${i}-help`] = at.helpText ?? '';
    a.values.forEach((v, j) => { values[`q${i}-v${j}`] = at.values?.[v.key] ?? ''; });
  });
  return values;
}

/** One translated field: the default language's text as its hint, typed in the target language's direction. */
function Field({ name, label, original, value, language, long, error }: {
  name: string; label: string; original: string | null; value: string; language: Language; long?: boolean; error?: string;
}) {
  const hintId = `${name}-hint`;
  const describedBy = [original ? hintId : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for={name}>{label}</label>
      {original && <span class="hint" id={hintId}>English: <bdi>{original}</bdi></span>}
      {error && <span class="error-message" id={`${name}-error`}>Error: {error}</span>}
      {long
        ? <textarea id={name} name={name} rows={3} lang={language.code} dir={language.dir} aria-describedby={describedBy}>{value}</textarea>
        : <input id={name} name={name} type="text" value={value} lang={language.code} dir={language.dir} aria-describedby={describedBy} />}
    </div>
  );
}

export function TranslationForm({ service, language, values, errors, csrf }: {
  service: Service; language: Language; values: TranslationFormValues; errors: FieldErrors; csrf: string;
}) {
  const v = (name: string) => values[name] ?? '';
  return (
    <PostForm action={translationUrl(service.code, language.code)} csrf={csrf}>
      <p>Leave a field empty to show the English text in its place.</p>
      <Field name="name" label="Name" original={service.name} value={v('name')} language={language} error={errors.name} />
      <Field name="description" label="Description" original={service.description || null} value={v('description')} language={language} long error={errors.description} />
      <Field name="keywords" label="Search words, separated by commas" original={service.keywords.join(', ') || null} value={v('keywords')} language={language} error={errors.keywords} />
      <Field name="serviceNotice" label="Notice after reporting" original={service.serviceNotice} value={v('serviceNotice')} language={language} long error={errors.serviceNotice} />
      <Field name="agencyResponsible" label="Department name, as residents read it" original={service.agencyResponsible} value={v('agencyResponsible')} language={language} error={errors.agencyResponsible} />
      {service.attributes.map((a, i) => (
        <fieldset key={a.code}>
          <legend>Question <code>{a.code}</code></legend>
          <Field name={`q${i}-description`} label={a.variable ? 'Question' : 'Information text'} original={a.description} value={v(`q${i}-description`)} language={language} long={!a.variable} />
          <Field name={`q${i}-help`} label="Help text" original={a.helpText} value={v(`q${i}-help`)} language={language} />
          {a.values.map((option, j) => (
            <Field key={option.key} name={`q${i}-v${j}`} label={`Answer "${option.key}"`} original={option.name} value={v(`q${i}-v${j}`)} language={language} />
          ))}
        </fieldset>
      ))}
      <div class="button-group">
        <button type="submit" name="_action" value="preview" class="secondary">Preview in {language.name}</button>
        <button type="submit" name="_action" value="save">Save and publish</button>
      </div>
    </PostForm>
  );
}

/** The service's page as a resident reading `language` sees it, in that language's words and direction. */
export function TranslationPreview({ service, language }: { service: Service; language: Language }) {
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview: the service's page in {language.name}</h2>
      <p class="hint">Nothing is saved yet. Empty fields show the English text.</p>
      <div class="preview-frame" lang={language.code} dir={language.dir}>
        <TranslatorContext.Provider value={translator(language)}>
          <ServiceDetails service={service} typical={service.expectedDays === null ? { source: 'none' } : { source: 'expected', days: service.expectedDays }} />
        </TranslatorContext.Provider>
      </div>
    </section>
  );
}

/** On the service's settings page: each language, how much of it is translated, and its form. */
export function TranslationsSummary({ service, languages, missing }: { service: Service; languages: readonly Language[]; missing: Record<string, number> }) {
  return (
    <section aria-labelledby="translations">
      <h2 id="translations">Translations</h2>
      <p>Residents who read the site in another language see the service in it; a field not translated shows in English.</p>
      <TableWrap label="Translations">
        <table>
          <thead><tr><th scope="col">Language</th><th scope="col">Fields still in English</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
          <tbody>
            {languages.map((l) => (
              <tr key={l.code}>
                <td lang={l.code} dir={l.dir}>{l.name}</td>
                <td>{missing[l.code] ? String(missing[l.code]) : 'None: fully translated'}</td>
                <td><a href={translationUrl(service.code, l.code)}>Translate<span class="skip-link"> into {l.code}</span></a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}
