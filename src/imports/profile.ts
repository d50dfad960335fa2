/**
 * Mapping profiles: a small JSON file that says how another system's export of past requests
 * becomes Townhall cases (which column is the external id, the service, the dates and their
 * format and time zone, the status, the place...), so a council can import a new source without
 * code. docs/imports.md describes every field; `import-profiles/` holds the shipped ones.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { channels, type Channel, type PublicStatus } from '../cases/types.js';
import { invalid } from '../platform/errors.js';
import { checkDateFormat } from './dates.js';

export interface ServiceDefinition {
  name: string;
  group: string;
  groupName?: string;
  description?: string;
}

export interface ImportProfile {
  name: string;
  notes?: string;
  /** 'csv' or 'jsonl'; by default read from the file's name. */
  format?: 'csv' | 'jsonl';
  externalId: string;
  service: { column: string; map: Record<string, string | null> };
  description?: { columns: string[]; separator?: string; underscoresAsSpaces?: boolean };
  dates: { format: string[]; timeZone: string; requested: string; updated?: string; closed?: string };
  status: { column: string; map: Record<string, PublicStatus> };
  statusNotes?: string;
  location?: { point?: string; lat?: string; long?: string };
  address?: string;
  zipcode?: string;
  agency?: string;
  channel?: { column?: string; map?: Record<string, Channel>; default: Channel };
  placeholderCoordinates: Array<{ lat: number; long: number; note?: string }>;
  /** How far (in degrees) a point may be from a placeholder and still be it. */
  placeholderTolerance: number;
  services: Record<string, ServiceDefinition>;
}

/** A profile as loaded: its name on the command line, and a hash of its text for the import record. */
export interface LoadedProfile {
  profile: ImportProfile;
  source: string;
  hash: string;
}

const shippedFolder = fileURLToPath(new URL('../../import-profiles/', import.meta.url));

