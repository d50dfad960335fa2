/**
 * The demo city's request history, built from a real San Francisco 311 sample (public domain,
 * 2008-2016; see shared/data/311/SOURCES.md). Each case is moved forward by whole 52-week steps
 * into the year before `now`, so it keeps its weekday, time of day and season (within about 9
 * days); its time to close is the sample's at the demo council's pace (demoPace), so the history
 * ends on the day it is seeded with a normal day's queue: what is open came in recently. Cases
 * that fit no demo service are left out.
 */
import type { ServiceInput } from '../catalogue/types.js';
import type { AttributeAnswers, Channel } from '../cases/types.js';
import { readCsvFile } from '../platform/csv.js';
import { wallClockToUtc } from '../platform/zoned-time.js';
import { demoServices } from './catalogue-data.js';
import { demoCity } from './city.js';

/** A historic request for the demo seed: already resolved (or still open) at a time in the past. */
export interface HistoricRequest {
  serviceCode: string;
  description: string;
  lat: number;
  long: number;
  addressString: string | null;
  channel: Channel;
  attributes: AttributeAnswers;
  /** ISO 8601 UTC instants. */
  requestedAt: string;
  closedAt: string | null;
  /** Public note on the last update, e.g. "Graffiti removed". */
  statusNotes: string | null;
  agencyResponsible: string | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 52 weeks, so a shifted case falls on the same weekday. */
const SHIFT_STEP = 364 * DAY;
/** Cases closed more than a year after opening were closed in bulk clean-ups: treat them as open. */
const LONGEST_PLAUSIBLE_CLOSE = 365 * DAY;

/** The scale of the demo council's pace (see demoPace). */
const PACE = 5 * DAY;

/**
 * The demo council's time to close a case, from the sample's: quick cases as quick (two days stay
 * about two), slow ones much less slow (a month becomes about ten days, a year about eighteen).
 * The sample's tail (a tenth of its cases took over six weeks) would otherwise fill the queues
 * with cases months past any target, which is not what a council's queue looks like on a normal day.
 */
function demoPace(timeToClose: number): number {
  return Math.round(PACE * Math.log1p(timeToClose / PACE));
}

/** Reads the sample's "MM/DD/YYYY hh:mm:ss AM" as wall-clock ms, or null when it is not in that form. */
function parseWallClock(text: string): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([AP]M)$/.exec(text.trim());
  if (!m) return null;
  const hour = (Number(m[4]) % 12) + (m[7] === 'PM' ? 12 : 0);
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5]), Number(m[6]));
}

/** Converts a local time in the sample's format to a UTC Date (DST-aware), or null if unreadable. */
export function localTimeToUtc(text: string, timeZone: string = demoCity.timeZone): Date | null {
  const wall = parseWallClock(text);
  return wall === null ? null : new Date(wallClockToUtc(wall, timeZone));
}

/** Which demo service an SF case becomes: first rule whose category matches and whose pattern matches "type | details". */
interface MappingRule { category: string; match?: RegExp; service: string | null; label?: string; useDetails?: boolean }

