/**
 * Open data (issue 14) on the demo city, on each database: the DCAT-US 1.1 catalogue validates
 * against the vendored schema; a CKAN client's calls (package_search, then datastore_search with
 * filters, paging by _links.next) bring back exactly the rows an independent query finds; the CSV
 * of the demo history parses back to the cases; nothing personal leaves in any format; bad
 * parameters get CKAN's errors or a clear 400; the council's settings page saves and audits.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { submitCase } from '../src/cases/submit.js';
import { demoCity } from '../src/demo/city.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { REMOVED } from '../src/opendata/screen.js';
import { defaultSettings, saveOpenDataSettings } from '../src/opendata/settings.js';
import { csvCell, parseCsv } from '../src/platform/csv.js';
import { createTrainingCases } from '../src/training/seed.js';
import { ensureTrainingSpace } from '../src/training/seed.js';
import { databasesUnderTest } from './database.js';
import { startDemo, type Running } from './opendata/demo.js';

const schemaFile = (name: string) => JSON.parse(readFileSync(new URL(`./opendata/dcat-us-v1.1/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/**
 * The DCAT-US schemas are JSON Schema draft 4, whose `id` is `$id` in the drafts ajv 8 speaks; the
 * keywords these schemas use mean the same in both. Nested `id`s of inlined definitions are
 * dropped so their `$ref`s resolve against the file, as the schema's authors meant.
 */
function asDraft7(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((s) => asDraft7(s, false));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (key === 'id' && typeof value === 'string') { if (root) out.$id = value; continue; }
    out[key] = key === 'properties' || key === 'definitions' || key === 'dependencies'
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, asDraft7(v, false)]))
      : asDraft7(value, false);
  }
  return out;
}

// ajv-formats is CommonJS: under Node's ESM loader its default export is the function itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function dcatUsValidator() {
  // The schemas' patterns escape characters (\' and the like) that only non-Unicode regular expressions accept.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addSchema(asDraft7(schemaFile('dataset-non-federal.json')) as object);
  return ajv.compile(asDraft7(schemaFile('catalog.json')) as object);
}

/** The same request's values as the CSV writes them (formula-safe text, numbers as they are). */
const asCsv = (value: string | number | null) => (value === null ? '' : parseCsv(`${csvCell(value)}\r\n`)[0]![0]!);

const reporter = { email: 'rita.reporter@example.org', firstName: 'Ritamae', lastName: 'Quillfeather', phone: '+1 415 555 0199' };
const writtenByResident = 'Broken glass outside number 12. Call me on 0207 946 0958 or write to rita.reporter@example.org, see https://example.org/photo?id=9';

