/**
 * Catalogue as code: `townhall catalogue export|import` through main(), in process, on each
 * database. The demo catalogue (with an area, routing, a workflow of the council's own, message
 * and response templates, translations and application forms) goes out and into an empty
 * database and comes out the same; an edited file shows its diff and applies; a bad file changes
 * nothing and names its place; removing what cases use is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { getServiceForReport } from '../src/catalogue/catalogue.js';
import { submitCase } from '../src/cases/submit.js';
import { loadConfig } from '../src/config.js';
import { seedDemoCatalogue } from '../src/demo/seed.js';
import { seedDemoDepartments } from '../src/demo/workspace.js';
import { saveMessageTemplate } from '../src/notifications/message-templates.js';
import { loadKeys } from '../src/platform/keys.js';
import { lockSettings, settingsGeneration } from '../src/platform/settings-cache.js';
import { saveDepartmentArea, saveRoutingRule } from '../src/routing/store.js';
import { catalogueJsonSchema } from '../src/settings/catalogue-format.js';
import { getDepartment, updateDepartment } from '../src/settings/departments.js';
import { readCatalogue } from '../src/settings/catalogue-export.js';
import { applyCatalogue, planCatalogueImport } from '../src/settings/catalogue-import.js';
import { saveResponseTemplate } from '../src/settings/response-templates.js';
import { changeDraft, createWorkflow, publishDraft, putState } from '../src/settings/workflows.js';
import { runTownhall as townhall } from './cli-run.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';

test('docs/catalogue-file.schema.json is the schema the import checks files with', () => {
  const published = JSON.parse(readFileSync(new URL('../docs/catalogue-file.schema.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(published, catalogueJsonSchema(), 'docs/catalogue-file.schema.json is stale: regenerate it as docs/catalogue-file.md says');
});

const area = { type: 'Polygon', coordinates: [[[-122.52, 37.70], [-122.35, 37.70], [-122.35, 37.83], [-122.52, 37.83], [-122.52, 37.70]]] };

/** The demo catalogue, and one of each thing the demo leaves out. */
async function seedEverything(t: TestDatabase): Promise<string> {
  const config = loadConfig(t.env);
  const id = config.jurisdiction.id;
  await seedDemoCatalogue(t.db, id);
  await seedDemoDepartments(t.db, config, new Date('2026-06-01T12:00:00Z'));
  const works = await getDepartment(t.db, 'public-works');
  assert.deepEqual(await saveDepartmentArea(t.db, works.id, JSON.stringify(area), 'test'), { problems: [] });
  await saveRoutingRule(t.db, id, { serviceCode: null, departmentId: works.id, withinArea: true }, 'test');
  await saveResponseTemplate(t.db, id, null, { name: 'Crew sent', departmentId: works.id, body: 'A crew is on its way to {address}.', active: true }, 'test');
  await createWorkflow(t.db, id, { code: 'graffiti-fast', name: 'Graffiti, fast' }, 'test');
  await changeDraft(t.db, id, 'graffiti-fast', 'state_saved', (d) => putState(d, { code: 'painting', label: 'Painting over', publicStatus: 'open', publicLabel: 'Being painted over', onEntry: [] }), 'test');
  await publishDraft(t.db, id, 'graffiti-fast', 'test');
  await saveMessageTemplate(t.db, { event: 'request_received', channel: 'sms', language: 'en', subject: '', body: 'We have your report {reference}.' }, 'test');
  return id;
}

