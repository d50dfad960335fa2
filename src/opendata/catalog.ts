/**
 * The open-data catalogue: the datasets Townhall publishes and their downloads, described once
 * here and written out three ways for the harvesters that read them: DCAT-US 1.1 (`/data.json`,
 * as data.gov and US portals harvest it), DCAT-AP as JSON-LD (`/catalog.jsonld`, European
 * portals), and CKAN packages (the Action API in ckan.ts).
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { mediaTypes, type Format } from './export.js';
import { licences, type OpenDataSettings } from './settings.js';
import { caseSpan } from './store.js';

export interface Resource { id: string; name: string; format: 'CSV' | 'JSON' | 'GeoJSON'; mediaType: string; path: string; description: string; datastore: boolean }
export interface Dataset {
  name: string;
  title: string;
  notes: string;
  keywords: string[];
  resources: Resource[];
  /** ISO instant of the last change to the data. */
  modified: string;
  /** First and last day covered (YYYY-MM-DD), when known. */
  temporal: { from: string; to: string } | null;
}

const formatName: Record<Format, Resource['format']> = { csv: 'CSV', json: 'JSON', geojson: 'GeoJSON' };

/** The dataset names, which are also their identifiers in every catalogue and the CKAN API. */
export const REQUESTS_DATASET = 'service-requests';
export const SERVICES_DATASET = 'services';
export const PERFORMANCE_DATASET = 'performance';
/** The CKAN datastore's resource id for the requests table. */
export const REQUESTS_RESOURCE = 'service-requests-csv';
/** The CKAN datastore's resource id for the performance table. */
export const PERFORMANCE_RESOURCE = 'performance-csv';

export async function datasets(db: DB, config: Config, settings: OpenDataSettings): Promise<Dataset[]> {
  const span = await caseSpan(db, config.jurisdiction.id);
  const now = new Date().toISOString();
  const freeText = settings.freeText === 'withhold'
    ? 'What residents wrote is left out.'
    : 'What residents wrote is included with email addresses, web addresses and phone numbers removed.';
  const rounding = settings.coordinateDecimals === null ? '' : ` Locations are rounded to ${settings.coordinateDecimals} decimal places.`;
  const temporalFrom = settings.temporalFrom || span.first?.slice(0, 10);
  const requests: Dataset = {
    name: REQUESTS_DATASET,
    title: `${config.jurisdiction.name}: service requests`,
    notes: `Every problem reported to ${config.jurisdiction.name} (potholes, streetlights, dumped rubbish...): what, where, when, and what happened to it. `
      + `No personal details: nothing about the people who reported them. ${freeText}${rounding} Practice cases from staff training are never included.`,
    keywords: ['311', 'service requests', 'open311', 'council services'],
    modified: span.modified ?? now,
    temporal: temporalFrom ? { from: temporalFrom, to: (span.last ?? now).slice(0, 10) } : null,
    resources: (['csv', 'json', 'geojson'] as const).map((format) => ({
      id: `service-requests-${format}`,
      name: `Service requests (${formatName[format]})`,
      format: formatName[format],
      mediaType: mediaTypes[format],
      path: `/open-data/requests.${format}`,
      description: `Every service request as ${formatName[format]}. Filter with from, to (dates), service (codes), area (an area's number) or bbox; add profile=nyc311 for the NYC 311 column names.`,
      datastore: format === 'csv',
    })),
  };
  const services: Dataset = {
    name: SERVICES_DATASET,
    title: `${config.jurisdiction.name}: services`,
    notes: `The services residents can report problems about or apply for, with their codes, groups and the department that deals with them.`,
    keywords: ['services', 'service catalogue', 'open311'],
    modified: now,
    temporal: null,
    resources: (['csv', 'json'] as const).map((format) => ({
      id: `services-${format}`, name: `Services (${formatName[format]})`, format: formatName[format], mediaType: mediaTypes[format],
      path: `/open-data/services.${format}`, description: `The service catalogue as ${formatName[format]}.`, datastore: false,
    })),
  };
  const performance: Dataset = {
    name: PERFORMANCE_DATASET,
    title: `${config.jurisdiction.name}: performance`,
    notes: `How ${config.jurisdiction.name}'s services are doing, month by month over the last 12 months, for the council and for each service: `
      + 'cost per transaction, user satisfaction, completion rate and digital take-up (the four measures of the service standard), '
      + 'and how many requests were closed within the time promised, with the median days to close. The same figures as the performance pages. '
      + 'A measure with too little data behind it is left empty.',
    keywords: ['performance', 'service standard', 'kpi', 'council services'],
    modified: now,
    temporal: null,
    resources: (['csv', 'json'] as const).map((format) => ({
      id: `performance-${format}`, name: `Performance (${formatName[format]})`, format: formatName[format], mediaType: mediaTypes[format],
      path: `/open-data/performance.${format}`,
      description: `The performance figures as ${formatName[format]}, one row per month for the council and for each service. Filter with service (codes) and from, to (months like 2026-01).`,
      datastore: format === 'csv',
    })),
  };
  return [requests, services, performance];
}

