/**
 * Reading an export file and turning each row into a case through a profile, with every problem
 * named by line: bad coordinates, an unknown service or status, impossible dates (closed before
 * opened), placeholder coordinates. A row with an error is not loaded; a row with a warning is
 * loaded as the warning says (placeholder coordinates dropped, keeping the address).
 */
import { readFileSync } from 'node:fs';
import type { ImportedCase } from '../cases/imports.js';
import type { Channel } from '../cases/types.js';
import { MAX_DESCRIPTION } from '../cases/validate.js';
import { withinBounds, type Bounds } from '../config.js';
import { parseCsv } from '../platform/csv.js';
import { invalid } from '../platform/errors.js';
import { readDate } from './dates.js';
import type { ImportProfile } from './profile.js';

/** One record of the file: the line it starts on and its fields by column name. */
export interface SourceRow { line: number; fields: Record<string, string> }

export const problemKinds = {
  missing_id: 'no external id',
  duplicate_id: 'external id given twice in the file',
  unknown_service: 'unknown service',
  left_out: 'left out by the profile',
  unknown_status: 'unknown status',
  impossible_date: 'impossible or unreadable date',
  closed_before_opened: 'closed before opened',
  bad_coordinates: 'bad coordinates',
  placeholder_coordinates: 'placeholder coordinates',
  no_location: 'no place',
  long_description: 'description too long',
  closed_without_date: 'closed without a closed date',
} as const;
export type ProblemKind = keyof typeof problemKinds;

export interface RowProblem {
  line: number;
  kind: ProblemKind;
  /** An error keeps the row out; a warning says how the row is loaded all the same. */
  severity: 'error' | 'warning';
  message: string;
}

/** Reads a CSV (with a header line) or JSON Lines file into rows; throws `invalid` when it cannot be read at all. */
export function readSourceFile(path: string, text: string, format: 'csv' | 'jsonl' | undefined): SourceRow[] {
  const kind = format ?? (/\.jsonl?$|\.ndjson$/i.test(path) ? 'jsonl' : 'csv');
  if (kind === 'jsonl') {
    const rows: SourceRow[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      let value: unknown;
      try { value = JSON.parse(line); } catch { throw invalid(`Line ${i + 1} of ${path} is not JSON: each line of a JSON Lines file must be one object.`); }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`Line ${i + 1} of ${path} is not a JSON object.`);
      const fields: Record<string, string> = {};
      for (const [key, v] of Object.entries(value)) fields[key] = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
      rows.push({ line: i + 1, fields });
    }
    return rows;
  }
  const starts: number[] = [];
  let records: string[][];
  try { records = parseCsv(text, starts); } catch (error) { throw invalid(`${path} is not readable CSV: ${(error as Error).message}`); }
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((record, i) => {
    const fields: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) fields[header[c]!] = record[c] ?? '';
    return { line: starts[i + 1]!, fields };
  }).filter((row) => Object.values(row.fields).some((v) => v !== ''));
}

