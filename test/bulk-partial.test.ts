/**
 * A bulk action that fails half-way (one case's change fails on the database, a real trigger
 * standing in for any error on our side): the cases before and after it keep their changes, the
 * failing one is left as it was, and the page says so case by case, never "nothing was changed".
 * On every database under test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

for (const database of databasesUnderTest()) {
  describe(`a bulk action that fails half-way on ${database.name}`, () => {
    let t: RunningTownhall;
    let cookie = '';
    let csrf = '';
    const ids: number[] = [];

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      const worker = await createUser(t.db, t.keyring, { email: 'worker@example.org', role: 'supervisor', departmentCode: 'public-works' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token, session } = await startSession(t.db, Number(worker.id), { limits: limitsFor('supervisor'), secondFactor: true });
      cookie = `townhall_session=${token}`;
      csrf = session.csrfToken;
      for (const street of ['1 High Street', '2 High Street', '3 High Street']) {
        const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
          method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: street, email: 'reporter@example.org' }),
        });
        ids.push(Number(((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id));
      }
      const failing = ids[1]!;
      if (database.name === 'sqlite') {
        await sql.raw(`create trigger fail_one_case before update on cases when old.id = ${failing} begin select raise(abort, 'simulated failure'); end`).execute(t.db);
      } else {
        await sql.raw(`create function fail_one_case() returns trigger language plpgsql as $$ begin if old.id = ${failing} then raise exception 'simulated failure'; end if; return new; end $$`).execute(t.db);
        await sql.raw('create trigger fail_one_case before update on cases for each row execute function fail_one_case()').execute(t.db);
      }
    });
    after(() => t.close());

    test('the page says per case what changed; the changed cases stay changed and the failed one is untouched', async () => {
      const queue = await (await fetch(`${t.baseUrl}/staff?queue=all`, { headers: { cookie } })).text();
      const key = /name="idempotency_key" value="([^"]+)"/.exec(queue)?.[1];
      assert.ok(key, 'the queue offers bulk actions');
      const body = new URLSearchParams({ _csrf: csrf, idempotency_key: key, bulk_action: 'set_priority', priority: 'urgent', back: '/staff?queue=all' });
      for (const id of ids) body.append('case', String(id));
      const response = await fetch(`${t.baseUrl}/staff/bulk`, { method: 'POST', body, headers: { cookie, accept: 'text/html' } });
      const html = await response.text();
      assert.equal(response.status, 200, html);
      assert.doesNotMatch(html, /nothing was changed/i);
      assert.match(html, /2 cases changed; 1 case not changed\./);
      const line = (id: number) => new RegExp(`#${id}</a></td><td>([^<]*|<strong>[^<]*</strong>)</td><td>([^<]*)</td>`).exec(html)?.slice(1);
      assert.deepEqual(line(ids[0]!), ['Changed', 'Priority changed from Normal to Urgent.']);
      assert.deepEqual(line(ids[1]!), ['<strong>Not changed</strong>', 'Not changed: something went wrong on our side with this case. Try it again on its own page.']);
      assert.deepEqual(line(ids[2]!), ['Changed', 'Priority changed from Normal to Urgent.']);
      const rows = await t.db.selectFrom('cases').select(['id', 'priority']).where('id', 'in', ids).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => r.priority), ['urgent', rows[1]!.priority === 'urgent' ? 'not urgent' : rows[1]!.priority, 'urgent']);
      const audited = await t.db.selectFrom('audit_log').select('entity_id').where('entity_id', 'in', ids.map(String)).where('action', 'like', '%priority%').execute();
      assert.deepEqual(audited.map((a) => Number(a.entity_id)).sort((x, y) => x - y), [ids[0], ids[2]], 'each change audited, the failed one not');
    });
  });
}
