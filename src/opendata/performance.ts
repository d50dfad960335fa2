/**
 * The published performance figures as open data (issue 14): the four measures of the service
 * standard (cost per transaction, satisfaction, completion rate, digital take-up) and time to
 * close against the promise, for the council and per service, month by month. The figures are
 * the performance pages' own (src/performance/figures.ts, kept a few minutes): this file only
 * lays them out as rows, so a download and the page can never disagree. Values are not rounded;
 * a measure without enough data behind it is empty (null), as the page says "not enough data".
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { Service } from '../catalogue/types.js';
import { emptyMonths, measuresOf, publishedFigures, type PerformanceFigures } from '../performance/figures.js';
import { csvCell } from '../platform/csv.js';
import { invalid } from '../platform/errors.js';
import type { Column, OpenRecord } from './records.js';
import { serviceFilter } from './export.js';


/** Shares and days to four places, money to cents: what a reader can use, without a float's 0.6666666666666666. */
function round(value: number | null, places: number): number | null {
  if (value === null) return null;
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

export const performanceColumns: readonly Column[] = [
  { id: 'month', type: 'text', description: 'The month (YYYY-MM, in the council\'s time zone); the current month so far' },
  { id: 'scope', type: 'text', description: 'council (every service together) or service' },
  { id: 'service_code', type: 'text', description: 'The service\'s code; empty for the council' },
  { id: 'service_name', type: 'text', description: 'The service\'s name; empty for the council' },
  { id: 'requests', type: 'int', description: 'Requests made in the month' },
  { id: 'currency', type: 'text', description: 'The currency of the cost (ISO 4217)' },
  { id: 'cost_per_transaction', type: 'numeric', description: 'What a request costs on average, from the council\'s costs per channel (major units); empty without requests or without a cost for a channel used' },
  { id: 'satisfaction', type: 'numeric', description: 'Share of feedback answers scoring 4 or 5 of 5 (0 to 1); empty below 5 answers' },
  { id: 'satisfaction_answers', type: 'int', description: 'Feedback answers that gave a score' },
  { id: 'completion_rate', type: 'numeric', description: 'Share of online report journeys started that were sent (0 to 1), counted without tracking people; empty below 5 started' },
  { id: 'journeys_started', type: 'int', description: 'Online report journeys started' },
  { id: 'journeys_sent', type: 'int', description: 'Online report journeys sent' },
  { id: 'digital_take_up', type: 'numeric', description: 'Share of requests made online (web or API) (0 to 1); empty below 5 requests' },
  { id: 'closed', type: 'int', description: 'Requests closed in the month' },
  { id: 'closed_in_time', type: 'numeric', description: 'Share of the requests closed in the month that had a promised time and were closed within it (0 to 1); empty below 5' },
  { id: 'median_days_to_close', type: 'numeric', description: 'Median days from request to closure of the requests closed in the month; empty below 5 closed' },
];

export interface PerformanceRequest {
  /** Service codes asked for; undefined: the council and every service with requests in the period. */
  serviceCodes?: string[];
  /** First and last month (YYYY-MM), inclusive. */
  from?: string;
  to?: string;
}

const known = ['service', 'from', 'to'];
const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The filters from a query, checked all at once; months are checked against the published ones. */
export function readPerformanceRequest(query: Record<string, unknown>, services: readonly Service[], months: readonly string[]): PerformanceRequest {
  const problems: string[] = [];
  const unknown = Object.keys(query).filter((name) => !known.includes(name));
  if (unknown.length > 0) problems.push(`Unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 10).map((n) => n.slice(0, 40)).join(', ')}. This download takes ${known.join(', ')}.`);
  const request: PerformanceRequest = {};
  const serviceCodes = serviceFilter(query.service, services, problems);
  if (serviceCodes) request.serviceCodes = serviceCodes;
  const first = months[0]!;
  const last = months[months.length - 1]!;
  for (const name of ['from', 'to'] as const) {
    const value = query[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') { problems.push(`Give ${name} once.`); continue; }
    if (!monthPattern.test(value.trim())) problems.push(`${name} must be a month like ${last}.`);
    else if (value.trim() < first || value.trim() > last) problems.push(`${name} must be a published month, from ${first} to ${last}.`);
    else request[name] = value.trim();
  }
  if (request.from && request.to && request.from > request.to) problems.push('from must not be after to.');
  if (problems.length > 0) throw invalid(problems.join(' '), problems);
  return request;
}

/** The rows: the council's months first (when no service was asked for), then each service's, by code. */
export function performanceRows(figures: PerformanceFigures, request: PerformanceRequest, serviceNames: ReadonlyMap<string, string>): OpenRecord[] {
  const inPeriod = (month: string) => (!request.from || month >= request.from) && (!request.to || month <= request.to);
  const costs = figures.costs;
  const rows: OpenRecord[] = [];
  const add = (code: string | null, months: PerformanceFigures['council']) => {
    for (const counts of months) {
      if (!inPeriod(counts.month)) continue;
      const m = measuresOf(counts, costs);
      rows.push({
        month: counts.month,
        scope: code === null ? 'council' : 'service',
        service_code: code,
        service_name: code === null ? null : serviceNames.get(code) ?? code,
        requests: m.requests,
        currency: costs.currency,
        cost_per_transaction: m.costPerTransaction === null ? null : round(m.costPerTransaction / 100, 2),
        satisfaction: round(m.satisfaction, 4),
        satisfaction_answers: m.rated,
        completion_rate: round(m.completion, 4),
        journeys_started: m.journeysStarted,
        journeys_sent: counts.journeysSent,
        digital_take_up: round(m.digitalTakeUp, 4),
        closed: m.closed,
        closed_in_time: round(m.inTime, 4),
        median_days_to_close: round(m.medianDays, 4),
      });
    }
  };
  if (!request.serviceCodes) add(null, figures.council);
  const codes = request.serviceCodes ?? [...figures.byService.keys()].sort();
  for (const code of codes) add(code, figures.byService.get(code) ?? emptyMonths(figures.months));
  return rows;
}

/** The published figures (shared with the pages' few-minute cache) and the months they cover. */
export const figuresFor = (db: DB, config: Config) => publishedFigures(db, { id: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone });

export function performanceDocument(rows: readonly OpenRecord[], format: 'csv' | 'json'): string {
  if (format === 'json') return JSON.stringify(rows);
  const ids = performanceColumns.map((c) => c.id);
  const line = (values: ReadonlyArray<OpenRecord[string] | undefined>) => `${values.map((v) => (v === null || v === undefined ? '' : csvCell(v))).join(',')}\r\n`;
  return line(ids) + rows.map((row) => line(ids.map((id) => row[id]))).join('');
}
