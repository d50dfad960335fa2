/**
 * The townhall command, called in process through main() (fast). cli-processes.test.ts runs each
 * command family once as a real process from the built release.
 */
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { makeKeyring } from '../src/platform/crypto.js';
import { loadKeys } from '../src/platform/keys.js';
import { openReporter } from '../src/cases/reporters.js';
import { submitCase } from '../src/cases/submit.js';
import { pendingMigrations } from '../src/db/migrate.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { runTownhall as townhall } from './cli-run.js';

test('--help works on the command and on every subcommand', async () => {
  const top = await townhall(['--help']);
  assert.equal(top.code, 0);
  for (const command of ['serve', 'migrate', 'seed', 'api-key', 'users', 'keys', 'privacy', 'retention', 'audit', 'catalogue']) {
    assert.match(top.stdout, new RegExp(`\\b${command}\\b`));
    const run = await townhall([command, '--help']);
    assert.equal(run.code, 0, `${command} --help`);
    assert.match(run.stdout, /Usage: townhall/);
  }
  assert.match(top.stdout, /DATABASE_URL/);
});

test('an unknown command or option is a usage error, not a crash', async () => {
  const unknown = await townhall(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  const badOption = await townhall(['api-key', 'create', '--nmae', 'x']);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /Usage: townhall api-key/);
});

