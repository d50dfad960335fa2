/**
 * Reads Open311 parameters (query strings and form bodies) into the domain's typed inputs,
 * with errors that name the parameter and say what it should be.
 */
import { invalid } from '../platform/errors.js';
import { addDays, DATE_RANGE_WORDS, nowIso, parseZonedDateTime } from '../platform/time.js';
import type { RequestSearch } from '../cases/queries.js';
import type { AttributeAnswers, PublicStatus, ReporterContact } from '../cases/types.js';

export type Params = Record<string, string | string[] | undefined>;

export const MAX_RESULTS = 1000;
export const MAX_RANGE_DAYS = 90;
/** How far ahead of our clock a back office's clock may be. */
const MAX_CLOCK_SKEW_MS = 10 * 60_000;

/** One value of a parameter; an empty value counts as absent, as the spec asks. */
/**
 * The language asked for with `locale` (GeoReport v2: "es", "es_MX", "es-MX", "ar"): the code of
 * the council's language it names, or undefined when none is asked for or the council does not
 * offer it (the default language is answered, as for a request without `locale`).
 */
export function parseLocale(params: Params, offered: readonly string[]): string | undefined {
  const given = single(params, 'locale');
  if (given === undefined) return undefined;
  if (!/^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,4}$/.test(given)) {
    throw invalid(`locale must be a language tag such as "es" or "es_MX"; "${given.slice(0, 40)}" is not one.`);
  }
  const language = given.split(/[-_]/)[0]!.toLowerCase();
  return offered.includes(language) ? language : undefined;
}

export function single(params: Params, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) {
    const given = value.filter((v) => v.trim() !== '');
    if (given.length > 1) throw invalid(`Give ${name} once; it was given ${given.length} times.`);
    return given[0]?.trim();
  }
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function commaList(params: Params, name: string): string[] | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  const items = [...new Set(value.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
  return items.length > 0 ? items : undefined;
}

function number(params: Params, name: string): number | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) throw invalid(`${name} must be a decimal number of degrees, such as 37.7749; got "${value.slice(0, 50)}".`);
  return Number(value);
}

function positiveInteger(params: Params, name: string, max: number, fallback: number): number {
  const value = single(params, name);
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1 || Number(value) > max) throw invalid(`${name} must be a whole number from 1 to ${max}; got "${value.slice(0, 50)}".`);
  return Number(value);
}

function dateTime(params: Params, name: string): string | undefined {
  const value = single(params, name);
  if (value === undefined) return undefined;
  const instant = parseZonedDateTime(value);
  if (!instant) throw invalid(`${name} must be an ISO 8601 date and time with a time zone, ${DATE_RANGE_WORDS}, such as 2026-03-01T00:00:00Z or 2026-03-01T00:00:00-08:00; got "${value.slice(0, 50)}".`);
  return instant;
}

/** GET requests: filters, date range (at most 90 days, default the last 90) and pages. */
export function parseRequestSearch(params: Params): RequestSearch {
  const pageSize = positiveInteger(params, 'page_size', MAX_RESULTS, MAX_RESULTS);
  const page = positiveInteger(params, 'page', 1_000_000, 1);
  const paging = { limit: pageSize, offset: (page - 1) * pageSize };

  const ids = commaList(params, 'service_request_id');
  if (ids) {
    if (ids.length > MAX_RESULTS) throw invalid(`Ask for at most ${MAX_RESULTS} service_request_id values at once.`);
    return { ids, ...paging };
  }
  const statuses = commaList(params, 'status');
  const unknownStatus = statuses?.find((s) => s !== 'open' && s !== 'closed');
  if (unknownStatus !== undefined) throw invalid(`status must be open, closed or both separated by a comma; got "${unknownStatus.slice(0, 50)}".`);

  let from = dateTime(params, 'start_date');
  let to = dateTime(params, 'end_date');
  if (from && to && from > to) throw invalid('start_date must be before end_date.');
  if (from && !to) to = addDays(from, MAX_RANGE_DAYS);
  if (to && !from) from = addDays(to, -MAX_RANGE_DAYS);
  if (!from || !to) {
    to = nowIso();
    from = addDays(to, -MAX_RANGE_DAYS);
  }
  if (Date.parse(to) - Date.parse(from) > MAX_RANGE_DAYS * 86_400_000) throw invalid(`start_date and end_date may be at most ${MAX_RANGE_DAYS} days apart.`);

  const serviceCodes = commaList(params, 'service_code');
  return {
    ...(serviceCodes ? { serviceCodes } : {}),
    ...(statuses ? { statuses: statuses as PublicStatus[] } : {}),
    from,
    to,
    ...paging,
  };
}

