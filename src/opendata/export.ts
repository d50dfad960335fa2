/**
 * Downloads of service requests and of the service catalogue as CSV, JSON and GeoJSON. The
 * filters of a download are read from its web address and checked all at once (unknown
 * parameters named); the rows are then read a page at a time and written out as they come, so a
 * download of every case holds one page in memory whatever the size of the city.
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { listServices } from '../catalogue/catalogue.js';
import type { Service } from '../catalogue/types.js';
import { getPlace } from '../places/places.js';
import { csvCell } from '../platform/csv.js';
import { invalid } from '../platform/errors.js';
import { dayInZone, isCalendarDate, parseZonedDateTime } from '../platform/time.js';
import { columnsOf, presenter, type OpenRecord, type Profile } from './records.js';
import type { OpenDataSettings } from './settings.js';
import { publicCasePages, type CaseFilter } from './store.js';

export type Format = 'csv' | 'json' | 'geojson';
export const formats: readonly Format[] = ['csv', 'json', 'geojson'];
export const mediaTypes: Record<Format, string> = { csv: 'text/csv', json: 'application/json', geojson: 'application/geo+json' };

export interface ExportRequest { filter: CaseFilter; profile: Profile }

const known = ['from', 'to', 'service', 'area', 'bbox', 'status', 'profile'];
const MAX_SERVICES = 100;

/** One value of a query parameter; a parameter given twice is refused rather than guessed at (service may repeat). */
function single(query: Record<string, unknown>, name: string, problems: string[]): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') { problems.push(`Give ${name} once.`); return undefined; }
  return value.trim();
}

/** A start (`from`) or end (`to`, inclusive of its day) given as a day or as a date-time with its zone. */
/**
 * The `service` filter of a download (codes, comma-separated or repeated): the codes asked for, each
 * checked against the catalogue, or undefined when none is given. Problems are added to `problems`.
 */
export function serviceFilter(value: unknown, services: readonly Service[], problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const given = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
  if (given.length > MAX_SERVICES) problems.push(`Ask for at most ${MAX_SERVICES} services at once.`);
  const codes = new Set(services.map((s) => s.code));
  const missing = given.filter((code) => !codes.has(code));
  if (missing.length > 0) problems.push(`There is no service ${missing.slice(0, 5).map((c) => `"${c.slice(0, 64)}"`).join(', ')}. The service codes are in /open-data/services.csv.`);
  return given.length > 0 ? [...new Set(given)] : undefined;
}

function instant(text: string, name: 'from' | 'to', timeZone: string, problems: string[]): string | undefined {
  if (isCalendarDate(text)) return name === 'from' ? dayInZone(text, timeZone).from : dayInZone(text, timeZone).to;
  const parsed = parseZonedDateTime(text);
  if (parsed) return parsed;
  problems.push(`${name} must be a date like 2026-01-31, or a date and time with its zone like 2026-01-31T08:00:00Z.`);
  return undefined;
}

/** A bounding box "minLong,minLat,maxLong,maxLat" (GeoJSON's order). */
export function parseBbox(text: string): CaseFilter['bbox'] | null {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4 || parts.some((p) => !/^[-+]?\d{1,3}(\.\d+)?$/.test(p))) return null;
  const [minLong, minLat, maxLong, maxLat] = parts.map(Number) as [number, number, number, number];
  if (minLat < -90 || maxLat > 90 || minLong < -180 || maxLong > 180 || minLat > maxLat || minLong > maxLong) return null;
  return { minLat, minLong, maxLat, maxLong };
}