/** The profiles shipped with Townhall, by name (the file name without .json). */
export function shippedProfiles(): string[] {
  return existsSync(shippedFolder) ? readdirSync(shippedFolder).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

/** Loads a shipped profile by name, or a profile file by its path; throws `invalid` naming every problem. */
export function loadProfile(nameOrPath: string): LoadedProfile {
  const shipped = /^[a-z0-9-]+$/.test(nameOrPath) ? `${shippedFolder}${nameOrPath}.json` : null;
  const path = shipped && existsSync(shipped) ? shipped : nameOrPath;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw invalid(`There is no profile "${nameOrPath}": give a profile file, or one of the shipped profiles (${shippedProfiles().join(', ')}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`The profile ${nameOrPath} is not valid JSON: ${(error as Error).message}`);
  }
  return { profile: checkProfile(json, nameOrPath), source: nameOrPath, hash: createHash('sha256').update(text).digest('hex') };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Checks a profile's shape, every problem at once, in words that name the field to fix. */
export function checkProfile(json: unknown, label: string): ImportProfile {
  const problems: string[] = [];
  if (!isObject(json)) throw invalid(`The profile ${label} must be a JSON object.`);
  const text = (field: string, value: unknown, required: boolean): string | undefined => {
    if (value === undefined && !required) return undefined;
    if (!isText(value)) { problems.push(`"${field}" must be ${required ? '' : 'absent or '}a column name (text).`); return undefined; }
    return value;
  };
  const textMap = <T extends string>(field: string, value: unknown, allowed: readonly T[] | null, allowNull: boolean): Record<string, T | null> => {
    if (!isObject(value)) { problems.push(`"${field}" must be an object of source value → Townhall value.`); return {}; }
    const out: Record<string, T | null> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === null && allowNull) out[key] = null;
      else if (isText(v) && (allowed === null || allowed.includes(v as T))) out[key] = v as T;
      else problems.push(`"${field}" maps "${key}" to ${JSON.stringify(v)}: use ${allowed ? allowed.map((a) => `"${a}"`).join(' or ') : 'a service code'}${allowNull ? ' (or null to leave such rows out)' : ''}.`);
    }
    return out;
  };

  const name = text('name', json.name, true) ?? label;
  const format = json.format;
  if (format !== undefined && format !== 'csv' && format !== 'jsonl') problems.push('"format" must be "csv" or "jsonl" (or absent: read from the file name).');
  const externalId = text('externalId', json.externalId, true) ?? '';

  const service = isObject(json.service) ? json.service : {};
  if (!isObject(json.service)) problems.push('"service" must be an object with "column" and "map".');
  const serviceMap = textMap<string>('service.map', service.map, null, true) as Record<string, string | null>;

  let description: ImportProfile['description'];
  if (json.description !== undefined) {
    const d = isObject(json.description) ? json.description : {};
    const columns = Array.isArray(d.columns) && d.columns.every(isText) ? d.columns as string[] : null;
    if (!columns || columns.length === 0) problems.push('"description.columns" must be a list of column names.');
    if (d.separator !== undefined && typeof d.separator !== 'string') problems.push('"description.separator" must be text.');
    description = { columns: columns ?? [], separator: typeof d.separator === 'string' ? d.separator : ' - ', underscoresAsSpaces: d.underscoresAsSpaces === true };
  }

  const dates = isObject(json.dates) ? json.dates : {};
  if (!isObject(json.dates)) problems.push('"dates" must be an object with "format", "timeZone" and "requested".');
  const formats = typeof dates.format === 'string' ? [dates.format] : Array.isArray(dates.format) ? dates.format : [];
  if (formats.length === 0 || !formats.every((f) => typeof f === 'string')) problems.push('"dates.format" must be a date format such as "MM/DD/YYYY hh:mm:ss A" or "ISO", or a list of them.');
  for (const f of formats) if (typeof f === 'string') { const p = checkDateFormat(f); if (p) problems.push(`"dates.format": ${p}`); }
  const timeZone = text('dates.timeZone', dates.timeZone, true) ?? 'UTC';
  if (isText(dates.timeZone)) {
    try { new Intl.DateTimeFormat('en', { timeZone }); } catch { problems.push(`"dates.timeZone" must be an IANA time zone such as "America/New_York"; "${timeZone}" is not one.`); }
  }

  const status = isObject(json.status) ? json.status : {};
  if (!isObject(json.status)) problems.push('"status" must be an object with "column" and "map".');

  let location: ImportProfile['location'];
  if (json.location !== undefined) {
    const l = isObject(json.location) ? json.location : {};
    location = { point: text('location.point', l.point, false), lat: text('location.lat', l.lat, false), long: text('location.long', l.long, false) };
    if (!location.point && !(location.lat && location.long)) problems.push('"location" needs "point" (one "(lat, long)" column) or both "lat" and "long".');
  }

  let channel: ImportProfile['channel'];
  if (json.channel !== undefined) {
    const c = isObject(json.channel) ? json.channel : {};
    const fallback = c.default ?? 'api';
    if (!channels.includes(fallback as Channel)) problems.push(`"channel.default" must be one of ${channels.join(', ')}.`);
    channel = { column: text('channel.column', c.column, false), map: c.map === undefined ? {} : textMap<Channel>('channel.map', c.map, channels, false) as Record<string, Channel>, default: fallback as Channel };
  }

  const placeholders = json.placeholderCoordinates ?? [];
  const placeholderCoordinates: ImportProfile['placeholderCoordinates'] = [];
  if (!Array.isArray(placeholders)) problems.push('"placeholderCoordinates" must be a list of {"lat": ..., "long": ...}.');
  else for (const p of placeholders) {
    if (isObject(p) && typeof p.lat === 'number' && typeof p.long === 'number') placeholderCoordinates.push({ lat: p.lat, long: p.long, ...(typeof p.note === 'string' ? { note: p.note } : {}) });
    else problems.push(`"placeholderCoordinates" has ${JSON.stringify(p)}: each must be {"lat": number, "long": number}.`);
  }
  const tolerance = json.placeholderTolerance ?? 0.00001;
  if (typeof tolerance !== 'number' || tolerance < 0 || tolerance > 1) problems.push('"placeholderTolerance" must be a number of degrees between 0 and 1.');

  const services: Record<string, ServiceDefinition> = {};
  if (json.services !== undefined) {
    if (!isObject(json.services)) problems.push('"services" must be an object of service code → {"name", "group"}.');
    else for (const [code, def] of Object.entries(json.services)) {
      if (isObject(def) && isText(def.name) && isText(def.group)) {
        services[code] = { name: def.name, group: def.group, ...(isText(def.groupName) ? { groupName: def.groupName } : {}), ...(isText(def.description) ? { description: def.description } : {}) };
      } else problems.push(`"services.${code}" must have a "name" and a "group" (a group code).`);
    }
  }

  const profile: ImportProfile = {
    name, externalId,
    service: { column: text('service.column', service.column, true) ?? '', map: serviceMap },
    dates: {
      format: formats as string[], timeZone, requested: text('dates.requested', dates.requested, true) ?? '',
      updated: text('dates.updated', dates.updated, false), closed: text('dates.closed', dates.closed, false),
    },
    status: { column: text('status.column', status.column, true) ?? '', map: textMap<PublicStatus>('status.map', status.map, ['open', 'closed'], false) as Record<string, PublicStatus> },
    statusNotes: text('statusNotes', json.statusNotes, false), address: text('address', json.address, false),
    zipcode: text('zipcode', json.zipcode, false), agency: text('agency', json.agency, false),
    placeholderCoordinates, placeholderTolerance: typeof tolerance === 'number' ? tolerance : 0.00001, services,
    ...(typeof json.notes === 'string' ? { notes: json.notes } : {}),
    ...(format === 'csv' || format === 'jsonl' ? { format } : {}),
    ...(description ? { description } : {}), ...(location ? { location } : {}), ...(channel ? { channel } : {}),
  };
  const known = new Set(['name', 'notes', 'format', 'externalId', 'service', 'description', 'dates', 'status', 'statusNotes', 'location', 'address', 'zipcode', 'agency', 'channel', 'placeholderCoordinates', 'placeholderTolerance', 'services']);
  for (const key of Object.keys(json)) if (!known.has(key)) problems.push(`"${key}" is not a profile field (see docs/imports.md); check its spelling.`);
  if (problems.length > 0) throw invalid(`The profile ${label} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`, problems);
  return profile;
}

/** The service codes a profile maps rows to. */
export const mappedServiceCodes = (profile: ImportProfile): string[] =>
  [...new Set(Object.values(profile.service.map).filter((code): code is string => code !== null))].sort();
