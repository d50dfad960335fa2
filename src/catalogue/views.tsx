/** The catalogue as residents see it: the search box, services by group, results, a service's page. */
import { residentAttributes, type Service } from './types.js';
import type { TypicalTime } from './usage.js';
import { isolateFor, useTranslator } from '../i18n/i18n.js';

export const serviceUrl = (code: string) => `/services/${encodeURIComponent(code)}`;
export const startReportUrl = (code: string) => `/report/new?service=${encodeURIComponent(code)}`;

/** A GET form, so search works without JavaScript and a results page can be bookmarked. */
export function SearchForm({ query = '', id = 'q' }: { query?: string; id?: string }) {
  const { t } = useTranslator();
  return (
    <form method="get" action="/search" role="search" class="search-form">
      <label for={id}>{t('catalogue.searchLabel')}</label>
      <span class="hint" id={`${id}-hint`}>{t('catalogue.searchHint')}</span>
      <div class="search-row">
        <input type="search" id={id} name="q" value={query} aria-describedby={`${id}-hint`} autocomplete="off" spellcheck={false} />
        <button type="submit">{t('catalogue.searchButton')}</button>
      </div>
    </form>
  );
}

/** Every active service under its group's heading, in catalogue order. */
export function ServicesByGroup({ services }: { services: readonly Service[] }) {
  const groups = new Map<string, Service[]>();
  for (const service of services) {
    const list = groups.get(service.groupName) ?? [];
    list.push(service);
    groups.set(service.groupName, list);
  }
  return (
    <>
      {[...groups].map(([group, list]) => (
        <section key={group} aria-labelledby={`group-${list[0]!.groupCode}`}>
          <h2 id={`group-${list[0]!.groupCode}`}>{group}</h2>
          <ul class="service-list">
            {list.map((s) => (
              <li key={s.code}><a href={serviceUrl(s.code)}>{s.name}</a>{s.description && <p>{firstSentence(s.description)}</p>}</li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

/** A one-line description: the first sentence of a longer one. */
export function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
  return (match?.[1] ?? text).trim();
}

export interface SearchHit {
  title: string;
  url: string;
  summary: string;
  /** The group of a service; absent for an information page. */
  group?: string;
}

export function SearchResults({ query, hits }: { query: string; hits: readonly SearchHit[] }) {
  const { t, rich } = useTranslator();
  return (
    <>
      <h2 id="results">{t('catalogue.resultCount', { count: hits.length, query })}</h2>
      {hits.length === 0 ? (
        <div class="no-results">
          <p>{t('catalogue.noResultsIntro')}</p>
          <ul>
            <li>{t('catalogue.noResultsSpelling')}</li>
            <li>{t('catalogue.noResultsWords')}</li>
            <li>{rich('catalogue.noResultsBrowse', { link: (c) => <a href="/services">{c}</a> })}</li>
            <li>{rich('catalogue.noResultsReport', { link: (c) => <a href="/report/new">{c}</a> })}</li>
          </ul>
        </div>
      ) : (
        <ul class="search-results" aria-labelledby="results">
          {hits.map((hit) => (
            <li key={hit.url}>
              <a href={hit.url}>{hit.title}</a>
              {hit.group && <span class="hint">{t('catalogue.inGroup', { group: hit.group })}</span>}
              {hit.summary && <p>{hit.summary}</p>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function HowLong({ typical }: { typical: TypicalTime }) {
  const { t } = useTranslator();
  if (typical.source === 'none') return <p>{t('catalogue.noEstimate')}</p>;
  if (typical.source === 'expected') return <p>{t('catalogue.expectedDays', { count: typical.days })}</p>;
  const days = Math.round(typical.days);
  return (
    <p>
      {typical.days < 1 ? t('catalogue.medianUnderADay') : t('catalogue.medianDays', { count: Math.max(1, days) })}{' '}
      {t('catalogue.medianBasis', { count: typical.closed })}
    </p>
  );
}

/** A question as a resident reads it, with the choices of a list. */
function Question({ question }: { question: Service['attributes'][number] }) {
  const { t, language } = useTranslator();
  // Arabic separates a list with its own comma (،).
  const choices = question.values.map((v) => v.name).join(language.code === 'ar' ? '، ' : ', ');
  return (
    <li>
      {question.description}{question.required ? '' : ` ${t('catalogue.optional')}`}
      {choices && <span class="hint">{question.datatype === 'multivaluelist' ? t('catalogue.chooseAny', { choices }) : t('catalogue.chooseOne', { choices })}</span>}
    </li>
  );
}

export function ServiceDetails({ service, typical }: { service: Service; typical: TypicalTime }) {
  const { t, language } = useTranslator();
  const questions = residentAttributes(service).filter((a) => a.variable);
  const notes = residentAttributes(service).filter((a) => !a.variable);
  return (
    <>
      <span class="caption">{service.groupName}</span>
      <h1>{service.name}</h1>
      {!service.active && <div class="notice"><p>{t('catalogue.inactive')}</p></div>}
      <h2>{t('catalogue.covers')}</h2>
      <p>{service.description || t('catalogue.noDescription')}</p>
      {notes.map((note) => <div class="notice" key={note.code}><p>{note.description}</p></div>)}

      <h2>{t('catalogue.asks')}</h2>
      <p>{t('catalogue.asksAlways')}</p>
      {questions.length > 0 && (
        <>
          <p>{t('catalogue.asksAlso')}</p>
          <ul class="questions">{questions.map((q) => <Question key={q.code} question={q} />)}</ul>
        </>
      )}

      <h2>{t('catalogue.next')}</h2>
      <p>{t('catalogue.nextSteps')}</p>
      {service.agencyResponsible && <p>{t('catalogue.dealtWithBy', { agency: isolateFor(language, service.agencyResponsible) })}</p>}
      {service.serviceNotice && <p>{service.serviceNotice}</p>}

      <h2>{t('catalogue.howLong')}</h2>
      <HowLong typical={typical} />
      <p><a href={`/performance/${encodeURIComponent(service.code)}`}>{t('catalogue.performanceLink')}</a></p>

      {service.active
        ? <p><a class="button start" href={startReportUrl(service.code)} role="button" draggable={false}>{t('catalogue.start')}</a></p>
        : <p><a href="/services">{t('catalogue.browseOthers')}</a></p>}
    </>
  );
}
