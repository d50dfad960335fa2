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

/**
 * A range of instants from two parameters: at most 90 days; with one end given, the other is
 * 90 days from it; undefined when neither is given.
 */
function instantRange(params: Params, fromName: string, toName: string): { from: string; to: string } | undefined {
  let from = dateTime(params, fromName);
  let to = dateTime(params, toName);
  if (from && to && from > to) throw invalid(`${fromName} must be before ${toName}.`);
  if (from && !to) to = addDays(from, MAX_RANGE_DAYS);
  if (to && !from) from = addDays(to, -MAX_RANGE_DAYS);
  if (!from || !to) return undefined;
  if (Date.parse(to) - Date.parse(from) > MAX_RANGE_DAYS * 86_400_000) throw invalid(`${fromName} and ${toName} may be at most ${MAX_RANGE_DAYS} days apart.`);
  return { from, to };
}

/**
 * GET requests: filters, date range (at most 90 days, default the last 90) and pages.
 * updated_after and updated_before select on when a request was last updated (at most 90 days
 * apart, as the dates); given without start_date or end_date, they replace the default window
 * of the last 90 days of requested_datetime, and the list runs from the latest update.
 */
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

  const updated = instantRange(params, 'updated_after', 'updated_before');
  let requested = instantRange(params, 'start_date', 'end_date');
  if (!requested && !updated) {
    const to = nowIso();
    requested = { from: addDays(to, -MAX_RANGE_DAYS), to };
  }

  const serviceCodes = commaList(params, 'service_code');
  return {
    ...(serviceCodes ? { serviceCodes } : {}),
    ...(statuses ? { statuses: statuses as PublicStatus[] } : {}),
    ...(requested ? { from: requested.from, to: requested.to } : {}),
    ...(updated ? { updatedFrom: updated.from, updatedTo: updated.to } : {}),
    ...paging,
  };
}

/**
 * The parameters each public GET takes. A client's filter Townhall does not know is refused
 * rather than ignored: ignoring it would answer more than was asked for, as if it had been
 * applied. api_key is allowed everywhere (clients send it on every call) and means nothing on a GET;
 * so is "_", the cache-buster browser libraries add to a GET (jQuery's cache: false), never a filter.
 */
export const knownParameters = {
  discovery: [],
  services: ['jurisdiction_id', 'locale'],
  service: ['jurisdiction_id', 'locale'],
  requests: ['service_request_id', 'service_code', 'status', 'start_date', 'end_date', 'updated_after', 'updated_before', 'page', 'page_size', 'jurisdiction_id', 'locale'],
  request: ['jurisdiction_id', 'locale'],
  token: ['jurisdiction_id'],
  updates: ['start_date', 'end_date', 'page', 'page_size', 'jurisdiction_id'],
} as const;

export function refuseUnknownParameters(params: Params, known: readonly string[], what: string): void {
  const unknown = Object.keys(params).filter((name) => name !== 'api_key' && name !== '_' && !known.includes(name));
  if (unknown.length === 0) return;
  const named = unknown.slice(0, 5).map((name) => `"${name.slice(0, 40)}"`).join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '');
  throw invalid(`${what} does not know the parameter${unknown.length > 1 ? 's' : ''} ${named}, so it cannot apply ${unknown.length > 1 ? 'them' : 'it'}; `
    + `remove ${unknown.length > 1 ? 'them' : 'it'}. It takes ${known.length > 0 ? known.join(', ') : 'no parameters'}.`);
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
  const attributes = attributesOf(body);
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

/**
 * FixMyStreet's statuses (its Open311 extension, upper case on the wire), each with the public
 * status it leaves the request in and the case state it sets. Where Townhall's standard workflow
 * has the same state the code is the same (investigating, action_scheduled, fixed, duplicate,
 * closed); FOR_TRIAGE is the workflow's first state, "submitted" (received, waiting to be
 * looked at); the others keep FixMyStreet's own word, which the resident pages put in plain
 * words and the standard workflow's Close transition can leave from. OPEN and REOPEN on a closed
 * request reopen it. The table is in docs/open311.md.
 */
export const updateStatuses: Record<string, { status: PublicStatus; caseState: string }> = {
  open: { status: 'open', caseState: 'open' },
  reopen: { status: 'open', caseState: 'reopen' },
  for_triage: { status: 'open', caseState: 'submitted' },
  investigating: { status: 'open', caseState: 'investigating' },
  in_progress: { status: 'open', caseState: 'in_progress' },
  planned: { status: 'open', caseState: 'action_scheduled' },
  action_scheduled: { status: 'open', caseState: 'action_scheduled' },
  closed: { status: 'closed', caseState: 'closed' },
  fixed: { status: 'closed', caseState: 'fixed' },
  duplicate: { status: 'closed', caseState: 'duplicate' },
  not_councils_responsibility: { status: 'closed', caseState: 'not_councils_responsibility' },
  no_further_action: { status: 'closed', caseState: 'no_further_action' },
  internal_referral: { status: 'closed', caseState: 'internal_referral' },
  unable_to_fix: { status: 'closed', caseState: 'unable_to_fix' },
  cancelled: { status: 'closed', caseState: 'cancelled' },
};

/** Most photo addresses one update may carry. */
export const MAX_UPDATE_MEDIA = 5;

/** attribute[code]=value pairs of a form body (attribute[code][]=v for several values). */
export function attributesOf(body: Params): AttributeAnswers {
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
  return attributes;
}

/** Every media_url given (media_url repeated, or media_url[]), trimmed, empty ones dropped. */
function mediaUrlsOf(body: Params): string[] {
  return ['media_url', 'media_url[]'].flatMap((name) => {
    const value = body[name];
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
  }).map((u) => u.trim()).filter((u) => u !== '');
}

/**
 * POST servicerequestupdates: a back office's status update for one request (or, from a key
 * that acts for a front end, a resident's comment). attribute[code] values are returned as
 * `extra`: updates have no questions, so the caller keeps or refuses them as the council chose.
 */
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
  const known = updateStatuses[state];
  if (!known) throw invalid(`status "${statusText.slice(0, 50)}" is not known; use one of ${Object.keys(updateStatuses).map((s) => s.toUpperCase()).join(', ')}.`);
  const updatedText = required('updated_datetime');
  const updatedAt = parseZonedDateTime(updatedText);
  if (!updatedAt) throw invalid(`updated_datetime must be an ISO 8601 date and time with a time zone, ${DATE_RANGE_WORDS}; got "${updatedText.slice(0, 50)}".`);
  if (Date.parse(updatedAt) > Date.now() + MAX_CLOCK_SKEW_MS) throw invalid(`updated_datetime ${updatedText.slice(0, 50)} is in the future; send the time the update was made.`);
  const description = single(body, 'description') ?? null;
  if (description && [...description].length > 4000) throw invalid('description must be at most 4,000 characters.');
  const mediaUrls = mediaUrlsOf(body);
  if (mediaUrls.length > MAX_UPDATE_MEDIA) throw invalid(`Send at most ${MAX_UPDATE_MEDIA} media_url values with one update; ${mediaUrls.length} were sent.`);
  for (const url of mediaUrls) if (!/^https?:\/\/\S{1,2000}$/.test(url)) throw invalid(`media_url must be an http or https address; "${url.slice(0, 60)}" is not one.`);
  return {
    updateId, requestId, status: known.status, state, caseState: known.caseState, updatedAt, description,
    mediaUrl: mediaUrls[0] ?? null, mediaUrls, extra: attributesOf(body),
  };
}
