/**
 * Performance as open data (issue 14) on the demo city, on each database: the downloads
 * (/open-data/performance.csv and .json) give, month by month, the very figures the performance
 * pages show, read from the pages' own tables; filters by service and months work and bad ones
 * get a clear 400; the dataset is in the catalogues and the CKAN API, datastore_search included.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoCity } from '../src/demo/city.js';
import { performanceColumns } from '../src/opendata/performance.js';
import { saveChannelCosts } from '../src/performance/costs.js';
import { publishedFigures } from '../src/performance/figures.js';
import { parseCsv } from '../src/platform/csv.js';
import { databasesUnderTest } from './database.js';
import { startDemo, type Running } from './opendata/demo.js';

type Row = Record<string, string | number | null>;

/** A measure's month-by-month table on a performance page: the value cell of each row, as shown. */
function pageColumn(html: string, measure: string): string[] {
  const start = html.indexOf(`aria-labelledby="${measure}-title"`);
  assert.ok(start > 0, `the page has the measure ${measure}`);
  const section = html.slice(start, html.indexOf('</section>', start));
  const body = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>.*?<td[^>]*>(.*?)<\/td>/gs)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#x27;|&#39;/g, '\''));
}

/** The downloaded value as the English page writes it. */
function shown(value: string | number | null, measure: string): string {
  if (value === null) return 'Not enough yet';
  const n = Number(value);
  if (measure === 'cost') return new Intl.NumberFormat('en', { style: 'currency', currency: 'GBP' }).format(n);
  if (measure === 'median') return `${new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(n)} days`;
  return new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(n);
}

const columnOf: Record<string, string> = {
  cost: 'cost_per_transaction', satisfaction: 'satisfaction', completion: 'completion_rate', 'take-up': 'digital_take_up',
  'in-time': 'closed_in_time', median: 'median_days_to_close',
};

