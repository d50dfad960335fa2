import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Service, ServiceInput } from '../catalogue/types.js';
import { checkAnswers } from '../cases/answers.js';
import type { HistoricRequest } from './history.js';
import { demoServiceGroups, demoServices } from './catalogue-data.js';
import { demoCity } from './city.js';
import { parseCsv } from '../platform/csv.js';
import { loadDemoHistory, localTimeToUtc } from './history.js';
import { sharedFile } from '../../test/shared-files.js';

const sampleCsv = sharedFile('data/311/san-francisco-311-cases-sample10k.csv');
const bundledSample = fileURLToPath(new URL('../../demo-data/san-francisco-311-cases-sample10k.csv.gz', import.meta.url));
const fixedNow = new Date('2026-03-15T12:00:00Z');
const DAY = 86_400_000;
const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const slug = /^[a-z0-9_-]+$/;

/** The full Service the request code checks answers against, as the catalogue would store it. */
function asService(input: ServiceInput): Service {
  return {
    ...input,
    groupName: demoServiceGroups.find((g) => g.code === input.groupCode)?.name ?? '',
    active: input.active ?? true,
    retentionDays: input.retentionDays ?? null,
    department: input.department ?? null,
    erasureExemption: input.erasureExemption ?? null,
    attributes: input.attributes.map((a) => ({ ...a, helpText: a.helpText ?? null, values: a.values ?? [], variable: a.variable ?? true, staffOnly: a.staffOnly ?? false })),
  };
}

test('the SF sample parses to 10,000 records of 17 fields, including multi-line quoted fields', () => {
  const text = readFileSync(sampleCsv, 'utf8');
  const [header, ...records] = parseCsv(text);
  assert.equal(records.length, 10_000);
  assert.equal(header?.length, 17);
  assert.equal(header?.[1], 'CaseID');
  assert.ok(records.every((r) => r.length === 17));
  // SOURCES.md: 92 records have quoted fields with line breaks, which is why the file has 10,165 lines.
  assert.equal(records.filter((r) => r.some((field) => field.includes('\n'))).length, 92);
  assert.equal(new Set(records.map((r) => r[1])).size, 10_000, 'CaseID is unique');
  // No bound on the time taken (bench/ measures speed): on a busy machine it would fail for no fault of the code.
});

test('local San Francisco times become the right UTC instant, summer and winter', () => {
  const utc = (text: string) => localTimeToUtc(text, 'America/Los_Angeles')?.toISOString();
  assert.equal(utc('07/15/2012 08:08:00 AM'), '2012-07-15T15:08:00.000Z'); // PDT, UTC-7
  assert.equal(utc('01/15/2012 08:08:00 AM'), '2012-01-15T16:08:00.000Z'); // PST, UTC-8
  assert.equal(utc('03/11/2012 03:30:00 AM'), '2012-03-11T10:30:00.000Z'); // just after the spring change
  assert.equal(utc('03/11/2012 01:30:00 AM'), '2012-03-11T09:30:00.000Z'); // just before it
  assert.equal(utc('11/04/2012 02:30:00 AM'), '2012-11-04T10:30:00.000Z'); // after the autumn change
  assert.equal(utc('11/04/2012 01:30:00 AM'), '2012-11-04T08:30:00.000Z'); // the repeated hour: its first, daylight reading
  assert.equal(utc('01/01/2012 12:05:00 AM'), '2012-01-01T08:05:00.000Z'); // 12 AM is just after midnight
  assert.equal(utc('01/01/2012 12:05:00 PM'), '2012-01-01T20:05:00.000Z');
  assert.equal(utc('2012-01-01 08:00'), undefined);
});

function checkHistory(history: HistoricRequest[], now: Date): void {
  const nowMs = now.getTime();
  const services = new Map(demoServices.map((s) => [s.code, asService(s)]));
  const { bounds } = demoCity;
  for (const [i, r] of history.entries()) {
    const label = `request ${i} (${r.serviceCode}, ${r.requestedAt})`;
    assert.match(r.requestedAt, isoUtc, label);
    const requested = Date.parse(r.requestedAt);
    assert.ok(requested >= nowMs - 366 * DAY && requested <= nowMs, `${label} is outside the year before now`);
    if (r.closedAt !== null) {
      assert.match(r.closedAt, isoUtc, label);
      const closed = Date.parse(r.closedAt);
      assert.ok(requested <= closed && closed <= nowMs, `${label} closes at ${r.closedAt}`);
    } else {
      assert.equal(r.statusNotes, null, `${label} is open, so has no closing note`);
    }
    if (i > 0) assert.ok((history[i - 1] as HistoricRequest).requestedAt <= r.requestedAt, `${label} is out of order`);
    assert.ok(r.lat >= bounds.minLat && r.lat <= bounds.maxLat && r.long >= bounds.minLong && r.long <= bounds.maxLong, `${label} is outside the city`);
    assert.ok(['web', 'api', 'phone', 'counter'].includes(r.channel), label);
    assert.ok(r.description.length > 0, label);
    assert.doesNotMatch(r.description, /\d{3,}|@/, `${label}: the description must not carry plates, phone numbers or emails`);
    assert.doesNotMatch(r.addressString ?? '', /SAN FRANCISCO|, CA\b|\b94\d{3}\b/i, label);

    const service = services.get(r.serviceCode);
    assert.ok(service, `${label}: no such demo service`);
    const { problems } = checkAnswers(service, r.attributes);
    assert.deepEqual(problems, [], label);
    for (const attribute of service.attributes) {
      const answer = r.attributes[attribute.code];
      if (attribute.variable && attribute.required) assert.ok(answer !== undefined && answer.length > 0, `${label}: ${attribute.code} is required`);
      const keys = attribute.values.map((v) => v.key);
      if (attribute.datatype === 'singlevaluelist' && answer !== undefined) assert.ok(typeof answer === 'string' && keys.includes(answer), label);
      if (attribute.datatype === 'multivaluelist' && answer !== undefined) assert.ok(Array.isArray(answer) && answer.every((v) => keys.includes(v)), label);
    }
  }
}