const mappingRules: MappingRule[] = [
  { category: 'Street Defects', match: /Manhole_Cover/, service: 'missing-cover' },
  { category: 'Street Defects', service: 'pothole' },
  { category: 'Sidewalk or Curb', match: /Vent_Cover/, service: 'missing-cover' },
  { category: 'Sidewalk or Curb', service: 'damaged-sidewalk' },
  { category: 'Blocked Street or SideWalk', service: 'blocked-sidewalk' },
  { category: 'Sign Repair', service: 'damaged-sign' },
  { category: 'Streetlights', service: 'streetlight-out' },
  { category: 'Damaged Property', match: /Traffic_Signal/, service: 'traffic-signal' },
  { category: 'Damaged Property', match: /Parking_Meter/, service: 'parking-meter' },
  // Encampments are a matter for outreach workers, not a street service: left out of the demo.
  { category: 'Street and Sidewalk Cleaning', match: /encampment/i, service: null },
  { category: 'Street and Sidewalk Cleaning', match: /hazardous|human_waste|urine|needle|medical|batter|(^|[^a-z])oil|paint|liquid/i, service: 'hazardous-waste' },
  { category: 'Street and Sidewalk Cleaning', match: /illegal_dumping|bulky|furniture|mattress|refrigerator|electronics|tires|carts/i, service: 'illegal-dumping' },
  { category: 'Street and Sidewalk Cleaning', match: /overflowing/i, service: 'litter-bin' },
  { category: 'Street and Sidewalk Cleaning', match: /cleaning|sweeping|garbage/i, service: 'street-cleaning' },
  { category: 'Litter Receptacles', match: /left_out/i, service: 'bins-left-out' },
  { category: 'Litter Receptacles', service: 'litter-bin' },
  { category: 'Graffiti Public Property', service: 'graffiti-public' },
  { category: '311 External Request', match: /^Graffiti/, service: 'graffiti-public', label: 'Graffiti on public property', useDetails: false },
  { category: 'Graffiti Private Property', service: 'graffiti-private' },
  { category: 'Illegal Postings', service: 'fly-posting' },
  { category: 'Tree Maintenance', service: 'tree-maintenance' },
  { category: 'Rec and Park Requests', match: /encampment/i, service: null },
  { category: 'Rec and Park Requests', match: /UrbanForestry/, service: 'tree-maintenance', label: 'Park tree needs attention', useDetails: false },
  { category: 'Rec and Park Requests', service: 'park-maintenance' },
  { category: 'Sewer Issues', match: /^Odor/, service: 'sewer-odour', label: 'Sewer smell', useDetails: false },
  { category: 'Sewer Issues', match: /Water_leak|Water_Main/i, service: 'water-leak' },
  { category: 'Sewer Issues', match: /Flooding/, service: 'blocked-drain' },
  { category: 'Sewer Issues', match: /Sewage|Side_Sewer/i, service: 'sewer-backup' },
  { category: 'Catch Basin Maintenance', service: 'blocked-drain', label: 'Storm drain needs clearing', useDetails: false },
  // Vehicle details hold license plates: never used.
  { category: 'Abandoned Vehicle', service: 'abandoned-vehicle', useDetails: false },
  { category: 'General Requests', match: /^animal_care_control/, service: 'animal-problem', label: 'Animal needs help or collection', useDetails: false },
];

/** Answers read from the case's own type and details: "service.attribute" → [pattern, value key]. */
const answerHints: Record<string, Array<[RegExp, string]>> = {
  'damaged-sidewalk.problem': [[/tree_roots/i, 'tree_roots'], [/lifted/i, 'lifted'], [/collapsed/i, 'collapsed'], [/curb/i, 'curb_or_ramp'], [/stairway/i, 'stairway']],
  'damaged-sign.problem': [[/missing/i, 'missing'], [/defaced|stickers/i, 'defaced'], [/bent|on_ground/i, 'down_or_bent'], [/faded|not_visible/i, 'faded'], [/other/i, 'other']],
  'streetlight-out.fault': [[/burnt_out/i, 'out'], [/flickering/i, 'flickering'], [/on_all_the_time/i, 'on_all_day'], [/dim/i, 'dim'], [/pole|glass|wires/i, 'damaged'], [/other/i, 'other']],
  'street-cleaning.litter_type': [[/glass/i, 'broken_glass'], [/clothing/i, 'clothing'], [/garbage|paper|litter|trash/i, 'litter']],
  'illegal-dumping.waste_types': [[/furniture/i, 'furniture'], [/mattress/i, 'mattress'], [/refrigerator/i, 'appliance'], [/electronics/i, 'electronics'], [/tires/i, 'tires'], [/boxed|bagged|garbage/i, 'bags_or_boxes'], [/carts|other/i, 'other']],
  'hazardous-waste.hazard': [[/needle/i, 'needles'], [/human/i, 'human_waste'], [/oil|paint|liquid/i, 'spill'], [/glass/i, 'broken_glass'], [/contained/i, 'other']],
  'litter-bin.problem': [[/overflowing/i, 'full'], [/damaged|tipped|lock|repair/i, 'damaged'], [/new|removal|add_remove/i, 'new_or_move']],
  'graffiti-public.offensive': [[/not_offensive/i, 'no'], [/offensive/i, 'yes']],
  'graffiti-public.surface': [[/pole/i, 'pole'], [/signal_box/i, 'signal_box'], [/mail_box/i, 'mailbox'], [/sidewalk|street/i, 'sidewalk_or_street'], [/transit_shelter/i, 'bus_shelter'], [/news_rack/i, 'news_rack'], [/city_receptacle/i, 'litter_bin']],
  'graffiti-private.offensive': [[/not_offensive/i, 'no'], [/offensive/i, 'yes']],
  'graffiti-private.property_type': [[/commercial/i, 'commercial'], [/residential/i, 'residential'], [/sidewalk/i, 'sidewalk']],
  'fly-posting.location': [[/traffic_light/i, 'traffic_signal']],
  'tree-maintenance.problem': [[/fallen/i, 'fallen'], [/hanging_limb|about_to_fall/i, 'hanging_branch'], [/dead/i, 'dead'], [/vandalism/i, 'damaged'], [/overgrown|landscaping/i, 'overgrown'], [/damaging_property/i, 'damaging_property']],
  'park-maintenance.problem': [[/graffiti/i, 'graffiti'], [/electrical/i, 'lighting'], [/plumbing/i, 'toilets_or_water'], [/playground|recreation/i, 'play_equipment'], [/fencing|pavement|pathway/i, 'fences_and_paths'], [/patrol/i, 'safety'], [/neighborhood_services/i, 'litter']],
  'sewer-backup.source': [[/sewervent/i, 'sewer_vent'], [/manhole/i, 'manhole'], [/catch_basin/i, 'street_drain'], [/side_sewer/i, 'inside_property']],
  'blocked-drain.flooding': [[/on_street/i, 'street'], [/on_property/i, 'property'], [/catch_basin|maintenance/i, 'none']],
  'water-leak.source': [[/main_break/i, 'main_break']],
  'missing-cover.cover_type': [[/manhole/i, 'manhole'], [/vent_cover/i, 'vent']],
  'abandoned-vehicle.vehicle_type': [[/car\dDoor/i, 'car'], [/pickup/i, 'pickup_or_van'], [/suv/i, 'suv'], [/motorcycle/i, 'motorcycle'], [/trailer/i, 'trailer'], [/other/i, 'other']],
};

