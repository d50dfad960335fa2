/**
 * GeoReport v2 conformance: GET Service List and GET Service Definition.
 * Rules and their sources: test/open311/SPEC-NOTES.md (S1–S9).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../harness.js';
import {
  Open311, assertErrors, assertJson, assertXml, asRecord, asRecords, formats, get, sparkStrings, str, unwrapContainers, xmlItems, type Rec,
} from './client.js';
import { BULKY, GRAFFITI, POTHOLE, fixture, groups, hazardKeys, potholeAttributes, services, surfaceKeys } from './fixture-catalogue.js';

const serviceTypes = ['realtime', 'batch', 'blackbox'];
const datatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];
const definitionContainers = { attributes: 'attribute', values: 'value' };

for (const database of databasesUnderTest()) {
  describe(`Open311 GeoReport v2 services on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    before(async () => {
      t = await startTownhall(database, fixture);
      api = new Open311(t.baseUrl, t.apiKey);
    });
    after(async () => {
      await t?.close();
    });

    test('S1 GET services.json lists every service with the spec\'s fields and types', async () => {
      const list = asRecords(await api.json('services.json'), 'services.json');
      assert.deepEqual(list.map((s) => s.service_code).sort(), services.map((s) => s.code).sort());
      for (const service of list) {
        const code = str(service, 'service_code');
        const input = services.find((s) => s.code === code);
        assert.ok(input, `unexpected service ${code}`);
        assert.equal(str(service, 'service_name'), input.name);
        assert.equal(str(service, 'description'), input.description);
        assert.equal(typeof service.metadata, 'boolean', 'metadata is true or false');
        assert.ok(serviceTypes.includes(str(service, 'type')), `type is realtime, batch or blackbox: ${String(service.type)}`);
        assert.equal(service.type, input.type);
        const keywords = str(service, 'keywords').split(',').map((k) => k.trim());
        assert.deepEqual(keywords, input.keywords, 'keywords: a comma separated list');
        assert.equal(typeof service.group, 'string', 'group is text');
      }
    });

    test('S1 service codes stay strings: "007-pothole" is not turned into a number', async () => {
      const list = asRecords(await api.json('services.json'));
      assert.ok(list.some((s) => s.service_code === POTHOLE));
      for (const s of list) assert.equal(typeof s.service_code, 'string');
    });

    test('S2 metadata is true exactly for services with attributes', async () => {
      const list = asRecords(await api.json('services.json'));
      const byCode = new Map(list.map((s) => [s.service_code, s]));
      assert.equal(byCode.get(POTHOLE)?.metadata, true);
      assert.equal(byCode.get(GRAFFITI)?.metadata, false);
      assert.equal(byCode.get(BULKY)?.metadata, false);
    });

    test('S3 group puts services of one group together and keeps the two groups apart', async () => {
      const list = asRecords(await api.json('services.json'));
      const groupOf = (code: string) => list.find((s) => s.service_code === code)?.group;
      assert.equal(groupOf(POTHOLE), groupOf(GRAFFITI));
      assert.notEqual(groupOf(POTHOLE), groupOf(BULKY));
      const known = groups.flatMap((g) => [g.code, g.name]);
      for (const code of [POTHOLE, GRAFFITI, BULKY]) assert.ok(known.includes(String(groupOf(code))), `group of ${code} names its group: ${String(groupOf(code))}`);
    });

    test('S4 GET services.xml: declaration, text/xml, <services><service>, same data as JSON', async () => {
      const json = asRecords(await api.json('services.json'));
      const doc = await api.xml('services.xml');
      const xml = xmlItems(doc, 'services', 'service');
      assert.deepEqual(xml, sparkStrings(json));
    });

    test('S5 GET services/{code}.json: a definition with every attribute field', async () => {
      const definition = asRecord(await api.json(`services/${POTHOLE}.json`), 'service definition');
      assert.equal(definition.service_code, POTHOLE, 'the same service_code as asked for');
      const attributes = asRecords(definition.attributes, 'attributes');
      const input = services.find((s) => s.code === POTHOLE);
      assert.ok(input);
      assert.equal(attributes.length, input.attributes.length);
      const orders = new Set<number>();
      for (const attribute of attributes) {
        assert.equal(typeof attribute.variable, 'boolean', 'variable is true or false');
        assert.equal(typeof attribute.required, 'boolean', 'required is true or false');
        assert.ok(datatypes.includes(str(attribute, 'datatype')), `datatype ${String(attribute.datatype)}`);
        str(attribute, 'code');
        str(attribute, 'description');
        assert.ok(attribute.datatype_description === null || typeof attribute.datatype_description === 'string', 'datatype_description is text or null');
        const order = attribute.order;
        assert.ok(typeof order === 'number' && Number.isInteger(order) && order > 0, `order is a positive integer: ${String(order)}`);
        assert.ok(!orders.has(order), `order ${order} is not used twice in one service`);
        orders.add(order);
        const isList = attribute.datatype === 'singlevaluelist' || attribute.datatype === 'multivaluelist';
        const values = attribute.values === undefined ? [] : asRecords(attribute.values, `values of ${String(attribute.code)}`);
        if (isList) assert.ok(values.length > 0, `${String(attribute.code)} lists its values`);
        else assert.equal(values.length, 0, `${String(attribute.code)} is not a list, so it has no values`);
        for (const value of values) {
          assert.equal(typeof value.key, 'string', 'value keys are strings');
          assert.equal(typeof value.name, 'string', 'value names are strings');
        }
      }
      assert.deepEqual(new Set(attributes.map((a) => a.datatype)), new Set(datatypes), 'the fixture service uses every datatype');
    });

    test('S5 attribute details: informational, required, list keys', async () => {
      const definition = asRecord(await api.json(`services/${POTHOLE}.json`));
      const attributes = asRecords(definition.attributes);
      const byCode = (code: string): Rec => {
        const found = attributes.find((a) => a.code === code);
        assert.ok(found, `attribute ${code}`);
        return found;
      };
      assert.equal(byCode(potholeAttributes.notice).variable, false, 'variable:false attribute only presents information');
      assert.equal(byCode(potholeAttributes.road).variable, true);
      assert.equal(byCode(potholeAttributes.road).required, true);
      assert.equal(byCode(potholeAttributes.road).datatype_description, 'The street name');
      assert.equal(byCode(potholeAttributes.depth).required, false);
      assert.deepEqual(asRecords(byCode(potholeAttributes.surface).values).map((v) => v.key), surfaceKeys);
      assert.deepEqual(asRecords(byCode(potholeAttributes.hazards).values).map((v) => v.key), hazardKeys);
      assert.equal(asRecords(byCode(potholeAttributes.hazards).values)[0]?.name, 'Motor traffic');
    });

    test('S6 GET services/{code}.xml: <service_definition><attributes><attribute>…<values><value><key/><name/>, same data as JSON', async () => {
      const json = asRecord(await api.json(`services/${POTHOLE}.json`));
      const doc = await api.xml(`services/${POTHOLE}.xml`);
      assert.ok('service_definition' in doc, 'root element is <service_definition>');
      const xml = unwrapContainers(doc.service_definition, definitionContainers);
      assert.deepEqual(xml, sparkStrings(json));
    });

    test('S6 a service without attributes still has a definition, with no attributes', async () => {
      for (const code of [BULKY, GRAFFITI]) {
        const json = asRecord(await api.json(`services/${code}.json`));
        assert.equal(json.service_code, code);
        assert.deepEqual(json.attributes ?? [], []);
        const doc = await api.xml(`services/${code}.xml`);
        assert.deepEqual(unwrapContainers(doc.service_definition, definitionContainers), { service_code: code, attributes: [] });
      }
    });

    for (const format of formats) {
      test(`S7 an unknown service_code is 404 with an error list (${format})`, async () => {
        const result = await api.get(`services/no-such-service.${format}`);
        await assertErrors(result, format, 404);
      });

      test(`S8 jurisdiction_id: this server's is accepted, empty means absent, another is 404 (${format})`, async () => {
        const same = await api.get(`services.${format}`, { jurisdiction_id: t.jurisdiction.id });
        assert.equal(same.status, 200);
        const empty = await api.get(`services.${format}`, { jurisdiction_id: '' });
        assert.equal(empty.status, 200);
        assert.equal(empty.text, (await api.get(`services.${format}`)).text, 'an empty parameter is the same as none');
        await assertErrors(await api.get(`services.${format}`, { jurisdiction_id: 'elsewhere.example' }), format, 404, 'services');
        await assertErrors(await api.get(`services/${POTHOLE}.${format}`, { jurisdiction_id: 'elsewhere.example' }), format, 404, 'definition');
      });
    }

    test('S9 each format has its own content type', async () => {
      assertJson(await api.get('services.json'));
      await assertXml(await api.get('services.xml'));
      assertJson(await api.get(`services/${POTHOLE}.json`));
      await assertXml(await api.get(`services/${POTHOLE}.xml`));
    });

    test('S9 a format other than json or xml is a resource that does not exist (404)', async () => {
      for (const path of ['services.html', `services/${POTHOLE}.csv`, 'services']) {
        const result = await get(`${api.v2}/${path}`);
        assert.equal(result.status, 404, `${path}: ${result.status} ${result.text.slice(0, 200)}`);
      }
    });
  });
}