/** The download's filters from its query, checked against the catalogue and the gazetteer; every problem at once. */
export async function readExportRequest(db: DB, config: Config, query: Record<string, unknown>, services: readonly Service[]): Promise<ExportRequest> {
  const problems: string[] = [];
  const unknown = Object.keys(query).filter((name) => !known.includes(name));
  if (unknown.length > 0) problems.push(`Unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. This download takes ${known.join(', ')}.`);
  const filter: CaseFilter = {};
  const timeZone = config.jurisdiction.timeZone;
  const from = single(query, 'from', problems);
  const to = single(query, 'to', problems);
  if (from) filter.from = instant(from, 'from', timeZone, problems);
  if (to) filter.to = instant(to, 'to', timeZone, problems);
  if (filter.from && filter.to && filter.from >= filter.to) problems.push('from must be before to.');

  const serviceCodes = serviceFilter(query.service, services, problems);
  if (serviceCodes) filter.serviceCodes = serviceCodes;

  const area = single(query, 'area', problems);
  const bbox = single(query, 'bbox', problems);
  if (area && bbox) problems.push('Give an area or a bbox, not both.');
  if (area) {
    const place = /^\d{1,12}$/.test(area) ? await getPlace(db, config.jurisdiction.id, Number(area)) : undefined;
    if (!place || place.kind !== 'area' || !place.bounds) problems.push(`There is no area ${area.slice(0, 20)}. The areas are listed on /open-data.`);
    else filter.bbox = { minLat: place.bounds.minLat, minLong: place.bounds.minLong, maxLat: place.bounds.maxLat, maxLong: place.bounds.maxLong };
  }
  if (bbox) {
    const box = parseBbox(bbox);
    if (!box) problems.push('bbox must be four numbers: minLong,minLat,maxLong,maxLat (west, south, east, north), for example -122.52,37.70,-122.35,37.83.');
    else filter.bbox = box;
  }
  const status = single(query, 'status', problems);
  if (status) {
    if (status === 'open' || status === 'closed') filter.status = status;
    else problems.push('status must be open or closed.');
  }
  const profile = single(query, 'profile', problems) ?? 'townhall';
  if (profile !== 'townhall' && profile !== 'nyc311') problems.push('profile must be townhall (the default) or nyc311.');
  if (problems.length > 0) throw invalid(problems.join(' '), problems);
  return { filter, profile: profile as Profile };
}

export const serviceNamesOf = (services: readonly Service[]) => new Map(services.map((s) => [s.code, s.name]));

/** A CSV line: each field through csvCell (RFC 4180 quoting, formula-safe), an empty field for no value. */
const csvLine = (values: readonly OpenRecord[string][]) => `${values.map((v) => (v === null ? '' : csvCell(v))).join(',')}\r\n`;

/** A record's CSV line in the columns' order, built without an array per row (a full export writes a million). */
function recordLine(record: OpenRecord, columns: readonly string[]): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const value = record[columns[i]!];
    if (i > 0) line += ',';
    if (value !== null && value !== undefined) line += csvCell(value);
  }
  return `${line}\r\n`;
}

/**
 * The download, as chunks of text (one per page of rows). Ending the iteration early (the client
 * went away) stops the reading. Pages of 500: a page's rows are alive while it is written, and the
 * larger the page, the more of them outlive a young-generation collection and pile up as old
 * garbage; at 2,000 a full export at a million cases peaked some 40 MB higher, for no less CPU.
 */
export async function* requestsDownload(db: DB, config: Config, settings: OpenDataSettings, services: readonly Service[], request: ExportRequest, format: Format, pageSize = 500): AsyncGenerator<string> {
  const present = presenter(request.profile, settings, serviceNamesOf(services), config.jurisdiction.timeZone);
  const columns = columnsOf(request.profile).map((c) => c.id);
  let first = true;
  if (format === 'csv') yield csvLine(columns);
  else if (format === 'json') yield '[';
  else yield '{"type":"FeatureCollection","features":[';
  for await (const page of publicCasePages(db, config.jurisdiction.id, request.filter, pageSize)) {
    let chunk = '';
    for (const row of page) {
      const record = present.record(row);
      if (format === 'csv') { chunk += recordLine(record, columns); continue; }
      const separator = first ? '' : ',';
      first = false;
      if (format === 'json') chunk += separator + JSON.stringify(record);
      else {
        const point = present.point(row);
        chunk += `${separator}{"type":"Feature","id":${row.id},"geometry":${point ? `{"type":"Point","coordinates":[${point[0]},${point[1]}]}` : 'null'},"properties":${JSON.stringify(record)}}`;
      }
    }
    yield chunk;
  }
  yield format === 'csv' ? '' : format === 'json' ? ']\n' : ']}\n';
}

/** The service catalogue's public columns. */
export const serviceColumns = ['service_code', 'service_name', 'group', 'description', 'type', 'keywords', 'department', 'expected_days'] as const;

export async function servicesDownload(db: DB, config: Config, format: 'csv' | 'json'): Promise<string> {
  const services = await listServices(db, config.jurisdiction.id);
  const rows = services.map((s) => ({
    service_code: s.code, service_name: s.name, group: s.groupName, description: s.description, type: s.type,
    keywords: s.keywords.join(','), department: s.department, expected_days: s.expectedDays,
  }));
  if (format === 'json') return JSON.stringify(rows);
  return csvLine([...serviceColumns]) + rows.map((r) => csvLine(serviceColumns.map((c) => r[c] ?? null))).join('');
}