test('a wrong configuration is reported in plain words', async () => {
  const run = await townhall(['migrate'], { DATABASE_URL: 'mysql://nope', PORT: 'eighty', TOWNHALL_TIME_ZONE: 'Mars/Olympus' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /DATABASE_URL must start with "sqlite:"/);
  assert.match(run.stderr, /PORT must be a whole number/);
  assert.match(run.stderr, /TOWNHALL_TIME_ZONE must be an IANA time zone/);
});

for (const database of databasesUnderTest()) {
  describe(`townhall CLI on ${database.name}`, () => {
    let t: TestDatabase;
    let env: Record<string, string>;
    /** PostgreSQL: the environment after the operator changed keys in the rotation test. */
    let rotatedEnv: Record<string, string> = {};
    before(async () => {
      t = await createTestDatabase(database, { migrate: false });
      env = t.env;
    });
    after(() => t.cleanup());

    test('migrate runs once and records it', async () => {
      const first = await townhall(['migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /Ran 001_foundation/);
      const second = await townhall(['migrate'], env);
      assert.match(second.stderr, /already up to date/);
    });

    test('api-key create prints the key alone; list and revoke manage it', async () => {
      const created = await townhall(['api-key', 'create', '--name', 'Highways back office'], env);
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^th_[A-Za-z0-9_-]{32}\n$/);
      const key = created.stdout.trim();
      const stored = await t.db.selectFrom('api_keys').selectAll().execute();
      assert.equal(stored.length, 1);
      assert.ok(!JSON.stringify(stored).includes(key), 'the key itself is not stored');

      const listed = await townhall(['api-key', 'list', '--json'], env);
      const keys = JSON.parse(listed.stdout) as Array<{ id: string; name: string; revokedAt: string | null }>;
      assert.equal(keys[0]?.name, 'Highways back office');
      assert.equal(keys[0]?.revokedAt, null);

      const revoked = await townhall(['api-key', 'revoke', keys[0]?.id ?? ''], env);
      assert.equal(revoked.code, 0, revoked.stderr);
      const after = JSON.parse((await townhall(['api-key', 'list', '--json'], env)).stdout) as Array<{ revokedAt: string | null }>;
      assert.ok(after[0]?.revokedAt);

      const missing = await townhall(['api-key', 'revoke', '999'], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no API key with id "999"/);
      const nameless = await townhall(['api-key', 'create'], env);
      assert.equal(nameless.code, 2);
    });

    test('audit verify passes, then catches a hand-edited row', async () => {
      const good = await townhall(['audit', 'verify'], env);
      assert.equal(good.code, 0, good.stdout + good.stderr);
      assert.match(good.stdout, /Audit trail intact: 2 entries/);
      const anchor = /Anchor: (\d+:[0-9a-f]{64})/.exec(good.stdout)?.[1] ?? '';
      assert.equal((await townhall(['audit', 'verify', '--anchor', anchor], env)).code, 0);
      assert.equal((await townhall(['audit', 'verify', '--anchor', 'nonsense'], env)).code, 2);

      await t.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 1).execute();
      const bad = await townhall(['audit', 'verify'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /BROKEN at entry 1/);
    });

    test('seed --demo refuses a database that has services, unless forced', async () => {
      const seeded = await townhall(['seed', '--demo'], env);
      assert.equal(seeded.code, 0, seeded.stderr);
      assert.match(seeded.stderr, /Loaded \d+ services, \d+ historic requests and \d+ demo accounts/);
      const again = await townhall(['seed', '--demo'], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already has services/);
    });

    test('keys rotate re-seals reporters under a new key, which alone then opens them', async () => {
      const { keyring } = loadKeys(t.url, t.env);
      const jurisdiction = { id: loadConfig(t.env).jurisdiction.id, bounds: loadConfig(t.env).jurisdiction.bounds };
      const created = await submitCase(t.db, { jurisdiction, keyring }, 'phone', {
        serviceCode: 'pothole', lat: 37.77, long: -122.42, attributes: { size: 'small' }, mediaUrls: [], contact: { email: 'rotate@example.org' },
      }, { actor: { id: 'test' } });
      let rotateEnv = env;
      if (database.name === 'postgres') {
        // Keys from the environment: the operator sets the new key and lists the old one as previous.
        rotateEnv = { ...env, TOWNHALL_ENCRYPTION_KEY: randomBytes(32).toString('base64'), TOWNHALL_ENCRYPTION_PREVIOUS_KEYS: env.TOWNHALL_ENCRYPTION_KEY ?? '' };
        rotatedEnv = rotateEnv;
      }
      const rotated = await townhall(['keys', 'rotate'], rotateEnv);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stderr, /re-sealed/);
      const fresh = loadKeys(t.url, rotateEnv).keyring;
      assert.notEqual(fresh.current.id, keyring.current.id);
      const row = await t.db.selectFrom('case_reporters').selectAll().where('case_id', '=', Number(created.id)).executeTakeFirstOrThrow();
      assert.equal(openReporter(makeKeyring(fresh.current.key), row).email, 'rotate@example.org');
      const verify = await townhall(['audit', 'verify'], env);
      assert.match(verify.stdout, /BROKEN at entry 1/, 'still broken from the hand edit above, and still said so');
    });

    test('retention run reports what it deleted', async () => {
      const run = await townhall(['retention', 'run'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /Deleted the contact details of \d+ reporters/);
    });

    test('privacy export and erase find the person by email after a key rotation', async () => {
      // rotate@example.org reported a pothole in the key rotation test above.
      const envNow = database.name === 'postgres' ? rotatedEnv : env;
      const exported = await townhall(['privacy', 'export', '--email', 'ROTATE@example.org'], envNow);
      assert.equal(exported.code, 0, exported.stderr);
      const data = JSON.parse(exported.stdout) as { serviceRequests: Array<{ contact: { email: string } }> };
      assert.equal(data.serviceRequests.length, 1);
      assert.equal(data.serviceRequests[0]?.contact.email, 'rotate@example.org');
      const erased = await townhall(['privacy', 'erase', '--email', 'rotate@example.org', '--reason', 'asked by phone'], envNow);
      assert.equal(erased.code, 0, erased.stderr);
      assert.equal((JSON.parse(erased.stdout) as { erased: string[] }).erased.length, 1);
      const again = JSON.parse((await townhall(['privacy', 'export', '--email', 'rotate@example.org'], envNow)).stdout) as { serviceRequests: unknown[] };
      assert.equal(again.serviceRequests.length, 0);
    });

    test('users create prints JSON with the id, a one-time link and, for staff, a TOTP URI; list and disable', async () => {
      const envNow = database.name === 'postgres' ? rotatedEnv : env;
      const created = await townhall(['users', 'create', '--email', 'officer@council.example', '--role', 'supervisor', '--department', 'highways'], envNow);
      assert.equal(created.code, 0, created.stderr);
      const user = JSON.parse(created.stdout) as { id: string; setPasswordLink: string; totpUri: string | null; department: string };
      assert.match(user.id, /^\d+$/);
      assert.match(user.setPasswordLink, /\/account\/set-password\?token=/);
      assert.match(user.totpUri ?? '', /^otpauth:\/\/totp\//);
      assert.equal(user.department, 'highways');
      const missing = await townhall(['users', 'create', '--email', 'x@council.example', '--role', 'case_worker'], envNow);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /--department/);
      assert.equal((await townhall(['users', 'disable', user.id], envNow)).code, 0);
      const listed = JSON.parse((await townhall(['users', 'list', '--json'], envNow)).stdout) as Array<{ id: string; status: string }>;
      assert.equal(listed.find((u) => u.id === user.id)?.status, 'disabled');

      const worker = JSON.parse((await townhall(['users', 'create', '--email', 'mover@council.example', '--role', 'case_worker', '--department', 'highways'], envNow)).stdout) as { id: string; totpUri: string };
      const moved = await townhall(['users', 'set-role', worker.id, '--role', 'supervisor', '--department', 'highways'], envNow);
      assert.equal(moved.code, 0, moved.stderr);
      const reset = await townhall(['users', 'reset-mfa', worker.id], envNow);
      assert.equal(reset.code, 0, reset.stderr);
      assert.notEqual((JSON.parse(reset.stdout) as { totpUri: string }).totpUri, worker.totpUri);
      await startSession(t.db, Number(worker.id), { limits: limitsFor('supervisor'), secondFactor: true });
      const one = await townhall(['users', 'sign-out', worker.id], envNow);
      assert.match(one.stderr, /signed out everywhere: 1 sessions ended/);
      await startSession(t.db, Number(worker.id), { limits: limitsFor('supervisor'), secondFactor: true });
      const everyone = await townhall(['users', 'sign-out', '--all'], envNow);
      assert.equal(everyone.code, 0, everyone.stderr);
      assert.equal((await t.db.selectFrom('sessions').select('token_hash').execute()).length, 0);
      const link = await townhall(['users', 'password-link', worker.id], envNow);
      assert.equal(link.code, 0, link.stderr);
      assert.match((JSON.parse(link.stdout) as { setPasswordLink: string }).setPasswordLink, /\/account\/set-password\?token=[A-Za-z0-9_-]{43}$/);
      const roles = JSON.parse((await townhall(['users', 'list', '--json'], envNow)).stdout) as Array<{ id: string; role: string }>;
      assert.equal(roles.find((u) => u.id === worker.id)?.role, 'supervisor');
    });
  });
}

const NO_SCHEMA_LINE = 'The database has no Townhall schema yet, or an older one: run `townhall migrate` first.\n';

for (const database of databasesUnderTest()) {
  describe(`townhall CLI on a ${database.name} database with no schema yet`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database, { migrate: false });
    });
    after(() => t.cleanup());

    test('a command that reads or changes what is there says in one line to migrate first', async () => {
      for (const args of [['api-key', 'list'], ['api-key', 'create', '--name', 'x'], ['api-key', 'revoke', '1'], ['audit', 'verify'],
        ['privacy', 'export', '--email', 'a@example.org'], ['privacy', 'erase', '--email', 'a@example.org', '--reason', 'asked'], ['deliver']]) {
        const run = await townhall(args, t.env);
        assert.equal(run.code, 1, args.join(' '));
        assert.equal(run.stderr, NO_SCHEMA_LINE, args.join(' '));
        assert.equal(run.stdout, '');
      }
      assert.equal((await pendingMigrations(t.db)).length > 0, true, 'nothing was created');
    });

    test('a command that sets up what it changes migrates the database itself', async () => {
      const run = await townhall(['departments', 'list'], t.env);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await pendingMigrations(t.db), []);
      assert.equal((await townhall(['api-key', 'list'], t.env)).code, 0);
    });

    test('an id no record can have (past 32 bits, zero, not a number) is one line saying there is none, never a stack trace', async () => {
      await townhall(['departments', 'list'], t.env); // migrated, as a person would have by now
      for (const id of ['2147483648', '99999999999999999999', '0', 'abc']) {
        for (const args of [['users', 'disable', id], ['users', 'reset-mfa', id], ['users', 'sign-out', id], ['users', 'password-link', id], ['users', 'set-role', id, '--role', 'analyst'], ['api-key', 'revoke', id]]) {
          const run = await townhall(args, t.env);
          assert.equal(run.code, 1, args.join(' '));
          assert.match(run.stderr, /^There is no (user|API key) with id "[^"\n]*"\.[^\n]*\n$/, `${args.join(' ')}: ${run.stderr}`);
        }
      }
    });

    test('links and authenticator entries name the PUBLIC_URL and council the server uses', async () => {
      const env = { ...t.env, PUBLIC_URL: 'https://reports.council.example/', TOWNHALL_JURISDICTION_NAME: 'Springfield' };
      const created = await townhall(['users', 'create', '--email', 'links@council.example', '--role', 'system_admin'], env);
      assert.equal(created.code, 0, created.stderr);
      const user = JSON.parse(created.stdout) as { id: string; setPasswordLink: string; totpUri: string };
      assert.match(user.setPasswordLink, /^https:\/\/reports\.council\.example\/account\/set-password\?token=/);
      assert.match(user.totpUri, /issuer=Townhall%20Springfield$/);
      const link = JSON.parse((await townhall(['users', 'password-link', user.id], env)).stdout) as { setPasswordLink: string };
      assert.match(link.setPasswordLink, /^https:\/\/reports\.council\.example\/account\/set-password\?token=/);
      const reset = JSON.parse((await townhall(['users', 'reset-mfa', user.id], env)).stdout) as { totpUri: string };
      assert.match(reset.totpUri, /issuer=Townhall%20Springfield$/);
    });
  });
}

test('a database that cannot be reached is said in one line', async () => {
  const run = await townhall(['audit', 'verify'], { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^Cannot reach the database named by DATABASE_URL: .*ECONNREFUSED.*\n$/);
});