test('the demo history fills the year before now with valid requests for every demo service', () => {
  const started = performance.now();
  const history = loadDemoHistory(sampleCsv, fixedNow);
  const took = performance.now() - started;
  const perService = new Map<string, number>();
  for (const r of history) perService.set(r.serviceCode, (perService.get(r.serviceCode) ?? 0) + 1);
  const open = history.filter((r) => r.closedAt === null).length;
  console.log(`demo history: ${history.length} requests (${open} open) in ${took.toFixed(0)} ms;`, Object.fromEntries([...perService].sort((a, b) => b[1] - a[1])));

  assert.ok(history.length >= 1_500, `only ${history.length} requests`);
  checkHistory(history, fixedNow);
  for (const service of demoServices) assert.ok((perService.get(service.code) ?? 0) >= 10, `${service.code} has ${perService.get(service.code) ?? 0} historic requests`);
  assert.ok(open > 0 && open < history.length / 4, `${open} open requests`);
  // The history reaches both ends of the year, not just part of it.
  assert.ok(Date.parse(history[0]?.requestedAt ?? '') < fixedNow.getTime() - 350 * DAY);
  assert.ok(Date.parse(history.at(-1)?.requestedAt ?? '') > fixedNow.getTime() - 2 * DAY);
  // No bound on the time taken: on a busy machine it would fail for no fault of the code.
});

test('what is still open is recent, as in a council keeping up: none over a month old, most under a week', () => {
  for (const now of [fixedNow, new Date('2026-12-07T06:00:00Z'), new Date('2027-06-20T18:00:00Z')]) {
    const open = loadDemoHistory(sampleCsv, now, { limit: 3000 }).filter((r) => r.closedAt === null);
    const ages = open.map((r) => (now.getTime() - Date.parse(r.requestedAt)) / DAY);
    assert.ok(open.length >= 15, `${open.length} open on ${now.toISOString()}`);
    assert.ok(ages.every((days) => days < 30), `the oldest open case is ${Math.max(...ages).toFixed(0)} days old`);
    assert.ok(ages.filter((days) => days < 7).length > open.length / 2, 'most open cases came in during the last week');
  }
});

test('the history is the same for the same now, and valid for other nows too', () => {
  assert.deepEqual(loadDemoHistory(sampleCsv, fixedNow), loadDemoHistory(sampleCsv, fixedNow));
  // Just after the autumn clock change, and today.
  for (const now of [new Date('2026-11-01T09:30:00Z'), new Date()]) checkHistory(loadDemoHistory(sampleCsv, now), now);
});

test('limit keeps that many requests, spread over the whole year', () => {
  const history = loadDemoHistory(sampleCsv, fixedNow, { limit: 500 });
  assert.equal(history.length, 500);
  checkHistory(history, fixedNow);
  assert.ok(Date.parse(history[0]?.requestedAt ?? '') < fixedNow.getTime() - 350 * DAY);
  assert.deepEqual(loadDemoHistory(sampleCsv, fixedNow, { limit: 0 }), []);
});

test('the gzipped copy of the sample in demo-data gives the same history', { skip: !existsSync(bundledSample) && 'demo-data has no copy of the sample' }, () => {
  assert.deepEqual(loadDemoHistory(bundledSample, fixedNow), loadDemoHistory(sampleCsv, fixedNow));
});

test('the demo catalogue has enough services, well formed', () => {
  const groups = new Set(demoServiceGroups.map((g) => g.code));
  assert.ok(demoServices.length >= 12, `${demoServices.length} services`);
  assert.ok(new Set(demoServices.map((s) => s.groupCode)).size >= 5);
  assert.equal(new Set(demoServices.map((s) => s.code)).size, demoServices.length, 'service codes are unique');
  for (const service of demoServices) {
    assert.match(service.code, slug);
    assert.ok(groups.has(service.groupCode), `${service.code} is in an unknown group`);
    assert.ok(service.name && service.description && service.agencyResponsible && service.serviceNotice, service.code);
    assert.ok(service.keywords.length > 0 && service.expectedDays !== null, service.code);
    assert.deepEqual(service.attributes.map((a) => a.order), service.attributes.map((_, i) => i + 1), `${service.code}: orders run 1..n`);
    for (const attribute of service.attributes) {
      assert.match(attribute.code, slug, service.code);
      for (const value of attribute.values ?? []) assert.match(value.key, slug, `${service.code}.${attribute.code}`);
      if (attribute.variable === false) assert.equal(attribute.required, false, `${service.code}.${attribute.code}`);
    }
  }
});

test('one demo service asks every kind of question', () => {
  const full = demoServices.find((s) => {
    const answerable = s.attributes.filter((a) => a.variable !== false);
    return ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].every((d) => answerable.some((a) => a.datatype === d))
      && answerable.some((a) => a.required)
      && answerable.some((a) => a.datatype === 'multivaluelist' && (a.values?.length ?? 0) >= 3)
      && s.attributes.some((a) => a.variable === false);
  });
  assert.ok(full, 'no service uses all six datatypes, a required question, a multivaluelist and an informational attribute');
});
