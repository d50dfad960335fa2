import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { demoPlaceName, demoPlaces } from '../demo/places.js';
import { demoHistoryFile } from '../demo/seed.js';
import { parsePlacesCsv } from './import.js';
import { findPlaces, getPlace, importPlaces, listAreas, nearestAddress, searchPlaces, type PlaceInput } from './places.js';
import { en as english } from '../i18n/messages/en.js';
import { es as spanish } from '../i18n/messages/es.js';
import { ar as arabic } from '../i18n/messages/ar.js';

const J = 'places.test';
const area = { minLat: 51.3, minLong: -0.5, maxLat: 51.7, maxLong: 0.3 };
const box = { minLat: 51.50, minLong: -0.13, maxLat: 51.52, maxLong: -0.11 };
const sample: PlaceInput[] = [
  { kind: 'area', name: 'Riverside', lat: 51.51, long: -0.12, bounds: box },
  { kind: 'area', name: 'Old Town', lat: 51.45, long: -0.2, bounds: { minLat: 51.44, minLong: -0.21, maxLat: 51.46, maxLong: -0.19 } },
  { kind: 'street', name: 'High Street', lat: 51.51, long: -0.12, bounds: box },
  { kind: 'street', name: 'Calle de la Estación', lat: 51.52, long: -0.1, bounds: box },
  { kind: 'address', name: '12 High Street', lat: 51.511, long: -0.121, bounds: null },
  { kind: 'address', name: '120 High Street', lat: 51.512, long: -0.122, bounds: null },
  { kind: 'address', name: '12 Mill Lane', lat: 51.513, long: -0.123, bounds: null },
  { kind: 'address', name: '7 Calle de la Estación', lat: 51.52, long: -0.1, bounds: null },
  // Written as gazetteers write them: abbreviated street types.
  { kind: 'street', name: 'Market St', lat: 51.505, long: -0.115, bounds: box },
  { kind: 'address', name: '10 Market St', lat: 51.5051, long: -0.1151, bounds: null },
  { kind: 'address', name: '16 Market St', lat: 51.5052, long: -0.1152, bounds: null },
  { kind: 'address', name: '1122 Market St', lat: 51.509, long: -0.119, bounds: null },
  { kind: 'address', name: '4 Station Rd', lat: 51.506, long: -0.111, bounds: null },
  { kind: 'address', name: '250 Oak Avenue', lat: 51.507, long: -0.112, bounds: null },
  { kind: 'address', name: '9 Lincoln Blvd', lat: 51.508, long: -0.113, bounds: null },
];