/** GET servicerequestupdates: a date range of at most 90 days (default the last 24 hours) and pages. */
export function parseUpdateRange(params: Params): { from: string; to: string; limit: number; offset: number } {
  const pageSize = positiveInteger(params, 'page_size', MAX_RESULTS, MAX_RESULTS);
  const page = positiveInteger(params, 'page', 1_000_000, 1);
  const to = dateTime(params, 'end_date') ?? nowIso();
  const from = dateTime(params, 'start_date') ?? addDays(to, -1);
  if (from > to) throw invalid('start_date must be before end_date.');
  if (Date.parse(to) - Date.parse(from) > MAX_RANGE_DAYS * 86_400_000) throw invalid(`start_date and end_date may be at most ${MAX_RANGE_DAYS} days apart.`);
  return { from, to, limit: pageSize, offset: (page - 1) * pageSize };
}

const ATTRIBUTE_KEY = /^attribute\[([^\]]*)\](\[\])?$/;

/** POST requests: the request fields, attribute[code] answers and the reporter's contact details. */
export function parseNewRequest(body: Params) {
  const attributes: AttributeAnswers = {};
  for (const [key, raw] of Object.entries(body)) {
    const match = ATTRIBUTE_KEY.exec(key);
    if (!match || raw === undefined) continue;
    const code = match[1] as string;
    const values = Array.isArray(raw) ? raw : [raw];
    const previous = attributes[code];
    const merged = [...(previous === undefined ? [] : Array.isArray(previous) ? previous : [previous]), ...values];
    attributes[code] = match[2] || merged.length > 1 ? merged : (merged[0] as string);
  }
  const serviceCode = single(body, 'service_code');
  if (!serviceCode) throw invalid('service_code is required: say which service this request is for (GET services lists them).');
  const description = single(body, 'description');
  const mediaUrl = body.media_url;
  const mediaUrls = (Array.isArray(mediaUrl) ? mediaUrl : mediaUrl === undefined ? [] : [mediaUrl]).map((u) => u.trim()).filter((u) => u !== '');
  const contact: ReporterContact = {
    email: single(body, 'email') ?? null,
    firstName: single(body, 'first_name') ?? null,
    lastName: single(body, 'last_name') ?? null,
    phone: single(body, 'phone') ?? null,
    deviceId: single(body, 'device_id') ?? null,
    accountId: single(body, 'account_id') ?? null,
  };
  return {
    serviceCode,
    description: description ?? null,
    lat: number(body, 'lat') ?? null,
    long: number(body, 'long') ?? null,
    addressString: single(body, 'address_string') ?? null,
    addressId: single(body, 'address_id') ?? null,
    zipcode: single(body, 'zipcode') ?? null,
    attributes,
    mediaUrls,
    contact,
  };
}

/** FixMyStreet's extended statuses, and whether each leaves the request open or closes it. */
const updateStatuses: Record<string, PublicStatus> = {
  open: 'open', reopen: 'open', in_progress: 'open', action_scheduled: 'open', investigating: 'open',
  closed: 'closed', fixed: 'closed', duplicate: 'closed', not_councils_responsibility: 'closed',
  no_further_action: 'closed', internal_referral: 'closed', unable_to_fix: 'closed',
};

/** POST servicerequestupdates: a back office's status update for one request. */
export function parseStatusUpdate(body: Params) {
  const required = (name: string) => {
    const value = single(body, name);
    if (value === undefined) throw invalid(`${name} is required.`);
    return value;
  };
  const updateId = required('update_id');
  if (updateId.length > 200) throw invalid('update_id must be at most 200 characters.');
  const requestId = required('service_request_id');
  const statusText = required('status');
  const state = statusText.toLowerCase().replace(/[\s-]+/g, '_');
  const status = updateStatuses[state];
  if (!status) throw invalid(`status "${statusText.slice(0, 50)}" is not known; use one of ${Object.keys(updateStatuses).map((s) => s.toUpperCase()).join(', ')}.`);
  const updatedText = required('updated_datetime');
  const updatedAt = parseZonedDateTime(updatedText);
  if (!updatedAt) throw invalid(`updated_datetime must be an ISO 8601 date and time with a time zone, ${DATE_RANGE_WORDS}; got "${updatedText.slice(0, 50)}".`);
  if (Date.parse(updatedAt) > Date.now() + MAX_CLOCK_SKEW_MS) throw invalid(`updated_datetime ${updatedText.slice(0, 50)} is in the future; send the time the update was made.`);
  const description = single(body, 'description') ?? null;
  if (description && [...description].length > 4000) throw invalid('description must be at most 4,000 characters.');
  const mediaUrl = single(body, 'media_url') ?? null;
  if (mediaUrl && !/^https?:\/\/\S{1,2000}$/.test(mediaUrl)) throw invalid('media_url must be an http or https address.');
  return { updateId, requestId, status, state, updatedAt, description, mediaUrl };
}