for (const database of databasesUnderTest()) {
  describe(`performance as open data on ${database.name}`, () => {
    let t: Running;
    const get = (path: string) => fetch(`${t.baseUrl}${path}`);
    const json = async (path: string) => {
      const response = await get(path);
      assert.equal(response.status, 200, `${path}: ${response.status}`);
      return await response.json() as Row[];
    };

    before(async () => {
      t = await startDemo(database);
      // Costs for every channel, so the cost per transaction is published too.
      await saveChannelCosts(t.db, demoCity.id, { currency: 'GBP', costs: { web: 80, api: 20, phone: 640, email: 410, counter: 1150 } }, 'test');
      publishedFigures.clear();
    });
    after(() => t.close());

    test('the downloads give the performance pages\' own figures, for the council and for a service', async () => {
      const rows = await json('/open-data/performance.json');
      const council = rows.filter((r) => r.scope === 'council');
      assert.equal(council.length, 12, 'a row per month for the council');
      assert.ok(council.every((r) => r.service_code === null && r.currency === 'GBP'));
      const byService = rows.filter((r) => r.scope === 'service');
      assert.ok(byService.length >= 12 && byService.length % 12 === 0, 'twelve months per service');
      const busiest = [...new Set(byService.map((r) => r.service_code as string))]
        .map((code) => ({ code, requests: byService.filter((r) => r.service_code === code).reduce((s, r) => s + Number(r.requests), 0) }))
        .sort((a, b) => b.requests - a.requests)[0]!.code;
      assert.ok(council.some((r) => r.cost_per_transaction !== null && r.digital_take_up !== null && r.median_days_to_close !== null),
        'the demo history has figures to compare, not only empty months');

      for (const [path, mine] of [['/performance', council], [`/performance/${busiest}`, byService.filter((r) => r.service_code === busiest)]] as const) {
        const html = await (await get(path)).text();
        for (const [measure, column] of Object.entries(columnOf)) {
          assert.deepEqual(mine.map((r) => shown(r[column]!, measure)), pageColumn(html, measure), `${path} ${measure}`);
        }
      }
      // The counts behind the shares add up to the council's.
      for (const month of council) {
        const services = byService.filter((r) => r.month === month.month);
        assert.equal(services.reduce((s, r) => s + Number(r.requests), 0), month.requests, `requests in ${month.month}`);
        assert.equal(services.reduce((s, r) => s + Number(r.closed), 0), month.closed, `closed in ${month.month}`);
      }

      const csv = parseCsv(await (await get('/open-data/performance.csv')).text());
      assert.deepEqual(csv[0], performanceColumns.map((c) => c.id));
      assert.deepEqual(csv.slice(1), rows.map((r) => performanceColumns.map((c) => (r[c.id] === null ? '' : String(r[c.id])))));
    });

    test('filters by service and months, and a clear 400 for bad ones', async () => {
      const all = await json('/open-data/performance.json');
      const months = all.filter((r) => r.scope === 'council').map((r) => r.month as string);
      const code = all.find((r) => r.scope === 'service')!.service_code as string;
      const one = await json(`/open-data/performance.json?service=${code}`);
      assert.deepEqual(one, all.filter((r) => r.service_code === code));
      const period = await json(`/open-data/performance.json?from=${months[3]}&to=${months[5]}`);
      assert.deepEqual(period, all.filter((r) => r.month! >= months[3]! && r.month! <= months[5]!));
      assert.equal(period.filter((r) => r.scope === 'council').length, 3);

      for (const [query, words] of [
        ['colour=red', /Unknown parameter: colour/],
        ['from=2026-13', /from must be a month like/],
        ['to=1999-01', /to must be a published month, from /],
        [`from=${months[5]}&to=${months[3]}`, /from must not be after to/],
        ['service=no-such-thing', /There is no service "no-such-thing"/],
        [`from=${months[0]}&from=${months[1]}`, /Give from once/],
      ] as const) {
        const response = await get(`/open-data/performance.csv?${query}`);
        assert.equal(response.status, 400, query);
        const body = await response.json() as { error: string; message: string };
        assert.equal(body.error, 'invalid');
        assert.match(body.message, words, query);
      }
    });

    test('listed on the open data page, in /data.json, /catalog.jsonld and the CKAN API with its datastore', async () => {
      const page = await (await get('/open-data')).text();
      assert.match(page, /href="\/open-data\/performance\.csv"/);
      assert.match(page, /href="\/open-data\/performance\.json"/);
      const catalog = await (await get('/data.json')).json() as { dataset: Array<{ identifier: string; distribution: Array<{ downloadURL: string }> }> };
      const dataset = catalog.dataset.find((d) => d.identifier.endsWith('#performance'));
      assert.deepEqual(dataset?.distribution.map((d) => new URL(d.downloadURL).pathname), ['/open-data/performance.csv', '/open-data/performance.json']);
      const jsonld = await (await get('/catalog.jsonld')).text();
      assert.match(jsonld, /\/open-data\/performance\.csv/);

      const ckan = async (action: string, params: Record<string, string>) => (await get(`/api/3/action/${action}?${new URLSearchParams(params)}`)).json() as Promise<{ success: boolean; result: any; error?: { message: string } }>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const shownPackage = await ckan('package_show', { id: 'performance' });
      assert.equal(shownPackage.success, true);
      const resource = shownPackage.result.resources.find((r: { datastore_active: boolean }) => r.datastore_active);
      assert.equal(resource.id, 'performance-csv');

      const all = await json('/open-data/performance.json');
      const code = all.find((r) => r.scope === 'service')!.service_code as string;
      const first = await ckan('datastore_search', { resource_id: resource.id, filters: JSON.stringify({ service_code: code }), limit: '5' });
      assert.equal(first.success, true);
      assert.equal(first.result.total, 12);
      assert.deepEqual(first.result.fields.map((f: { id: string }) => f.id), ['_id', ...performanceColumns.map((c) => c.id)]);
      const second = await (await get(first.result._links.next)).json() as { result: { records: Row[] } };
      const paged = [...first.result.records, ...second.result.records].map(({ _id, ...rest }: Row) => rest);
      assert.deepEqual(paged, all.filter((r) => r.service_code === code).slice(0, 10));
      const bad = await ckan('datastore_search', { resource_id: resource.id, filters: '{"requests":"5"}' });
      assert.equal(bad.success, false);
      assert.match(bad.error!.message, /cannot be filtered here/);
    });
  });
}