export function readSource(path: string, format: 'csv' | 'jsonl' | undefined): { rows: SourceRow[]; bytes: Buffer } {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (error) {
    throw invalid(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
  }
  return { rows: readSourceFile(path, bytes.toString('utf8'), format), bytes };
}

/** The columns a profile names that the file lacks (checked on the first row: every row has the header's columns). */
export function missingColumns(profile: ImportProfile, row: SourceRow | undefined): string[] {
  if (!row) return [];
  const named = [profile.externalId, profile.service.column, profile.dates.requested, profile.dates.updated, profile.dates.closed, profile.status.column,
    profile.statusNotes, profile.location?.point, profile.location?.lat, profile.location?.long, profile.address, profile.zipcode, profile.agency,
    profile.channel?.column, ...(profile.description?.columns ?? [])];
  return [...new Set(named.filter((c): c is string => c !== undefined && !(c in row.fields)))];
}

export interface MapContext {
  profile: ImportProfile;
  bounds: Bounds;
  /** Service codes that exist in the catalogue. */
  services: Set<string>;
}

const POINT = /^\(?\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)?$/;

/** One row through the profile: the case to load (null when an error keeps it out) and the row's problems. */
export function mapRow(row: SourceRow, context: MapContext): { record: ImportedCase | null; problems: RowProblem[] } {
  const { profile } = context;
  const f = row.fields;
  const problems: RowProblem[] = [];
  const error = (kind: ProblemKind, message: string) => problems.push({ line: row.line, kind, severity: 'error', message });
  const warning = (kind: ProblemKind, message: string) => problems.push({ line: row.line, kind, severity: 'warning', message });
  const get = (column: string | undefined) => (column === undefined ? '' : (f[column] ?? '').trim());

  const externalId = get(profile.externalId);
  if (externalId === '') error('missing_id', `"${profile.externalId}" is empty: a case needs its id in the old system, so a re-run finds it.`);

  const sourceService = get(profile.service.column);
  const serviceCode = Object.hasOwn(profile.service.map, sourceService) ? profile.service.map[sourceService] : undefined;
  if (serviceCode === undefined) error('unknown_service', `"${sourceService}" (${profile.service.column}) is not in the profile's service map.`);
  else if (serviceCode === null) error('left_out', `"${sourceService}" (${profile.service.column}) is mapped to null: rows of it are not imported.`);
  else if (!context.services.has(serviceCode)) error('unknown_service', `The service "${serviceCode}" (for "${sourceService}") does not exist in the catalogue.`);

  const sourceStatus = get(profile.status.column);
  const status = Object.hasOwn(profile.status.map, sourceStatus) ? profile.status.map[sourceStatus] : undefined;
  if (status === undefined) error('unknown_status', `"${sourceStatus}" (${profile.status.column}) is not in the profile's status map.`);

  const { format, timeZone } = profile.dates;
  const date = (column: string | undefined, required: boolean): string | null => {
    const text = get(column);
    if (text === '') {
      if (required) error('impossible_date', `"${column}" is empty: a case needs the date it was opened.`);
      return null;
    }
    const read = readDate(text, format, timeZone);
    if (read === null) error('impossible_date', `"${column}" is "${text}": not a date in the format ${format.map((x) => `"${x}"`).join(' or ')}, or not a real day and time.`);
    else if (Date.parse(read) > Date.now() + 86_400_000) { error('impossible_date', `"${column}" is "${text}", in the future.`); return null; }
    return read;
  };
  const requestedAt = date(profile.dates.requested, true);
  let closedAt = date(profile.dates.closed, false);
  let updatedAt = date(profile.dates.updated, false);
  const closedBeforeOpened = requestedAt !== null && closedAt !== null && Date.parse(closedAt) < Date.parse(requestedAt);
  if (closedBeforeOpened) error('closed_before_opened', `Closed (${get(profile.dates.closed)}) before it was opened (${get(profile.dates.requested)}).`);
  if (!closedBeforeOpened && requestedAt && updatedAt && Date.parse(updatedAt) < Date.parse(requestedAt)) {
    warning('impossible_date', `Updated (${get(profile.dates.updated)}) before it was opened: the last update is taken as ${closedAt ? 'the closing time' : 'the opening time'}.`);
    updatedAt = null;
  }
  if (status === 'closed' && !closedAt && !problems.some((p) => p.kind === 'impossible_date' && p.severity === 'error')) {
    if (updatedAt) { warning('closed_without_date', `Closed, but "${profile.dates.closed ?? 'closed date'}" is empty: the last update (${get(profile.dates.updated)}) is taken as the closing time.`); closedAt = updatedAt; }
    else error('closed_without_date', `Closed, but with no date it closed.`);
  }
  if (status === 'open') closedAt = null;

  let lat: number | null = null;
  let long: number | null = null;
  const location = profile.location;
  if (location) {
    let latText = '';
    let longText = '';
    if (location.point) {
      const point = get(location.point);
      const m = POINT.exec(point);
      if (m) { latText = m[1]!; longText = m[2]!; } else if (point !== '') warning('bad_coordinates', `"${location.point}" is "${point}", not "(lat, long)": loaded without a map position.`);
    } else {
      latText = get(location.lat);
      longText = get(location.long);
    }
    if (latText !== '' || longText !== '') {
      const la = Number(latText);
      const lo = Number(longText);
      if (latText === '' || longText === '' || !Number.isFinite(la) || !Number.isFinite(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180) {
        warning('bad_coordinates', `The coordinates "${latText}", "${longText}" are not a latitude and a longitude: loaded without a map position.`);
      } else if (la === 0 && lo === 0) {
        warning('bad_coordinates', 'The coordinates are 0, 0 (a missing position written as zero): loaded without a map position.');
      } else if (!withinBounds(context.bounds, la, lo)) {
        warning('bad_coordinates', `The coordinates ${la}, ${lo} are outside the council's area (TOWNHALL_BOUNDS): loaded without a map position.`);
      } else if (profile.placeholderCoordinates.some((p) => Math.abs(p.lat - la) <= profile.placeholderTolerance && Math.abs(p.long - lo) <= profile.placeholderTolerance)) {
        warning('placeholder_coordinates', `The coordinates ${la}, ${lo} are a placeholder the profile names, not the place: loaded without a map position.`);
      } else {
        lat = la;
        long = lo;
      }
    }
  }
  const addressString = get(profile.address) || null;
  if (lat === null && addressString === null) error('no_location', 'Neither usable coordinates nor an address: a case needs a place.');

  let description: string | null = null;
  if (profile.description) {
    const parts = profile.description.columns.map(get).filter((p) => p !== '');
    description = parts.join(profile.description.separator ?? ' - ') || null;
    if (description && profile.description.underscoresAsSpaces) description = description.replace(/_/g, ' ');
    if (description && [...description].length > MAX_DESCRIPTION) {
      warning('long_description', `The description has ${[...description].length} characters: its first ${MAX_DESCRIPTION} are kept.`);
      description = [...description].slice(0, MAX_DESCRIPTION).join('');
    }
  }

  let channel: Channel = profile.channel?.default ?? 'api';
  if (profile.channel?.column) channel = profile.channel.map?.[get(profile.channel.column)] ?? channel;

  if (problems.some((p) => p.severity === 'error') || !requestedAt || !status || !serviceCode) return { record: null, problems };
  return {
    record: {
      externalId, serviceCode, description, lat, long, addressString, zipcode: get(profile.zipcode) || null, status,
      statusNotes: get(profile.statusNotes) || null, agencyResponsible: get(profile.agency) || null, channel, requestedAt,
      updatedAt: updatedAt ?? closedAt ?? requestedAt, closedAt,
    },
    problems,
  };
}
