import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAgainstSchema } from './xml-schema.js';

const schema = new URL('./open311/georeport-v2.xsd', import.meta.url);
const service = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><services><service><service_code>${code}</service_code><service_name>Potholes</service_name><description>Holes in the road</description><metadata>false</metadata><type>realtime</type><keywords>road</keywords><group>Roads</group></service></services>`;

test('the XML schema check accepts a valid document and names what is wrong with an invalid one', async () => {
  const valid = await checkAgainstSchema(service('pothole'), schema);
  assert.deepEqual(valid, { valid: true, errors: [] });
  const wrongElement = await checkAgainstSchema(service('pothole').replace('<type>realtime</type>', '<kind>realtime</kind>'), schema);
  assert.equal(wrongElement.valid, false);
  assert.match(wrongElement.errors.join('\n'), /kind/);
  const notXml = await checkAgainstSchema('<services><service>', schema);
  assert.equal(notXml.valid, false);
});