for (const database of databasesUnderTest()) {
  describe(`places on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
      await importPlaces(t.db, J, sample);
      await importPlaces(t.db, 'another.council', [{ kind: 'street', name: 'High Street', lat: 1, long: 1, bounds: null }]);
    });
    after(() => t.cleanup());
    const names = async (query: string, options?: Parameters<typeof searchPlaces>[3]) => (await searchPlaces(t.db, J, query, options)).map((p) => p.name);

    test('typing mistakes and word starts find the place; streets and areas before addresses', async () => {
      assert.deepEqual((await names('hihg stret')).slice(0, 1), ['High Street']);
      assert.deepEqual((await names('high st')).slice(0, 1), ['High Street']);
      assert.deepEqual(await names('riversid'), ['Riverside']);
      assert.deepEqual(await names('oldtown'), ['Old Town']);
      assert.deepEqual(await names('zzzz'), []);
      assert.deepEqual(await names(''), []);
    });

    test('a house number matches exactly, the street fuzzily; a number not listed answers with the street and the nearest numbers', async () => {
      assert.deepEqual(await names('12 hihg street'), ['12 High Street']);
      assert.deepEqual(await names('120 High St'), ['120 High Street']);
      // Changed deliberately: "13 High Street" used to find nothing; now the street and the nearest numbers.
      assert.deepEqual(await names('13 High Street'), ['High Street', '12 High Street', '120 High Street']);
      assert.equal((await findPlaces(t.db, J, '13 High Street')).numberNotFound, '13');
      assert.equal((await findPlaces(t.db, J, '12 High Street')).numberNotFound, null);
      assert.deepEqual(await names('12 mil lane'), ['12 Mill Lane']);
      assert.deepEqual(await names('12 Nowhere Street'), []);
    });

    // The usual ways of writing an address, each with the place it must find first.
    const variants: Array<[query: string, first: string, why: string]> = [
      ['12 Market Street', 'Market St', 'the hint\'s example: no number 12, so the street (then 10 and 16)'],
      ['market st', 'Market St', 'lower case, abbreviated'],
      ['Market St.', 'Market St', 'a full stop after the abbreviation'],
      ['MARKET STREET', 'Market St', 'capitals, written out'],
      ['Market', 'Market St', 'without the street type'],
      ['markt stret', 'Market St', 'two typing mistakes'],
      ['10 Market Street', '10 Market St', 'a listed number, written out'],
      ['10 market st.', '10 Market St', 'a listed number, abbreviated'],
      ['Market Street 16', '16 Market St', 'the number after the street'],
      ['1122 Markt St', '1122 Market St', 'a number and a typing mistake'],
      ['4 Station Road', '4 Station Rd', 'Road for Rd'],
      ['4 station rd', '4 Station Rd', 'Rd as listed'],
      ['250 Oak Ave', '250 Oak Avenue', 'Ave for Avenue'],
      ['250 oak av.', '250 Oak Avenue', 'Av. for Avenue'],
      ['9 Lincoln Boulevard', '9 Lincoln Blvd', 'Boulevard for Blvd'],
      ['high st', 'High Street', 'St for Street'],
      ['Hihg Stret', 'High Street', 'letters swapped and missing'],
    ];
    for (const [query, first, why] of variants) {
      test(`"${query}" finds ${first} (${why})`, async () => {
        assert.equal((await names(query))[0], first);
      });
    }
    test('"12 Market Street" lists the street, then the nearest numbers 10 and 16', async () => {
      assert.deepEqual(await names('12 Market Street'), ['Market St', '10 Market St', '16 Market St']);
    });

    test('the nearest address to a point (reverse lookup), with its distance; none when too far', async () => {
      const near = await nearestAddress(t.db, J, { lat: 51.50511, long: -0.11511 });
      assert.equal(near?.place.name, '10 Market St');
      assert.ok(near && near.metres >= 0 && near.metres < 5);
      assert.equal(await nearestAddress(t.db, J, { lat: 51.6, long: -0.3 }), null, 'nothing within 250 m');
      assert.equal(await nearestAddress(t.db, 'another.council', { lat: 51.50511, long: -0.11511 }), null);
    });

    test('accents are folded and the folded name is stored as the search key', async () => {
      assert.deepEqual(await names('7 calle de la estacion'), ['7 Calle de la Estación']);
      const row = await t.db.selectFrom('places').select('search_key').where('name', '=', 'Calle de la Estación').executeTakeFirstOrThrow();
      assert.equal(row.search_key, 'calle de la estacion');
    });

    test('kinds and limit narrow the answer; another council’s places are never found', async () => {
      assert.deepEqual(await names('high street', { kinds: ['street'] }), ['High Street']);
      assert.equal((await names('high', { limit: 2 })).length, 2);
      assert.equal((await names('high')).length, 3);
    });

    test('searches use this process\'s index of search keys, read again after an import; at most 8 words count', async () => {
      let keyReads = 0;
      const counting = new Proxy(t.db, {
        get: (target, name) => {
          const value = Reflect.get(target, name) as unknown;
          if (name !== 'selectFrom') return typeof value === 'function' ? (value as (...x: unknown[]) => unknown).bind(target) : value;
          return (...args: unknown[]) => {
            const query = (value as (...x: unknown[]) => { select: (...y: unknown[]) => unknown }).apply(target, args);
            return new Proxy(query, {
              get: (q, n) => (n === 'select' ? (cols: unknown) => {
                if (Array.isArray(cols) && cols.includes('search_key')) keyReads++;
                return (Reflect.get(q, n) as (c: unknown) => unknown).call(q, cols);
              } : typeof Reflect.get(q, n) === 'function' ? (Reflect.get(q, n) as (...x: unknown[]) => unknown).bind(q) : Reflect.get(q, n)),
            });
          };
        },
      });
      assert.deepEqual((await searchPlaces(counting, J, 'mill lane')).map((p) => p.name), ['12 Mill Lane']);
      assert.deepEqual((await searchPlaces(counting, J, '12 high street')).map((p) => p.name), ['12 High Street']);
      assert.equal(keyReads, 1, 'the keys are read once, not on every search');
      await importPlaces(t.db, J, [{ kind: 'street', name: 'Quarry Road', lat: 51.5, long: -0.1, bounds: null }]);
      assert.deepEqual((await searchPlaces(counting, J, 'quarry')).map((p) => p.name), ['Quarry Road'], 'an import in this process is seen at once');
      assert.equal(keyReads, 2);
      assert.deepEqual(await names('mill lane mill lane mill lane mill lane zzzzzz'), ['12 Mill Lane'], 'words past the eighth are ignored');
    });

    test('areas are listed by name, and a place is found by id with its bounds', async () => {
      const areas = await listAreas(t.db, J);
      assert.deepEqual(areas.map((a) => a.name), ['Old Town', 'Riverside']);
      const found = await getPlace(t.db, J, areas[1]!.id);
      assert.deepEqual(found, { ...sample[0], id: areas[1]!.id });
      assert.equal(await getPlace(t.db, 'another.council', areas[1]!.id), undefined);
      assert.equal(await getPlace(t.db, J, 999_999), undefined);
    });
  });
}

test('a CSV of places is checked line by line, with line numbers', () => {
  const good = parsePlacesCsv('kind,name,lat,long\naddress,1 High Street,51.5,-0.1\narea,Riverside,51.51,-0.12,51.5,-0.13,51.52,-0.11\n', area);
  assert.deepEqual(good.problems, []);
  assert.equal(good.places.length, 2);
  assert.deepEqual(good.places[1]!.bounds, box);
  const bad = parsePlacesCsv('road,X,51.5,-0.1\naddress,,51.5,-0.1\naddress,Y,north,-0.1\naddress,Z,10,10\narea,W,51.5,-0.1,51.6,-0.2,51.4,0\naddress,1 A St,51.5,-0.1\n', area);
  assert.equal(bad.places.length, 0, 'all or nothing');
  assert.equal(bad.problems.length, 5);
  assert.match(bad.problems[0]!, /^Line 1: kind must be/);
  assert.match(bad.problems[1]!, /^Line 2: the name is empty/);
  assert.match(bad.problems[2]!, /^Line 3: lat must be a decimal number/);
  assert.match(bad.problems[3]!, /^Line 4: .*outside the council/);
  assert.match(bad.problems[4]!, /^Line 5: min_lat/);
  assert.match(parsePlacesCsv('', area).problems[0]!, /no places/);
});

test('every language\'s address hint names a place the demo gazetteer finds', async () => {
  const t = await createTestDatabase(databasesUnderTest()[0]!);
  try {
    await importPlaces(t.db, 'demo.hint', demoPlaces(demoHistoryFile));
    for (const [language, words] of [['en', english], ['es', spanish], ['ar', arabic]] as const) {
      const hint = words['report.location.searchHint'];
      const example = hint.replace(/^[^,:،]*[,:،]\s*/, '');
      const found = await findPlaces(t.db, 'demo.hint', example);
      assert.ok(found.places.length > 0, `${language}: "${example}" finds nothing`);
      assert.match(found.places[0]!.name, /market st/i, `${language}: "${example}"`);
    }
    // The demo city has no 12 Market St: the street comes first, then the nearest numbers.
    const twelve = await findPlaces(t.db, 'demo.hint', '12 Market Street');
    assert.equal(twelve.places[0]!.name, 'Market St');
    assert.equal(twelve.numberNotFound, '12');
    assert.equal((await searchPlaces(t.db, 'demo.hint', 'market st.'))[0]!.name, 'Market St');
  } finally {
    await t.cleanup();
  }
});

test('the demo gazetteer: tidy names, streets with extents, neighbourhoods', () => {
  assert.equal(demoPlaceName('1671 25TH AVE, SAN FRANCISCO, CA, 94122'), '1671 25th Ave');
  assert.equal(demoPlaceName("Intersection of O'FARRELL ST and MCALLISTER ST"), "O'Farrell St and McAllister St");
  const places = demoPlaces(demoHistoryFile);
  const street = places.find((p) => p.kind === 'street' && p.name === 'Market St');
  assert.ok(street?.bounds && street.bounds.minLat < street.bounds.maxLat);
  assert.ok(places.some((p) => p.kind === 'area' && p.name === 'Mission Bay'));
  assert.ok(places.filter((p) => p.kind === 'address').length > 1000);
  assert.ok(!places.some((p) => /san francisco/i.test(p.name)));
  assert.equal(new Set(places.filter((p) => p.kind === 'address').map((p) => p.name)).size, places.filter((p) => p.kind === 'address').length);
});