const channelBySource: Record<string, Channel> = {
  'Voice In': 'phone', 'Open311': 'api', 'Web Self Service': 'web',
  // Staff of another agency typed these into their own system, which passed them on.
  'Integrated Agency': 'api', 'Other Department': 'phone',
  'Mail In': 'counter', 'e-mail In': 'web', 'Twitter': 'web',
};

/**
 * Status notes in the sample are free text written by staff, sometimes with names, phone numbers
 * or badge numbers. Only a fixed public wording is kept, chosen by what the note says.
 */
const publicNotes: Array<[RegExp, string]> = [
  [/duplicate|\bdupe\b/i, 'Closed as a duplicate of an earlier report.'],
  [/not found|n\/f|nothing (found|on|out)|no (issues|conditions?) found|gone on arrival|unable to locate|could not locate/i, 'We checked: nothing needing action was found at this location.'],
  [/private property|owners? responsibility/i, 'This is on private property; the owner is responsible.'],
  [/invalid|cancel/i, 'Closed: we could not act on this report.'],
  [/transferred|referred|refered|forward|re-assign|sent to/i, 'Passed to the team responsible.'],
  [/graffiti (removed|cleaned)|graffiti crew|abated|power ?washed|stickers? (has been )?removed/i, 'Removed.'],
  [/pickup completed|picked up|collected|has been removed|trash removed/i, 'Collected and cleared.'],
  [/repai?r|replaced|fixed|repear|repared|repired/i, 'Repaired.'],
  [/completed|resolved|done|10.?98|serviced|service (was )?performed|cleaned|addressed/i, 'Completed.'],
];

function publicStatusNote(note: string): string | null {
  if (note.trim() === '') return null;
  return publicNotes.find(([pattern]) => pattern.test(note))?.[1] ?? null;
}

const wordFixes: Record<string, string> = { car4door: 'car (4-door)', car2door: 'car (2-door)', pickuptruck: 'pickup truck', suv: 'SUV' };

/** "Streetlight - Light_Burnt_Out" → ["streetlight", "light burnt out"]. */
function humaneParts(code: string): string[] {
  return code.split(/\s+-(?:\s+|$)/)
    .map((part) => part.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase().split(' ').map((w) => wordFixes[w] ?? w).join(' '))
    .filter((part) => part !== '');
}

/**
 * "Sidewalk_Cleaning" + "Furniture" → "Sidewalk cleaning – furniture"; the service name when the
 * case says nothing. Details with digits (plates, dates, phone numbers) are never used.
 */
function describe(rule: MappingRule, service: ServiceInput, type: string, details: string): string {
  const typeParts = [...new Set(humaneParts(type))];
  const extra: string[] = [];
  if (!rule.label && rule.useDetails !== false && !/\d|@/.test(details) && details.length <= 80) {
    // Sign details end in "; Support - OK" about the post: only the part before it describes the problem.
    for (let part of humaneParts(details.split(';')[0] ?? '')) {
      for (const t of typeParts) if (part.startsWith(`${t} `)) part = part.slice(t.length + 1);
      if (!typeParts.some((t) => t.includes(part)) && !/additional details|^other$|^n\/?a$/.test(part) && !extra.includes(part)) extra.push(part);
    }
  }
  const text = rule.label ?? [...typeParts, ...extra].join(' – ');
  return text === '' ? service.name : text.charAt(0).toUpperCase() + text.slice(1);
}