for (const database of databasesUnderTest()) {
  describe(`open data on ${database.name}`, () => {
    let t: Running;
    let personalCaseId = 0;
    let trainingIds: number[] = [];

    const get = (path: string) => fetch(`${t.baseUrl}${path}`);
    const ckan = async (action: string, params: Record<string, string> = {}) => {
      const response = await get(`/api/3/action/${action}?${new URLSearchParams(params)}`);
      return { status: response.status, body: await response.json() as { help: string; success: boolean; result: any; error?: { __type: string; message: string } } }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    /** The independent reading: straight from the cases table. */
    const casesInDb = () => t.db.selectFrom('cases')
      .select(['id', 'service_code', 'status', 'state', 'requested_at', 'closed_at', 'lat', 'long', 'address_string', 'channel', 'description', 'status_notes'])
      .where('jurisdiction_id', '=', demoCity.id).where('kind', '=', 'service_request').orderBy('id').execute();

    before(async () => {
      t = await startDemo(database);
      // A service that asks no required question, so the case needs only its description.
      const service = await t.db.selectFrom('services').select('code').where('jurisdiction_id', '=', demoCity.id).where('active', '=', 1)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('service_attributes').select('code').whereRef('service_attributes.service_code', '=', 'services.code')
          .where('service_attributes.jurisdiction_id', '=', demoCity.id).where('service_attributes.required', '=', 1))))
        .orderBy('code').executeTakeFirstOrThrow();
      const created = await submitCase(t.db, { jurisdiction: t.config.jurisdiction, keyring: t.keyring }, 'web', {
        serviceCode: service.code,
        description: writtenByResident, lat: 37.7712345, long: -122.4198765, addressString: '12 Market Street', attributes: {}, mediaUrls: [], contact: reporter,
      }, { actor: { id: 'test' } });
      personalCaseId = Number(created.id);
      await ensureTrainingSpace(t.db, t.config, t.keyring);
      trainingIds = (await createTrainingCases(t.db, t.config, t.keyring, { count: 3, random: () => 0.5 })).map(Number);
    });
    after(() => t.close());

    test('/data.json validates against the DCAT-US 1.1 schema, and names the council\'s licence and contact', async () => {
      const response = await get('/data.json');
      assert.equal(response.status, 200);
      const catalog = await response.json() as { dataset: Array<{ identifier: string; license: string; distribution: Array<{ downloadURL: string }> }> };
      const validate = dcatUsValidator();
      assert.ok(validate(catalog), JSON.stringify(validate.errors, null, 1));
      assert.deepEqual(catalog.dataset.map((d) => d.identifier.split('#')[1]), ['service-requests', 'services', 'performance']);
      assert.equal(catalog.dataset[0]!.license, 'https://creativecommons.org/licenses/by/4.0/');
      assert.ok(catalog.dataset[0]!.distribution.some((d) => d.downloadURL.endsWith('/open-data/requests.csv')));
      // The check itself can fail: a catalogue without its publisher does not pass.
      const broken = structuredClone(catalog) as { dataset: Array<Record<string, unknown>> };
      delete broken.dataset[0]!.publisher;
      assert.equal(validate(broken), false);

      const jsonld = await (await get('/catalog.jsonld')).json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      assert.equal(jsonld['@type'], 'dcat:Catalog');
      assert.equal(jsonld['dcat:dataset'].length, 3);
      assert.ok(jsonld['dcat:dataset'][0]['dcat:distribution'].every((d: Record<string, any>) => d['dct:license']['@id'] === catalog.dataset[0]!.license)); // eslint-disable-line @typescript-eslint/no-explicit-any
    });

    test('the CSV of the demo history parses back to exactly the cases, in order, without training cases', async () => {
      const response = await get('/open-data/requests.csv');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      const [header, ...rows] = parseCsv(await response.text());
      const column = (name: string) => header!.indexOf(name);
      const expected = await casesInDb();
      assert.ok(expected.length >= 3000, `the demo history is there (${expected.length})`);
      assert.equal(rows.length, expected.length);
      for (const [i, row] of rows.entries()) {
        const c = expected[i]!;
        const label = `row ${i + 1} (case ${c.id})`;
        assert.equal(row[column('service_request_id')], String(c.id), label);
        assert.equal(row[column('service_code')], asCsv(c.service_code), label);
        assert.equal(row[column('status')], c.status, label);
        assert.equal(row[column('state')], c.state, label);
        assert.equal(row[column('requested_datetime')], c.requested_at, label);
        assert.equal(row[column('closed_datetime')], c.closed_at ?? '', label);
        assert.equal(row[column('address')], asCsv(c.address_string), label);
        assert.equal(row[column('channel')], c.channel, label);
        assert.equal(Number(row[column('lat')]), c.lat, label);
        assert.equal(Number(row[column('long')]), c.long, label);
        // Withheld by default.
        assert.equal(row[column('description')], '', label);
        assert.equal(row[column('status_notes')], '', label);
      }
      for (const id of trainingIds) assert.ok(!rows.some((r) => r[0] === String(id)), `training case ${id} is not published`);
      const trainingInDb = await t.db.selectFrom('cases').select('id').where('id', 'in', trainingIds).where('jurisdiction_id', 'like', '%.training').execute();
      assert.equal(trainingInDb.length, trainingIds.length, 'the training cases exist, in the training space');
    });

    test('filters by date, service, area and bounding box return what an independent query finds', async () => {
      const all = await casesInDb();
      const service = all[Math.floor(all.length / 2)]!.service_code;
      const ids = async (query: string) => {
        const response = await get(`/open-data/requests.json?${query}`);
        assert.equal(response.status, 200, query);
        return ((await response.json()) as Array<{ service_request_id: number }>).map((r) => r.service_request_id);
      };
      assert.deepEqual(await ids(`service=${service}`), all.filter((c) => c.service_code === service).map((c) => c.id));
      const from = '2026-06-01T00:00:00Z';
      const to = '2026-07-01T00:00:00Z';
      assert.deepEqual(await ids(`from=${from}&to=${to}`), all.filter((c) => c.requested_at >= '2026-06-01T00:00:00.000Z' && c.requested_at < '2026-07-01T00:00:00.000Z').map((c) => c.id));
      const box = { minLong: -122.43, minLat: 37.76, maxLong: -122.40, maxLat: 37.79 };
      const inBox = all.filter((c) => c.lat !== null && c.long !== null && c.lat >= box.minLat && c.lat <= box.maxLat && c.long >= box.minLong && c.long <= box.maxLong).map((c) => c.id);
      assert.ok(inBox.length > 0);
      assert.deepEqual(await ids(`bbox=${box.minLong},${box.minLat},${box.maxLong},${box.maxLat}`), inBox);
      const area = await t.db.selectFrom('places').selectAll().where('jurisdiction_id', '=', demoCity.id).where('kind', '=', 'area').orderBy('id').executeTakeFirstOrThrow();
      const inArea = all.filter((c) => c.lat !== null && c.long !== null && c.lat >= area.min_lat! && c.lat <= area.max_lat! && c.long >= area.min_long! && c.long <= area.max_long!).map((c) => c.id);
      assert.deepEqual(await ids(`area=${area.id}`), inArea);

      const geo = await (await get(`/open-data/requests.geojson?service=${service}&status=closed`)).json() as { type: string; features: Array<{ id: number; geometry: { coordinates: number[] } | null; properties: Record<string, unknown> }> };
      assert.equal(geo.type, 'FeatureCollection');
      const closed = all.filter((c) => c.service_code === service && c.status === 'closed');
      assert.deepEqual(geo.features.map((f) => f.id), closed.map((c) => c.id));
      assert.deepEqual(geo.features[0]?.geometry?.coordinates, closed[0] ? [closed[0].long, closed[0].lat] : undefined);
    });

    test('the NYC 311 profile uses its column names and values', async () => {
      const [header, ...rows] = parseCsv(await (await get('/open-data/requests.csv?profile=nyc311')).text());
      assert.deepEqual(header!.slice(0, 6), ['Unique Key', 'Created Date', 'Closed Date', 'Agency', 'Agency Name', 'Complaint Type']);
      assert.ok(header!.includes('Latitude') && header!.includes('Location') && header!.includes('Incident Address'));
      const status = header!.indexOf('Status');
      assert.deepEqual([...new Set(rows.map((r) => r[status]))].sort().filter((s) => !['Closed', 'In Progress', 'Open'].includes(s!)), []);
      const location = rows.find((r) => r[header!.indexOf('Latitude')] !== '')!;
      assert.equal(location[header!.indexOf('Location')], `(${location[header!.indexOf('Latitude')]}, ${location[header!.indexOf('Longitude')]})`);
      assert.match(location[header!.indexOf('Created Date')]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    });

    test('nothing personal in any output: free text screened when chosen, coordinates rounded, reporters nowhere', async () => {
      await saveOpenDataSettings(t.db, t.config, { ...defaultSettings(t.config), freeText: 'screen', coordinateDecimals: 3 }, 'test');
      // One after another: a client may run only a few downloads at once (limits.test.ts).
      const outputs: Array<{ path: string; text: string }> = [];
      for (const path of [
        '/open-data/requests.csv', '/open-data/requests.json', '/open-data/requests.geojson', '/open-data/requests.csv?profile=nyc311',
        '/open-data/requests.json?profile=nyc311', '/open-data/services.csv', '/open-data/services.json', '/data.json', '/catalog.jsonld', '/open-data',
        `/api/3/action/datastore_search?resource_id=service-requests-csv&filters=${encodeURIComponent(JSON.stringify({ _id: personalCaseId }))}`,
        '/api/3/action/package_show?id=service-requests',
      ]) {
        const response = await get(path);
        assert.equal(response.status, 200, path);
        outputs.push({ path, text: await response.text() });
      }
      for (const { path, text } of outputs) {
        for (const secret of [reporter.email, reporter.firstName, reporter.lastName, '555 0199', '0207 946 0958', 'example.org/photo']) {
          assert.ok(!text.includes(secret), `${path} must not contain ${secret}`);
        }
        // The page says in words that photos and reporters are left out; the data has no such fields.
        if (path !== '/open-data') {
          assert.doesNotMatch(text, /"(first_name|last_name|email|phone|reporter|contact|media_urls?|photos?|staff_answers|attributes)":/i, `${path} has no personal or hidden field`);
          assert.doesNotMatch(text.split('\r\n')[0]!, /(^|,)(first_name|last_name|email|phone|reporter|media_urls?|photos?|staff_answers|attributes)(,|$)/i, `${path}: no such column`);
        }
      }
      const json = JSON.parse(outputs[1]!.text) as Array<{ service_request_id: number; description: string | null; lat: number; long: number }>;
      const mine = json.find((r) => r.service_request_id === personalCaseId)!;
      assert.equal(mine.description, `Broken glass outside number 12. Call me on ${REMOVED} or write to ${REMOVED}, see ${REMOVED}`);
      assert.equal(mine.lat, 37.771);
      assert.equal(mine.long, -122.42);
      assert.ok(json.every((r) => r.lat === null || Math.round(r.lat * 1000) / 1000 === r.lat), 'every latitude has at most 3 decimals');
      const datastore = JSON.parse(outputs[10]!.text) as { result: { records: Array<{ description: string }> } };
      assert.equal(datastore.result.records[0]!.description, mine.description);
      await saveOpenDataSettings(t.db, t.config, defaultSettings(t.config), 'test');
    });

    test('a CKAN client finds the dataset, then pages through datastore_search by _links.next: exactly the right rows', async () => {
      const search = await ckan('package_search', { q: 'service requests', fq: 'organization:portalder.example res_format:CSV', rows: '5' });
      assert.equal(search.status, 200);
      assert.equal(search.body.success, true);
      assert.match(search.body.help, /help_show\?name=package_search$/);
      // The performance figures count requests too; the requests themselves come first.
      assert.deepEqual(search.body.result.results.map((d: { name: string }) => d.name), ['service-requests', 'performance']);
      const dataset = search.body.result.results[0];
      assert.equal(dataset.name, 'service-requests');
      assert.equal(dataset.license_id, 'cc-by');
      assert.equal(dataset.organization.name, demoCity.id);
      const resource = dataset.resources.find((r: { datastore_active: boolean }) => r.datastore_active);
      assert.ok(resource, 'one resource is in the datastore');
      assert.deepEqual((await ckan('package_show', { id: 'service-requests' })).body.result.resources.map((r: { id: string }) => r.id), dataset.resources.map((r: { id: string }) => r.id));
      assert.deepEqual((await ckan('package_list')).body.result, ['service-requests', 'services', 'performance']);
      assert.deepEqual((await ckan('organization_list')).body.result, [demoCity.id]);

      const all = await casesInDb();
      const service = all[0]!.service_code;
      const expected = all.filter((c) => c.service_code === service && c.status === 'closed').map((c) => c.id);
      assert.ok(expected.length > 40, 'enough rows for several pages');
      const seen: number[] = [];
      let next: string | null = `/api/3/action/datastore_search?${new URLSearchParams({ resource_id: resource.id, filters: JSON.stringify({ service_code: service, status: 'closed' }), limit: '20' })}`;
      let total = -1;
      let pages = 0;
      while (next) {
        const page = await (await get(next)).json() as { success: boolean; result: { records: Array<{ _id: number; service_code: string; status: string }>; total: number; fields: Array<{ id: string; type: string }>; _links: { next: string } } };
        assert.equal(page.success, true);
        assert.deepEqual(page.result.fields.slice(0, 2).map((f) => [f.id, f.type]), [['_id', 'int'], ['service_request_id', 'int']]);
        total = page.result.total;
        if (page.result.records.length === 0) break;
        assert.ok(page.result.records.every((r) => r.service_code === service && r.status === 'closed'));
        seen.push(...page.result.records.map((r) => r._id));
        next = page.result._links.next;
        pages++;
      }
      assert.deepEqual(seen, expected);
      assert.equal(total, expected.length);
      assert.equal(pages, Math.ceil(expected.length / 20));

      const byOffset = await ckan('datastore_search', { resource_id: resource.id, offset: '5', limit: '3', sort: '_id desc', include_total: 'false' });
      assert.deepEqual(byOffset.body.result.records.map((r: { _id: number }) => r._id), all.map((c) => c.id).reverse().slice(5, 8));
      assert.equal(byOffset.body.result.total, undefined);
    });

    test('bad parameters: CKAN\'s errors from the CKAN API, a clear 400 from downloads', async () => {
      const expectCkan = async (action: string, params: Record<string, string>, status: number, type: string, words: RegExp) => {
        const { status: got, body } = await ckan(action, params);
        assert.equal(got, status, `${action} ${JSON.stringify(params)}`);
        assert.equal(body.success, false);
        assert.equal(body.error?.__type, type);
        assert.match(body.error?.message ?? '', words);
      };
      await expectCkan('datastore_search', {}, 409, 'Validation Error', /Missing value/);
      await expectCkan('datastore_search', { resource_id: 'nope' }, 404, 'Not Found Error', /not found/i);
      await expectCkan('datastore_search', { resource_id: 'service-requests-csv', filters: '{not json' }, 409, 'Validation Error', /JSON object/);
      await expectCkan('datastore_search', { resource_id: 'service-requests-csv', filters: '{"colour":"red"}' }, 409, 'Validation Error', /field "colour" not in table/);
      await expectCkan('datastore_search', { resource_id: 'service-requests-csv', limit: '100000' }, 409, 'Validation Error', /less than or equal to 1000/);
      await expectCkan('datastore_search', { resource_id: 'service-requests-csv', sort: 'description desc' }, 409, 'Validation Error', /cannot be sorted/);
      await expectCkan('datastore_search', { resource_id: 'service-requests-csv', offset: '-1' }, 409, 'Validation Error', /Invalid integer/);
      await expectCkan('datastore_search', { resource_id: 'service-requests-csv', shape: 'round' }, 409, 'Validation Error', /shape was not expected/);
      await expectCkan('package_show', { id: 'nothing-here' }, 404, 'Not Found Error', /Not found/);
      await expectCkan('package_search', { fq: 'colour:red' }, 409, 'Search Query Error', /cannot filter by "colour"/);
      await expectCkan('package_search', { rows: 'many' }, 409, 'Validation Error', /Invalid integer/);
      await expectCkan('resource_delete', {}, 400, 'Bad Request', /Action name not known/);

      const expect400 = async (query: string, words: RegExp) => {
        const response = await get(`/open-data/requests.json?${query}`);
        assert.equal(response.status, 400, query);
        const body = await response.json() as { message: string };
        assert.match(body.message, words, query);
      };
      await expect400('colour=red&size=big', /Unknown parameters: colour, size/);
      await expect400('from=2026-13-01', /from must be a date/);
      await expect400('from=2026-06-01&to=2026-05-01', /from must be before to/);
      await expect400('service=no-such-service', /There is no service "no-such-service"/);
      await expect400('bbox=1,2,3', /bbox must be four numbers/);
      await expect400('area=999999', /There is no area 999999/);
      await expect400('profile=paris', /profile must be townhall/);
      await expect400('status=maybe&from=yesterday', /status must be open or closed.*|from must be a date/);
      assert.equal((await get('/open-data/services.csv?x=1')).status, 400);
      // The page's form sends the browser on to the file it describes.
      const redirected = await fetch(`${t.baseUrl}/open-data/download?format=geojson&from=2026-06-01&to=&service=&profile=nyc311`, { redirect: 'manual' });
      assert.equal(redirected.status, 303);
      assert.equal(redirected.headers.get('location'), '/open-data/requests.geojson?from=2026-06-01&profile=nyc311');
    });

    test('the open data page, in every language, and the settings page: system admins save, audited', async () => {
      for (const [lang, words] of [['en', 'Open data'], ['es', 'Datos abiertos'], ['ar', 'البيانات المفتوحة']] as const) {
        const page = await get(`/open-data?lang=${lang}`);
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.ok(html.includes(`<h1>${words}</h1>`), lang);
        assert.ok(html.includes('href="/open-data/requests.csv"') && html.includes('href="/data.json"'), lang);
      }
      assert.match(await (await get('/')).text(), /<a href="\/open-data">Open data<\/a>/, 'linked from the footer');

      const admin = await createUser(t.db, t.keyring, { email: 'opendata.admin@example.org', role: 'system_admin', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token, session } = await startSession(t.db, Number(admin.id), { limits: limitsFor('system_admin'), secondFactor: true });
      const cookie = `townhall_session=${token}`;
      const form = await fetch(`${t.baseUrl}/admin/settings/open-data`, { headers: { cookie } });
      assert.equal(form.status, 200);
      const post = (fields: Record<string, string>) => fetch(`${t.baseUrl}/admin/settings/open-data`, {
        method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual',
        body: new URLSearchParams({ _csrf: session.csrfToken, licence: 'odc-odbl', publisher: 'Port Alder Data Team', contactName: 'Data team', contactEmail: 'data@portalder.example', frequency: 'R/P1W', spatial: 'Port Alder', temporalFrom: '', freeText: 'screen', coordinateDecimals: '4', ...fields }),
      });
      const refused = await post({ contactEmail: 'not an email', coordinateDecimals: '9' });
      assert.equal(refused.status, 400);
      const refusedPage = await refused.text();
      assert.match(refusedPage, /Enter an email address/);
      assert.match(refusedPage, /from 0 to 6/);
      const saved = await post({});
      assert.equal(saved.status, 303);
      const audit = await t.db.selectFrom('audit_log').select(['actor', 'before', 'after']).where('action', '=', 'open_data_settings.updated').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.equal(audit.actor, `user:${admin.id}`);
      assert.match(audit.after ?? '', /odc-odbl/);
      const catalog = await (await get('/data.json')).json() as { dataset: Array<{ license: string; accrualPeriodicity: string; contactPoint: { hasEmail: string } }> };
      assert.equal(catalog.dataset[0]!.license, 'https://opendatacommons.org/licenses/odbl/1-0/');
      assert.equal(catalog.dataset[0]!.accrualPeriodicity, 'R/P1W');
      assert.equal(catalog.dataset[0]!.contactPoint.hasEmail, 'mailto:data@portalder.example');
      assert.ok(dcatUsValidator()(catalog), 'still valid with the council\'s choices');
      await saveOpenDataSettings(t.db, t.config, defaultSettings(t.config), 'test');
    });
  });
}