for (const database of databasesUnderTest()) {
  describe(`townhall catalogue on ${database.name}`, () => {
    let source: TestDatabase;
    let empty: TestDatabase;
    let dir: string;
    let jurisdictionId: string;
    const file = (name: string) => join(dir, name);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'townhall-catalogue-'));
      source = await createTestDatabase(database);
      empty = await createTestDatabase(database);
      jurisdictionId = await seedEverything(source);
    });
    after(async () => {
      await source.cleanup();
      await empty.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('export, import into an empty database, export again: the same file, in YAML and in JSON', async () => {
      const yamlOut = await townhall(['catalogue', 'export', '--format', 'yaml', file('demo.yaml')], source.env);
      assert.equal(yamlOut.code, 0, yamlOut.stderr);
      const jsonOut = await townhall(['catalogue', 'export'], source.env);
      assert.equal(jsonOut.code, 0, jsonOut.stderr);
      const exported = JSON.parse(jsonOut.stdout) as Record<string, Array<Record<string, unknown>>>;
      assert.deepEqual(parse(readFileSync(file('demo.yaml'), 'utf8')), exported, 'the YAML and JSON exports say the same');
      // Everything is in it, named by codes.
      const service = exported.services!.find((s) => s.code === 'street-party')!;
      assert.ok(service.applicationForm, 'an application service carries its form');
      assert.deepEqual(service.licenceRegister, { public: true, holderNames: false });
      assert.ok(exported.services!.some((s) => typeof s.agencyResponsible === 'string'));
      assert.ok(exported.services!.some((s) => s.translations && Array.isArray(s.questions) && (s.questions as unknown[]).length > 0));
      assert.deepEqual(exported.departments!.find((d) => d.code === 'public-works'), { code: 'public-works', name: 'Public Works Department', calendar: 'default', assignment: 'round_robin', area });
      assert.deepEqual(exported.routingRules, [{ service: null, department: 'public-works', withinArea: true }]);
      assert.ok(exported.workflows!.some((w) => w.code === 'graffiti-fast'));
      assert.ok(exported.calendars!.some((c) => c.code === 'default'));
      assert.ok(exported.responseTemplates!.some((r) => r.department === 'public-works' && r.name === 'Crew sent'));
      assert.deepEqual(exported.messageTemplates, [{ event: 'request_received', channel: 'sms', language: 'en', subject: null, body: 'We have your report {reference}.' }]);

      const dry = await townhall(['catalogue', 'import', file('demo.yaml'), '--dry-run'], empty.env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /\+ street-party \(added\)/);
      assert.match(dry.stderr, /Dry run: nothing was changed/);
      assert.equal((await townhall(['catalogue', 'export'], empty.env)).stdout.includes('street-party'), false, 'a dry run changes nothing');

      const applied = await townhall(['catalogue', 'import', file('demo.yaml'), '--yes'], empty.env);
      assert.equal(applied.code, 0, applied.stderr);
      const again = await townhall(['catalogue', 'export', '--format', 'yaml'], empty.env);
      assert.equal(again.stdout, readFileSync(file('demo.yaml'), 'utf8'), 'the imported catalogue exports to the same file');
      const againJson = await townhall(['catalogue', 'export'], empty.env);
      assert.equal(againJson.stdout, jsonOut.stdout);

      const audits = await empty.db.selectFrom('audit_log').select(['action', 'actor']).where('action', '=', 'catalogue.imported').execute();
      assert.deepEqual(audits, [{ action: 'catalogue.imported', actor: 'cli' }]);
      const rerun = await townhall(['catalogue', 'import', file('demo.yaml'), '--yes'], empty.env);
      assert.equal(rerun.code, 0);
      assert.match(rerun.stdout, /^No changes\.$/m);
      assert.equal((await empty.db.selectFrom('audit_log').select('seq').where('action', '=', 'catalogue.imported').execute()).length, 1, 'a re-run writes nothing');
    });

    test('an edited file shows each change field by field, then applies, and every process sees it', async () => {
      const exported = parse((await townhall(['catalogue', 'export', '--format', 'yaml'], empty.env)).stdout) as {
        services: Array<Record<string, unknown> & { code: string; questions: Array<Record<string, unknown>> }>;
        calendars: Array<{ holidays: string[] }>;
        groups: Array<Record<string, unknown>>;
      };
      const pothole = exported.services.find((s) => s.questions.length >= 2)!;
      const before = await getServiceForReport(empty.db, jurisdictionId, pothole.code);
      const generation = await settingsGeneration(empty.db);
      pothole.name = 'Renamed by file';
      pothole.agencyResponsible = 'Roads Agency';
      const [first, second] = pothole.questions;
      pothole.questions = [{ ...second!, required: !second!.required }, first!, ...pothole.questions.slice(2)];
      exported.services.push({ code: 'bench-broken', name: 'Broken bench', group: exported.groups[0]!.code as string, questions: [] });
      exported.calendars[0]!.holidays.push('2030-01-01');
      writeFileSync(file('edited.yaml'), stringify(exported));

      const dry = await townhall(['catalogue', 'import', file('edited.yaml'), '--dry-run'], empty.env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`~ ${pothole.code} \\(changed\\)`));
      assert.match(dry.stdout, /name: ".*" -> "Renamed by file"/);
      assert.match(dry.stdout, /agencyResponsible: .* -> "Roads Agency"/);
      assert.match(dry.stdout, new RegExp(`questions\\[${second!.code as string}\\]\\.required: ${String(second!.required)} -> ${String(!second!.required)}`));
      assert.match(dry.stdout, /questions \(order\): /);
      assert.match(dry.stdout, /\+ bench-broken \(added\)/);
      assert.match(dry.stdout, /holidays: added "2030-01-01"$/m);
      assert.match(dry.stdout, /1 added, 2 changed, 0 removed\./);

      const noYes = await townhall(['catalogue', 'import', file('edited.yaml')], empty.env);
      assert.equal(noYes.code, 1);
      assert.match(noYes.stderr, /pass --yes/);
      assert.equal((await getServiceForReport(empty.db, jurisdictionId, pothole.code)).name, before.name);

      const applied = await townhall(['catalogue', 'import', file('edited.yaml'), '--yes'], empty.env);
      assert.equal(applied.code, 0, applied.stderr);
      assert.notEqual(await settingsGeneration(empty.db), generation);
      // The cached reader (as a submission reads services) sees the change at once.
      const after = await getServiceForReport(empty.db, jurisdictionId, pothole.code);
      assert.equal(after.name, 'Renamed by file');
      assert.equal(after.agencyResponsible, 'Roads Agency');
      assert.deepEqual(after.attributes.slice(0, 2).map((a) => [a.code, a.required]), [[second!.code, !second!.required], [first!.code, first!.required]]);
      const entry = await empty.db.selectFrom('audit_log').select('after').where('action', '=', 'catalogue.imported').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      assert.match(entry.after!, /Renamed by file/);
      assert.equal((await townhall(['catalogue', 'import', file('edited.yaml'), '--dry-run'], empty.env)).stdout.trim(), 'No changes.');
      // The workflows Townhall makes itself stay when a file (say, exported before they were made) leaves them out.
      const withoutStandard = { ...exported, workflows: (exported as unknown as { workflows: Array<{ code: string }> }).workflows.filter((w) => w.code !== 'standard') };
      assert.ok((exported as unknown as { workflows: Array<{ code: string }> }).workflows.some((w) => w.code === 'standard'));
      writeFileSync(file('no-standard.yaml'), stringify(withoutStandard));
      assert.equal((await townhall(['catalogue', 'import', file('no-standard.yaml'), '--dry-run'], empty.env)).stdout.trim(), 'No changes.');
    });

    test('a bad file changes nothing and says where each problem is', async () => {
      const good = (await townhall(['catalogue', 'export', '--format', 'yaml'], empty.env)).stdout;
      const exported = parse(good) as { services: Array<Record<string, unknown> & { questions: Array<Record<string, unknown>> }> };
      const index = exported.services.findIndex((s) => s.questions.length >= 2);
      exported.services[index]!.questions[1]!.code = 'has spaces';
      exported.services[0]!.name = 'Changed too, but never saved';
      exported.services[0]!.group = 'no-such-group';
      writeFileSync(file('bad.yaml'), stringify(exported));
      const run = await townhall(['catalogue', 'import', file('bad.yaml'), '--yes'], empty.env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Nothing was imported: .* has 2 problems/);
      const codeLine = stringify(exported).split('\n').findIndex((l) => l.includes('code: has spaces')) + 1;
      assert.match(run.stderr, new RegExp(`line ${codeLine}: services\\[${index}\\]\\.questions\\[1\\]\\.code: .*letters, digits`));
      assert.match(run.stderr, /services\[0\]\.group: There is no group "no-such-group"/);

      writeFileSync(file('typo.json'), JSON.stringify({ format: 'townhall-catalogue', version: 1, groups: [{ code: 'x', name: 'X', colour: 'red' }] }, null, 2));
      const typo = await townhall(['catalogue', 'import', file('typo.json'), '--yes'], empty.env);
      assert.equal(typo.code, 1);
      assert.match(typo.stderr, /line 8: groups\[0\]\.colour: is not a key this format knows/);

      writeFileSync(file('broken.yaml'), 'format: townhall-catalogue\nversion: 1\nservices:\n  - code: a\n   name: b\n');
      const broken = await townhall(['catalogue', 'import', file('broken.yaml')], empty.env);
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, /line \d+: /);
      assert.equal((await townhall(['catalogue', 'export', '--format', 'yaml'], empty.env)).stdout, good, 'nothing changed');
    });

    test('removing a service that has cases is refused (retire it with active: false), and nothing else in the file is applied', async () => {
      const config = loadConfig(empty.env);
      const { keyring } = loadKeys(empty.url, empty.env);
      const exported = parse((await townhall(['catalogue', 'export', '--format', 'yaml'], empty.env)).stdout) as { services: Array<Record<string, unknown> & { code: string; questions: unknown[] }>; departments: Array<{ code: string }> };
      const used = exported.services.find((s) => s.applicationForm === undefined && s.code !== 'bench-broken' && (s.questions as Array<{ required: boolean }>).every((q) => !q.required))!;
      await submitCase(empty.db, { jurisdiction: config.jurisdiction, keyring }, 'phone', {
        serviceCode: used.code, lat: 37.77, long: -122.42, attributes: {}, mediaUrls: [], description: 'For the removal test', contact: {},
      }, { actor: { id: 'test' } });
      const unused = exported.services.find((s) => s.code === 'bench-broken')!;
      assert.ok(used && unused);
      const other = exported.services.find((s) => s !== used && s !== unused)!;
      const without = { ...exported, services: exported.services.filter((s) => s !== used && s !== unused).map((s) => (s === other ? { ...s, name: 'Not applied' } : s)) };
      writeFileSync(file('removed.yaml'), stringify(without));
      const refused = await townhall(['catalogue', 'import', file('removed.yaml'), '--yes'], empty.env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`Service "${used.code}" has 1 case .*cannot be removed: keep it in the file with "active: false" to retire it`));
      assert.doesNotMatch(refused.stderr, /bench-broken/, 'a service no case uses may go');
      const now = parse((await townhall(['catalogue', 'export', '--format', 'yaml'], empty.env)).stdout) as { services: Array<{ code: string; name: string }> };
      assert.ok(now.services.some((s) => s.code === 'bench-broken'), 'all or nothing: the unused service is still there');
      assert.notEqual(now.services.find((s) => s.code === other.code)!.name, 'Not applied');

      const retired = { ...without, services: [...without.services, { ...used, active: false }] };
      writeFileSync(file('retired.yaml'), stringify(retired));
      const ok = await townhall(['catalogue', 'import', file('retired.yaml'), '--yes'], empty.env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /- bench-broken \(removed\)/);
      assert.match(ok.stdout, /active: true -> false/);
      assert.equal((await getServiceForReport(empty.db, jurisdictionId, used.code)).active, false);

      // A department with staff stays.
      await empty.db.insertInto('users').values({
        email: 'x', email_hash: `h-${Math.random()}`, role: 'case_worker', department_id: (await getDepartment(empty.db, 'parks')).id, password_hash: null, totp_secret: null,
        totp_confirmed: 0, status: 'active', created_at: new Date().toISOString(), updated_at: new Date().toISOString(), email_verified_at: null, locked_until: null, totp_last_step: null,
      }).execute();
      const noParks = { ...retired, departments: retired.departments.filter((d) => d.code !== 'parks'), services: retired.services.map((s) => (s.department === 'parks' ? { ...s, department: null } : s)) };
      writeFileSync(file('no-parks.yaml'), stringify(noParks));
      const dept = await townhall(['catalogue', 'import', file('no-parks.yaml'), '--yes'], empty.env);
      assert.equal(dept.code, 1);
      assert.match(dept.stderr, /Department "parks" has 1 staff account, so it cannot be removed/);
    });

    test('a change made between the diff shown and the import is never overwritten: the import is refused, and a settings writer waits for it', async () => {
      const current = await readCatalogue(source.db, jurisdictionId);
      const department = current.departments[0]!;
      const file = { ...current, departments: current.departments.map((d) => (d === department ? { ...d, name: 'Named by the file' } : d)) };
      const shown = await planCatalogueImport(source.db, jurisdictionId, file);
      assert.deepEqual(shown.map((c) => [c.section, c.key, c.kind]), [['departments', department.code, 'changed']]);
      // Someone renames the department on its settings page meanwhile.
      const saved = await getDepartment(source.db, department.code);
      await updateDepartment(source.db, department.code, { name: 'Renamed meanwhile', calendarId: saved.calendarId, assignment: saved.assignment }, 'user:1');
      await assert.rejects(applyCatalogue(source.db, jurisdictionId, file, 'test', shown), (error: Error & { kind?: string }) => {
        assert.match(error.message, /^Nothing was imported: the catalogue was changed by someone else after the changes were shown\. Run the import again/);
        return true;
      });
      assert.equal((await getDepartment(source.db, department.code)).name, 'Renamed meanwhile', 'the change made meanwhile was overwritten');
      // Shown again, it applies.
      const again = await planCatalogueImport(source.db, jurisdictionId, file);
      assert.deepEqual(await applyCatalogue(source.db, jurisdictionId, file, 'test', again), again);
      assert.equal((await getDepartment(source.db, department.code)).name, 'Named by the file');

      if (database.name === 'postgres') {
        // While an import's transaction runs, another connection's settings change waits for it, then lands after it.
        let renamed = false;
        await source.db.transaction().execute(async (trx) => {
          await lockSettings(trx);
          const waiting = updateDepartment(source.db, department.code, { name: 'After the import', calendarId: saved.calendarId, assignment: saved.assignment }, 'user:1').then(() => { renamed = true; });
          await new Promise((resolve) => setTimeout(resolve, 300));
          assert.equal(renamed, false, 'a settings change ran during the import\'s transaction');
          const other = current.departments[1]!;
          await trx.updateTable('departments').set({ name: 'By the import' }).where('code', '=', other.code).execute();
          void waiting;
        });
        for (let i = 0; i < 50 && !renamed; i++) await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(renamed, true);
        assert.equal((await getDepartment(source.db, department.code)).name, 'After the import');
      }
    });
  });
}
