import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { areaContains, areaMatcher, areaToGeoJson, boxOfArea, circleToRing, formatCapCircle, formatCapPolygon, geoJsonRings, parseAreaText, parseCapCircle, parseCapPolygon, ringProblem } from './geometry.js';

const square = '37.75,-122.45 37.75,-122.4 37.8,-122.4 37.8,-122.45 37.75,-122.45';

describe('areas in CAP form', () => {
  test('a polygon is read, written back the same, and tells inside from outside', () => {
    const read = parseCapPolygon(square);
    assert.ok('ring' in read);
    assert.equal(formatCapPolygon(read.ring), square);
    const area = { polygons: [read.ring], circles: [] };
    assert.equal(areaContains(area, { lat: 37.77, long: -122.42 }), true);
    assert.equal(areaContains(area, { lat: 37.70, long: -122.42 }), false);
    assert.equal(areaContains(area, { lat: 37.77, long: -122.39 }), false);
  });

  test('bad polygons are refused with a reason a person can act on', () => {
    const problem = (text: string) => { const r = parseCapPolygon(text); return 'problem' in r ? r.problem : null; };
    assert.match(problem('37.75,-122.45 37.75,-122.40 37.75,-122.45')!, /at least four points/);
    assert.match(problem('37.75,-122.45 37.75,-122.40 37.80,-122.40 37.80,-122.45')!, /end where it starts/);
    assert.match(problem('37.75,-122.45 37.80,-122.40 37.75,-122.40 37.80,-122.45 37.75,-122.45')!, /crosses itself/);
    assert.match(problem('37.75,-122.45 37.76,-122.44 37.77,-122.43 37.75,-122.45')!, /no area/);
    assert.match(problem('97.75,-122.45 37.75,-122.40 37.80,-122.40 97.75,-122.45')!, /latitude 97.75/);
    assert.match(problem('37.75;-122.45 x y z')!, /not a pair of numbers/);
    assert.equal(ringProblem([{ lat: 0, long: 0 }, { lat: 0, long: 1 }, { lat: 1, long: 1 }, { lat: 1, long: 0 }, { lat: 0, long: 0 }]), null);
  });

  test('a circle is read and written in kilometres, and matches by distance', () => {
    const read = parseCapCircle('37.77,-122.42 1.5');
    assert.ok('circle' in read);
    assert.equal(formatCapCircle(read.circle), '37.77,-122.42 1.5');
    const area = { polygons: [], circles: [read.circle] };
    assert.equal(areaContains(area, { lat: 37.78, long: -122.42 }), true); // about 1.1 km north
    assert.equal(areaContains(area, { lat: 37.79, long: -122.42 }), false); // about 2.2 km north
    const r = parseCapCircle('37.77,-122.42 0');
    assert.ok('problem' in r && /above 0/.test(r.problem));
  });

  test('a matcher agrees with the plain test, boxes cover their shapes, GeoJSON swaps to [long, lat]', () => {
    const ring = (parseCapPolygon(square) as { ring: never }).ring;
    const circle = { center: { lat: 37.7, long: -122.5 }, radiusKm: 2 };
    const area = { polygons: [ring], circles: [circle] };
    const match = areaMatcher(area);
    for (let i = 0; i < 2000; i++) {
      const p = { lat: 37.6 + ((i * 7919) % 1000) / 4000, long: -122.6 + ((i * 104729) % 1000) / 4000 };
      assert.equal(match(p), areaContains(area, p));
    }
    const box = boxOfArea(area)!;
    assert.ok(box.minLat < 37.69 && box.maxLat === 37.8 && box.minLong < -122.52);
    const geo = areaToGeoJson(area);
    assert.deepEqual(geo.coordinates[0]![0]![0], [-122.45, 37.75]);
    assert.equal(circleToRing(circle).length, 49);
  });
});

describe('areas pasted as GeoJSON', () => {
  const square = [[-122.45, 37.75], [-122.4, 37.75], [-122.4, 37.8], [-122.45, 37.8], [-122.45, 37.75]];
  test('a Feature, a FeatureCollection and a MultiPolygon become CAP rings in [lat, long] order', () => {
    const feature = JSON.stringify({ type: 'Feature', properties: { name: 'Mission' }, geometry: { type: 'Polygon', coordinates: [square] } });
    const read = geoJsonRings(feature);
    assert.ok('rings' in read);
    assert.equal(formatCapPolygon(read.rings[0]!), '37.75,-122.45 37.75,-122.4 37.8,-122.4 37.8,-122.45 37.75,-122.45');
    const collection = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[square], [square.map(([x, y]) => [x! + 1, y!])]] } }] });
    const many = geoJsonRings(collection);
    assert.ok('rings' in many && many.rings.length === 2);
    const text = parseAreaText(`\n  ${feature}`);
    assert.ok('area' in text && areaContains(text.area, { lat: 37.77, long: -122.42 }));
  });

  test('what CAP cannot hold is refused with the reason', () => {
    const problem = (value: unknown) => { const r = geoJsonRings(typeof value === 'string' ? value : JSON.stringify(value)); return 'problem' in r ? r.problem : null; };
    assert.match(problem({ type: 'Polygon', coordinates: [square, square] })!, /hole/);
    assert.match(problem({ type: 'Point', coordinates: [0, 0] })!, /Point: an area must be made of Polygons/);
    assert.match(problem('{ "type": "Polygon", ')!, /not valid JSON/);
    assert.match(problem({ type: 'FeatureCollection', features: [] })!, /no polygon/);
    assert.match(problem({ type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] })!, /crosses itself/);
    assert.match(problem({ type: 'Polygon', coordinates: [[[0, 95], [1, 1], [1, 0], [0, 95]]] })!, /latitude 95/);
  });
});