/** "1671 25TH AVE, SAN FRANCISCO, CA, 94122" → "1671 25th Ave"; "Intersection of X ST and Y AVE" → "X St and Y Ave". */
function tidyAddress(address: string): string | null {
  const street = address.replace(/,\s*SAN FRANCISCO\b.*$/i, '').replace(/^Intersection of\s+/i, '').trim();
  if (street === '') return null;
  return street.toLowerCase()
    .replace(/(^|[\s/(-])([a-z])/g, (_m, before: string, letter: string) => before + letter.toUpperCase())
    .replace(/\bAnd\b/g, 'and').replace(/\bO'([a-z])/g, (_m, l: string) => `O'${l.toUpperCase()}`).replace(/\bMc([a-z])/g, (_m, l: string) => `Mc${l.toUpperCase()}`);
}

/** A stable number from a case id, so the same case always gets the same made-up answers. */
function stableHash(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Answers the service's questions from the case where the case says, and fills the other required ones. */
function answersFor(service: ServiceInput, caseText: string, caseId: string, description: string, requestedAt: number): AttributeAnswers {
  const answers: AttributeAnswers = {};
  for (const attribute of service.attributes) {
    if (attribute.variable === false || attribute.staffOnly) continue;
    const hinted = answerHints[`${service.code}.${attribute.code}`]?.find(([pattern]) => pattern.test(caseText))?.[1];
    const pick = stableHash(`${caseId}.${attribute.code}`);
    const keys = (attribute.values ?? []).map((v) => v.key);
    if (attribute.datatype === 'multivaluelist') {
      if (hinted) answers[attribute.code] = [hinted];
      else if (attribute.required) answers[attribute.code] = [keys[pick % keys.length] ?? 'other'];
    } else if (attribute.datatype === 'singlevaluelist') {
      const key = hinted ?? (attribute.required ? keys[pick % keys.length] : undefined);
      if (key !== undefined) answers[attribute.code] = key;
    } else if (attribute.required) {
      if (attribute.datatype === 'number') answers[attribute.code] = String(1 + (pick % 5));
      else if (attribute.datatype === 'datetime') answers[attribute.code] = new Date(requestedAt - (pick % 48) * HOUR).toISOString();
      else answers[attribute.code] = description;
    }
  }
  return answers;
}

const requiredColumns = ['CaseID', 'Opened', 'Closed', 'Status', 'Status.Notes', 'Category', 'Request.Type', 'Request.Details', 'Address', 'Point', 'Source'] as const;
type Column = (typeof requiredColumns)[number];

/**
 * The demo service a sample case becomes (by the same rules as the demo history), or null when
 * it fits none: for readers of the sample on its own time line (bench/forecast.ts).
 */
export function sampleServiceCode(row: Record<Column, string>): string | null {
  const caseText = `${row['Request.Type']} | ${row['Request.Details']}`;
  const rule = mappingRules.find((r) => r.category === row.Category && (!r.match || r.match.test(caseText)));
  return rule?.service && demoServices.some((s) => s.code === rule.service) ? rule.service : null;
}

/** Reads the sample (plain or gzipped) into records keyed by column name. */
export function readSampleCases(csvPath: string): Array<Record<Column, string>> {
  const [header, ...rows] = readCsvFile(csvPath);
  if (!header) throw new Error(`${csvPath} is empty.`);
  const index = new Map(header.map((name, i) => [name, i]));
  for (const column of requiredColumns) if (!index.has(column)) throw new Error(`${csvPath} has no "${column}" column.`);
  return rows.filter((row) => row.length > 1).map((row) => {
    const record = {} as Record<Column, string>;
    for (const column of requiredColumns) record[column] = row[index.get(column) ?? -1] ?? '';
    return record;
  });
}

/**
 * The demo history: SF cases that fit a demo service, moved into the year before `now`, sorted by
 * request time. `limit` keeps that many, spread evenly over the year. Same `now`, same result.
 */
export function loadDemoHistory(csvPath: string, now: Date, options: { limit?: number } = {}): HistoricRequest[] {
  const nowMs = now.getTime();
  const { bounds, timeZone } = demoCity;
  const services = new Map(demoServices.map((s) => [s.code, s]));
  const descriptions = new Map<string, string>(); // a few hundred distinct wordings across thousands of cases
  const kept: Array<{ caseId: string; request: HistoricRequest; requestedMs: number; timeToClose: number | null; note: string }> = [];

  for (const row of readSampleCases(csvPath)) {
    const caseText = `${row['Request.Type']} | ${row['Request.Details']}`;
    const rule = mappingRules.find((r) => r.category === row.Category && (!r.match || r.match.test(caseText)));
    const service = rule?.service ? services.get(rule.service) : undefined;
    if (!rule || !service) continue;

    const point = /^\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/.exec(row.Point.trim());
    if (!point) continue;
    const lat = Number(point[1]), long = Number(point[2]);
    if (lat < bounds.minLat || lat > bounds.maxLat || long < bounds.minLong || long > bounds.maxLong) continue;

    const openedWall = parseWallClock(row.Opened);
    if (openedWall === null) continue;
    const opened = wallClockToUtc(openedWall, timeZone);
    // Shift on the wall clock, so 8 am stays 8 am whatever the daylight-saving dates were that year.
    const steps = Math.floor((nowMs - opened) / SHIFT_STEP);
    let requestedAt = wallClockToUtc(openedWall + steps * SHIFT_STEP, timeZone);
    // A daylight-saving hour can push a case just past `now`: use the year before.
    if (requestedAt > nowMs) requestedAt = wallClockToUtc(openedWall + (steps - 1) * SHIFT_STEP, timeZone);

    let timeToClose: number | null = null;
    const closedWall = row.Status === 'Closed' ? parseWallClock(row.Closed) : null;
    if (closedWall !== null) {
      // Some cases were closed "before" they opened (clock or AM/PM slips of minutes to days): keep the size of the gap.
      const gap = Math.abs(wallClockToUtc(closedWall, timeZone) - opened);
      if (gap <= LONGEST_PLAUSIBLE_CLOSE) timeToClose = gap;
    }

    const wordingKey = `${service.code}|${rule.label ?? ''}|${caseText}`;
    let description = descriptions.get(wordingKey);
    if (description === undefined) descriptions.set(wordingKey, description = describe(rule, service, row['Request.Type'], row['Request.Details']));
    kept.push({
      caseId: row.CaseID,
      request: {
        serviceCode: service.code,
        description,
        lat,
        long,
        addressString: tidyAddress(row.Address),
        channel: channelBySource[row.Source] ?? 'phone',
        attributes: answersFor(service, caseText, row.CaseID, description, requestedAt),
        requestedAt: new Date(requestedAt).toISOString(),
        closedAt: null,
        statusNotes: null,
        agencyResponsible: service.agencyResponsible,
      },
      requestedMs: requestedAt, timeToClose, note: row['Status.Notes'],
    });
  }

  // When each case closes. The sample's own time to close where it has a plausible one; the
  // cases it left open (a snapshot's backlog, or closed in bulk clean-ups years later) take the
  // time of a closed case of the same service, picked by the case's id. So, as in a real
  // council, what is still open today is what came in recently or is taking long, not a year's
  // worth of reports nobody touched: most open cases are within their targets, a few are late.
  const closeTimes = new Map<string, number[]>();
  for (const k of kept) if (k.timeToClose !== null) closeTimes.set(k.request.serviceCode, [...closeTimes.get(k.request.serviceCode) ?? [], k.timeToClose]);
  const everyCloseTime = kept.flatMap((k) => (k.timeToClose === null ? [] : [k.timeToClose]));
  for (const k of kept) {
    const pool = (closeTimes.get(k.request.serviceCode)?.length ?? 0) >= 10 ? closeTimes.get(k.request.serviceCode)! : everyCloseTime;
    const sampled = k.timeToClose ?? (pool.length > 0 ? pool[stableHash(k.caseId) % pool.length]! : null);
    const timeToClose = sampled === null ? null : demoPace(sampled);
    if (timeToClose === null || k.requestedMs + timeToClose > nowMs) continue;
    k.request.closedAt = new Date(k.requestedMs + timeToClose).toISOString();
    k.request.statusNotes = publicStatusNote(k.timeToClose === null ? '' : k.note) ?? (k.timeToClose === null ? 'Completed.' : null);
  }

  kept.sort((a, b) => (a.request.requestedAt < b.request.requestedAt ? -1 : a.request.requestedAt > b.request.requestedAt ? 1 : Number(a.caseId) - Number(b.caseId)));
  const history = kept.map((k) => k.request);
  const limit = options.limit;
  if (limit === undefined || limit >= history.length) return history;
  return Array.from({ length: Math.max(0, limit) }, (_, i) => history[Math.floor((i * history.length) / limit)] as HistoricRequest);
}
