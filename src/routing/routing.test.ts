import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest } from '../../test/database.js';
import { caseRow, jurisdiction, openCouncil, type Council } from '../cases/fixture.test-support.js';
import { areaContains, parseDepartmentArea, type AreaGeometry } from './areas.js';
import { pickAssignee, routeCase } from './routing.js';
import { deleteRoutingRule, listRoutingRules, moveRoutingRule, saveDepartmentArea, saveRoutingRule, setDepartmentAssignment } from './store.js';

/** A square from (long, lat) of the given size, optionally with a square hole in its middle. */
const square = (long: number, lat: number, size: number) => [[long, lat], [long + size, lat], [long + size, lat + size], [long, lat + size], [long, lat]];
const west = { type: 'Polygon', coordinates: [square(-1, 50, 1)] };

describe('department areas', () => {
  test('a polygon with a hole holds points inside it but not in the hole', () => {
    const parsed = parseDepartmentArea(JSON.stringify({ type: 'Polygon', coordinates: [square(0, 50, 2), square(0.5, 50.5, 1)] }));
    assert.ok('geometry' in parsed);
    const area = parsed.geometry;
    assert.equal(areaContains(area, 50.2, 0.2), true);
    assert.equal(areaContains(area, 51, 1), false, 'in the hole');
    assert.equal(areaContains(area, 53, 1), false, 'outside');
  });

  test('a FeatureCollection of polygons becomes one MultiPolygon', () => {
    const parsed = parseDepartmentArea(JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: {}, geometry: west },
        { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [[square(3, 50, 1)]] } },
      ],
    }));
    assert.ok('geometry' in parsed);
    const area: AreaGeometry = parsed.geometry;
    assert.equal(area.type, 'MultiPolygon');
    assert.equal(areaContains(area, 50.5, 3.5), true);
    assert.equal(areaContains(area, 50.5, -0.5), true);
    assert.equal(areaContains(area, 50.5, 1.5), false);
  });

  test('bad files are refused in plain words', () => {
    const problems = (text: string) => {
      const parsed = parseDepartmentArea(text);
      assert.ok('problems' in parsed, text.slice(0, 80));
      return parsed.problems.join(' ');
    };
    assert.match(problems('{not json'), /not valid JSON/);
    assert.match(problems(''), /empty/);
    assert.match(problems(JSON.stringify({ type: 'Point', coordinates: [0, 51] })), /Polygon or MultiPolygon/);
    assert.match(problems(JSON.stringify({ type: 'Polygon', coordinates: [[[0, 50], [1, 50], [1, 51], [0, 51]]] })), /not closed/);
    assert.match(problems(JSON.stringify({ type: 'Polygon', coordinates: [[[0, 50], [1, 50], [0, 50]]] })), /at least 4/);
    assert.match(problems(JSON.stringify({ type: 'Polygon', coordinates: [square(530000, 180000, 10)] })), /WGS 84/);
    assert.match(problems(JSON.stringify({ type: 'Polygon', coordinates: [[[0, 50], [1, 'x'], [1, 51], [0, 50]]] })), /longitude, latitude/);
    assert.match(problems(' '.repeat(1_000_001)), /larger than 1 MB/);
    assert.match(problems(JSON.stringify({ type: 'FeatureCollection', features: [] })), /no polygon/);
  });
});

for (const database of databasesUnderTest()) {
  describe(`routing on ${database.name}`, () => {
    let council: Council;
    before(async () => { council = await openCouncil(database); });
    after(() => council.t.cleanup());
    const id = jurisdiction.id;

    test('with no rules a case goes to its service\'s department; rules apply in order, area rules only inside the area', async () => {
      assert.equal(await routeCase(council.db, id, { serviceCode: 'pothole', lat: 50.5, long: -0.5 }), council.roads);
      assert.equal(await routeCase(council.db, id, { serviceCode: 'unknown', lat: null, long: null }), null);

      await assert.rejects(saveRoutingRule(council.db, id, { serviceCode: 'pothole', departmentId: council.parks, withinArea: true }, 'test'), /no area yet/);
      assert.deepEqual(await saveDepartmentArea(council.db, council.parks, '{"type":"Point"}', 'test').then((r) => r.problems.length > 0), true);
      assert.deepEqual(await saveDepartmentArea(council.db, council.parks, JSON.stringify(west), 'test'), { problems: [] });
      const byArea = await saveRoutingRule(council.db, id, { serviceCode: 'pothole', departmentId: council.parks, withinArea: true }, 'test');
      const catchAll = await saveRoutingRule(council.db, id, { serviceCode: null, departmentId: council.roads, withinArea: false }, 'test');
      assert.deepEqual((await listRoutingRules(council.db, id)).map((rule) => rule.id), [byArea.id, catchAll.id]);

      assert.equal(await routeCase(council.db, id, { serviceCode: 'pothole', lat: 50.5, long: -0.5 }), council.parks, 'inside the parks area');
      assert.equal(await routeCase(council.db, id, { serviceCode: 'pothole', lat: 50.5, long: 0.5 }), council.roads, 'outside it');
      assert.equal(await routeCase(council.db, id, { serviceCode: 'pothole', lat: null, long: null }), council.roads, 'no location');

      await moveRoutingRule(council.db, id, catchAll.id, 'up', 'test');
      assert.equal(await routeCase(council.db, id, { serviceCode: 'pothole', lat: 50.5, long: -0.5 }), council.roads, 'the catch-all now comes first');
      await assert.rejects(saveDepartmentArea(council.db, council.parks, null, 'test'), /routing rule/);
      await assert.rejects(saveRoutingRule(council.db, id, { serviceCode: 'no-such', departmentId: council.roads, withinArea: false }, 'test'), /Choose a service/);
      for (const rule of await listRoutingRules(council.db, id)) await deleteRoutingRule(council.db, id, rule.id, 'test');
      assert.deepEqual(await listRoutingRules(council.db, id), []);
    });

    test('round-robin gives each new case to whoever was given one least recently', async () => {
      const people = [council.worker.userId, council.colleague.userId, council.supervisor.userId];
      const given: Array<number | null> = [];
      for (let i = 0; i < 4; i++) given.push((await caseRow(council.db, await council.report(`round ${i}`))).assigned_user_id);
      assert.deepEqual(given, [...people, people[0]]);
    });

    test('least loaded gives the case to whoever has fewest open cases (ties: lowest id); nobody when the rule is none', async () => {
      await setDepartmentAssignment(council.db, council.roads, 'least_loaded', 'test');
      // After the round-robin test: worker 2 open, colleague 1, supervisor 1.
      assert.equal(await pickAssignee(council.db, council.roads), council.colleague.userId);
      await council.db.updateTable('cases').set({ status: 'closed', closed_at: new Date().toISOString() }).where('assigned_user_id', '=', council.worker.userId).execute();
      assert.equal(await pickAssignee(council.db, council.roads), council.worker.userId);
      await council.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', council.worker.userId!).execute();
      assert.equal(await pickAssignee(council.db, council.roads), council.colleague.userId, 'disabled people get no cases');
      await setDepartmentAssignment(council.db, council.roads, 'none', 'test');
      assert.equal(await pickAssignee(council.db, council.roads), null);
      assert.equal(await pickAssignee(council.db, council.parks), null);
      await assert.rejects(setDepartmentAssignment(council.db, council.roads, 'random', 'test'), /Choose how/);
    });
  });
}
