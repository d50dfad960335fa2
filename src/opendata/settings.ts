/**
 * What the council publishes as open data, and on what terms: the licence, the publisher and
 * contact named in the catalogue, how often the data changes, the area and period it covers,
 * whether residents' free text (descriptions, status notes) is withheld or screened, and how
 * far coordinates are rounded. One row per jurisdiction (migration 068); every change audited.
 */
import { appendAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { invalid } from '../platform/errors.js';
import { isCalendarDate, nowIso } from '../platform/time.js';

/** Open licences a council may choose, by their CKAN licence ids (as CKAN's own licence list names them). */
export const licences = [
  { id: 'cc-by', title: 'Creative Commons Attribution 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  { id: 'cc-zero', title: 'Creative Commons CC0 1.0 (public domain dedication)', url: 'https://creativecommons.org/publicdomain/zero/1.0/' },
  { id: 'odc-pddl', title: 'Open Data Commons Public Domain Dedication and Licence', url: 'https://opendatacommons.org/licenses/pddl/1-0/' },
  { id: 'odc-by', title: 'Open Data Commons Attribution Licence', url: 'https://opendatacommons.org/licenses/by/1-0/' },
  { id: 'odc-odbl', title: 'Open Data Commons Open Database Licence', url: 'https://opendatacommons.org/licenses/odbl/1-0/' },
  { id: 'uk-ogl', title: 'Open Government Licence 3.0 (UK)', url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/' },
] as const;
export type LicenceId = (typeof licences)[number]['id'];

/** How often the data is refreshed, as ISO 8601 repeating durations (DCAT-US accrualPeriodicity). */
export const frequencies = [
  { id: 'R/PT1H', label: 'Every hour' },
  { id: 'R/P1D', label: 'Every day' },
  { id: 'R/P1W', label: 'Every week' },
  { id: 'R/P1M', label: 'Every month' },
  { id: 'irregular', label: 'Irregularly' },
] as const;
export type Frequency = (typeof frequencies)[number]['id'];

/** `withhold`: descriptions and status notes are left out; `screen`: published with emails, phone numbers and the like removed. */
export type FreeText = 'withhold' | 'screen';

export interface OpenDataSettings {
  licence: LicenceId;
  publisher: string;
  contactName: string;
  /** Published in the catalogue as the contact's address; empty: none. */
  contactEmail: string;
  frequency: Frequency;
  /** The area covered, in words or a bounding box ("minLong,minLat,maxLong,maxLat"); empty: the council's bounds. */
  spatial: string;
  /** The first day covered (YYYY-MM-DD); empty: from the earliest request. */
  temporalFrom: string;
  freeText: FreeText;
  /** Decimal places kept in published coordinates (0 to 6); null: as reported. 3 places is about 110 m, 4 about 11 m. */
  coordinateDecimals: number | null;
}

export function defaultSettings(config: Config): OpenDataSettings {
  const b = config.jurisdiction.bounds;
  return {
    licence: 'cc-by',
    publisher: config.jurisdiction.name,
    contactName: config.jurisdiction.name,
    contactEmail: config.branding.contact.email ?? '',
    frequency: 'R/P1D',
    spatial: `${b.minLong},${b.minLat},${b.maxLong},${b.maxLat}`,
    temporalFrom: '',
    freeText: 'withhold',
    coordinateDecimals: null,
  };
}

const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Every problem with the settings, each keyed by its form field. */
export function checkSettings(s: OpenDataSettings): Array<[keyof OpenDataSettings, string]> {
  const problems: Array<[keyof OpenDataSettings, string]> = [];
  if (!licences.some((l) => l.id === s.licence)) problems.push(['licence', 'Choose a licence from the list.']);
  if (s.publisher.trim() === '' || s.publisher.length > 200) problems.push(['publisher', 'Enter the publisher\'s name (at most 200 characters).']);
  if (s.contactName.trim() === '' || s.contactName.length > 200) problems.push(['contactName', 'Enter who people should contact about the data (at most 200 characters).']);
  if (s.contactEmail !== '' && (!email.test(s.contactEmail) || s.contactEmail.length > 200)) problems.push(['contactEmail', 'Enter an email address like opendata@council.example, or leave it empty.']);
  if (!frequencies.some((f) => f.id === s.frequency)) problems.push(['frequency', 'Choose how often the data changes.']);
  if (s.spatial.length > 500) problems.push(['spatial', 'The area must be 500 characters or fewer.']);
  if (s.temporalFrom !== '' && !isCalendarDate(s.temporalFrom)) problems.push(['temporalFrom', 'Enter the first day as a date like 2025-01-31, or leave it empty.']);
  if (s.freeText !== 'withhold' && s.freeText !== 'screen') problems.push(['freeText', 'Choose whether descriptions are withheld or screened.']);
  if (s.coordinateDecimals !== null && (!Number.isInteger(s.coordinateDecimals) || s.coordinateDecimals < 0 || s.coordinateDecimals > 6)) {
    problems.push(['coordinateDecimals', 'Choose how many decimal places to keep, from 0 to 6.']);
  }
  return problems;
}

export async function getOpenDataSettings(db: DB, config: Config): Promise<OpenDataSettings & { updatedAt: string | null }> {
  const row = await db.selectFrom('open_data_settings').select(['settings', 'updated_at']).where('jurisdiction_id', '=', config.jurisdiction.id).executeTakeFirst();
  const defaults = defaultSettings(config);
  if (!row) return { ...defaults, updatedAt: null };
  const stored = JSON.parse(row.settings) as Partial<OpenDataSettings>;
  const merged = { ...defaults, ...stored };
  // A value that no longer passes (a licence removed from the list) falls back to the default.
  for (const [key] of checkSettings(merged)) (merged as Record<string, unknown>)[key] = defaults[key];
  return { ...merged, updatedAt: row.updated_at };
}

/** Saves the settings after checking them all; audited with before and after. */
export async function saveOpenDataSettings(db: DB, config: Config, settings: OpenDataSettings, actor: string): Promise<void> {
  const problems = checkSettings(settings);
  if (problems.length > 0) throw invalid(problems.map(([, p]) => p).join(' '), problems.map(([, p]) => p));
  const { updatedAt: _ignored, ...before } = await getOpenDataSettings(db, config);
  await db.transaction().execute(async (trx) => {
    const at = nowIso();
    const values = { settings: JSON.stringify(settings), updated_at: at };
    await trx.insertInto('open_data_settings').values({ jurisdiction_id: config.jurisdiction.id, ...values })
      .onConflict((c) => c.column('jurisdiction_id').doUpdateSet(values)).execute();
    await appendAudit(trx, { actor, action: 'open_data_settings.updated', entityType: 'open_data_settings', entityId: config.jurisdiction.id, before, after: settings });
  });
}