export const licenceOf = (settings: OpenDataSettings) => licences.find((l) => l.id === settings.licence) ?? licences[0];

/** DCAT-US 1.1 (the Project Open Data metadata schema), for /data.json. */
export function dcatUs(config: Config, settings: OpenDataSettings, list: readonly Dataset[]) {
  const base = config.publicUrl.replace(/\/$/, '');
  const licence = licenceOf(settings);
  return {
    '@context': 'https://resources.data.gov/schemas/dcat-us/v1.1/schema/catalog.jsonld',
    '@id': `${base}/data.json`,
    '@type': 'dcat:Catalog',
    conformsTo: 'https://resources.data.gov/schemas/dcat-us/v1.1/schema',
    describedBy: 'https://resources.data.gov/schemas/dcat-us/v1.1/schema/catalog.json',
    dataset: list.map((d) => ({
      '@type': 'dcat:Dataset',
      identifier: `${base}/open-data#${d.name}`,
      title: d.title,
      description: d.notes,
      keyword: d.keywords,
      modified: d.modified,
      publisher: { '@type': 'org:Organization', name: settings.publisher },
      contactPoint: { '@type': 'vcard:Contact', fn: settings.contactName, ...(settings.contactEmail ? { hasEmail: `mailto:${settings.contactEmail}` } : {}) },
      accessLevel: 'public',
      license: licence.url,
      accrualPeriodicity: settings.frequency,
      ...(settings.spatial ? { spatial: settings.spatial } : {}),
      ...(d.temporal ? { temporal: `${d.temporal.from}/${d.temporal.to}` } : {}),
      landingPage: `${base}/open-data`,
      language: ['en'],
      distribution: d.resources.map((r) => ({
        '@type': 'dcat:Distribution', title: r.name, description: r.description, downloadURL: `${base}${r.path}`, mediaType: r.mediaType, format: r.format,
      })),
    })),
  };
}

/** DCAT-AP (the EU application profile of DCAT) as JSON-LD, for /catalog.jsonld. */
export function dcatAp(config: Config, settings: OpenDataSettings, list: readonly Dataset[]) {
  const base = config.publicUrl.replace(/\/$/, '');
  const licence = licenceOf(settings);
  const publisher = { '@id': `${base}/#publisher`, '@type': 'foaf:Agent', 'foaf:name': settings.publisher };
  const frequency: Record<string, string> = { 'R/PT1H': 'HOURLY', 'R/P1D': 'DAILY', 'R/P1W': 'WEEKLY', 'R/P1M': 'MONTHLY', irregular: 'IRREG' };
  return {
    '@context': {
      dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', foaf: 'http://xmlns.com/foaf/0.1/',
      vcard: 'http://www.w3.org/2006/vcard/ns#', xsd: 'http://www.w3.org/2001/XMLSchema#', locn: 'http://www.w3.org/ns/locn#',
    },
    '@id': `${base}/catalog.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': `${config.jurisdiction.name}: open data`,
    'dct:description': `Open data published by ${settings.publisher} with Townhall.`,
    'dct:publisher': publisher,
    'foaf:homepage': { '@id': `${base}/open-data` },
    'dcat:dataset': list.map((d) => ({
      '@id': `${base}/open-data#${d.name}`,
      '@type': 'dcat:Dataset',
      'dct:identifier': d.name,
      'dct:title': d.title,
      'dct:description': d.notes,
      'dcat:keyword': d.keywords,
      'dct:modified': { '@value': d.modified, '@type': 'xsd:dateTime' },
      'dct:publisher': publisher,
      'dcat:contactPoint': { '@type': 'vcard:Kind', 'vcard:fn': settings.contactName, ...(settings.contactEmail ? { 'vcard:hasEmail': { '@id': `mailto:${settings.contactEmail}` } } : {}) },
      'dct:accrualPeriodicity': { '@id': `http://publications.europa.eu/resource/authority/frequency/${frequency[settings.frequency] ?? 'IRREG'}` },
      ...(d.temporal ? { 'dct:temporal': { '@type': 'dct:PeriodOfTime', 'dcat:startDate': { '@value': d.temporal.from, '@type': 'xsd:date' }, 'dcat:endDate': { '@value': d.temporal.to, '@type': 'xsd:date' } } } : {}),
      ...(settings.spatial ? { 'dct:spatial': { '@type': 'dct:Location', 'locn:geometry': settings.spatial } } : {}),
      'dcat:distribution': d.resources.map((r) => ({
        '@id': `${base}${r.path}`,
        '@type': 'dcat:Distribution',
        'dct:title': r.name,
        'dct:description': r.description,
        'dcat:accessURL': { '@id': `${base}${r.path}` },
        'dcat:downloadURL': { '@id': `${base}${r.path}` },
        'dcat:mediaType': { '@id': `https://www.iana.org/assignments/media-types/${r.mediaType}` },
        'dct:license': { '@id': licence.url },
      })),
    })),
  };
}
