/**
 * `townhall verify` checks licences offline with the published key set and no database (and, with
 * --online, asks the council that signed them whether they are still current), and
 * `townhall licence-keys rotate|export` keeps old licences verifiable across a rotation.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ctx, openCouncil, type Council } from '../src/cases/fixture.test-support.js';
import { canonicalJson, publicJwkOf, signCredential, type LicenceClaims } from '../src/licences/credential.js';
import { changeLicenceStatus, issueLicence, findLicence, verifyLicenceToken, type LicenceInput } from '../src/licences/licences.js';
import { licencePdf } from '../src/licences/pdf.js';
import { makeKeyring, newKey } from '../src/platform/crypto.js';
import { runTownhall as townhall } from './cli-run.js';
import { databasesUnderTest } from './database.js';

const dateIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

for (const database of databasesUnderTest()) {
  describe(`townhall verify and licence-keys on ${database.name}`, () => {
    let council: Council;
    let dir: string;
    let env: Record<string, string>;
    const key = newKey();
    const keyring = makeKeyring(key);
    const context = { ...ctx, notify: { ...ctx.notify, keyring } };
    const input = (caseId: number, extra: Partial<LicenceInput> = {}): LicenceInput => ({
      caseId, serviceCode: 'pothole', serviceName: 'Taxi driver licence', holderName: 'Omar Haddad', holderEmail: null,
      permits: 'Driving a licensed taxi', conditions: [], validFrom: dateIn(-1), validUntil: dateIn(200), language: 'ar', ...extra,
    });

    before(async () => {
      council = await openCouncil(database);
      dir = mkdtempSync(join(tmpdir(), 'licence-cli-'));
      env = { ...council.t.env, DATABASE_URL: council.t.url, TOWNHALL_ENCRYPTION_KEY: key.toString('base64') };
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await council.t.cleanup();
    });

    test('valid, expired, tampered, forged and unknown-key licences, from a token, an address or the PDF; then rotation', async () => {
      const caseId = await council.report('taxi');
      const valid = await issueLicence(council.db, input(caseId), council.worker, context);
      const expired = await issueLicence(council.db, input(caseId, { validFrom: dateIn(-40), validUntil: dateIn(-3) }), council.worker, context);
      const keysFile = join(dir, 'keys.json');
      const exported = await townhall(['licence-keys', 'export', '--out', keysFile], env);
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal(exported.stdout.trim(), keysFile);

      // No database is opened: a DATABASE_URL nobody answers does not matter.
      const offline = { DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' };
      const ok = await townhall(['verify', valid.token, '--keys', keysFile], offline);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, new RegExp(`^valid until \\d{4}-\\d{2}-\\d{2}: ${valid.number} \\(Taxi driver licence, Omar Haddad\\)`));
      assert.equal(ok.stdout.trim().split('\n').length, 1, 'one line');
      assert.equal((await townhall(['verify', `https://council.example/verify/${valid.token}`, '--keys', keysFile], offline)).code, 0, 'the QR code\'s address');

      const pdfFile = join(dir, 'licence.pdf');
      writeFileSync(pdfFile, await licencePdf(await findLicence(council.db, ctx.jurisdictionId, valid.licenceId), { council: 'Test Council', publicUrl: 'https://council.example', timeZone: 'Europe/London' }));
      const fromPdf = await townhall(['verify', pdfFile, '--keys', keysFile], offline);
      assert.equal(fromPdf.code, 0, fromPdf.stdout);
      assert.ok(fromPdf.stdout.includes(valid.number));

      const old = await townhall(['verify', expired.token, '--keys', keysFile], offline);
      assert.equal(old.code, 1);
      assert.match(old.stdout, /^expired: /);

      const [header, payload, signature] = valid.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LicenceClaims;
      const tampered = `${header}.${Buffer.from(canonicalJson({ ...claims, exp: claims.exp + 86_400 * 365 })).toString('base64url')}.${signature}`;
      const changed = await townhall(['verify', tampered, '--keys', keysFile], offline);
      assert.equal(changed.code, 3);
      assert.match(changed.stdout, /^signature invalid/);
      const { privateKey } = generateKeyPairSync('ed25519');
      const forged = await townhall(['verify', signCredential(privateKey, publicJwkOf(privateKey).kid, claims), '--keys', keysFile], offline);
      assert.equal(forged.code, 4);
      assert.match(forged.stdout, /^unknown key/);
      const realKid = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')).kid as string;
      assert.equal((await townhall(['verify', signCredential(privateKey, realKid, claims), '--keys', keysFile], offline)).code, 3, 'forged under the council\'s kid');

      assert.equal((await townhall(['verify', 'hello', '--keys', keysFile], offline)).code, 3);
      assert.equal((await townhall(['verify'], offline)).code, 2);
      const noKeys = await townhall(['verify', valid.token], { DATABASE_URL: `sqlite:${join(dir, 'nowhere.db')}` });
      assert.equal(noKeys.code, 5);
      assert.match(noKeys.stdout, /^cannot check: no key set/);

      // Rotation: new licences use the new key; the new key set still checks the old licence.
      const rotatedFile = join(dir, 'rotated.json');
      const rotated = await townhall(['licence-keys', 'rotate', '--out', rotatedFile], env);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stderr, /older public keys stay published/);
      const after = await issueLicence(council.db, input(caseId), council.worker, context);
      assert.equal((await townhall(['verify', valid.token, '--keys', rotatedFile], offline)).code, 0, 'old licence, new key set');
      assert.equal((await townhall(['verify', after.token, '--keys', rotatedFile], offline)).code, 0, 'new licence, new key set');
      assert.equal((await townhall(['verify', after.token, '--keys', keysFile], offline)).code, 4, 'new licence, the key set from before the rotation');
      assert.equal((await townhall(['licence-keys', 'spin'], env)).code, 2);
    });

    test('--online asks the council that signed the licence: current, suspended, revoked, or not reachable', async () => {
      // The council's /verify as JSON, answered by the real verifyLicenceToken on this database.
      const councilSite = createServer((request, response) => {
        const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
        verifyLicenceToken(council.db, ctx.jurisdictionId, token).then(
          (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ verdict: result.verdict })),
          () => response.writeHead(500).end(),
        );
      });
      await new Promise<void>((resolve) => councilSite.listen(0, '127.0.0.1', resolve));
      const publicUrl = `http://127.0.0.1:${(councilSite.address() as AddressInfo).port}`;
      try {
        const caseId = await council.report('online');
        const online = { ...context, notify: { ...context.notify, publicUrl } };
        const licence = await issueLicence(council.db, input(caseId), council.worker, online);
        const keysFile = join(dir, 'online-keys.json');
        assert.equal((await townhall(['licence-keys', 'export', '--out', keysFile], env)).code, 0);
        const check = () => townhall(['verify', licence.token, '--keys', keysFile, '--online'], { DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' });

        const current = await check();
        assert.equal(current.code, 0, current.stdout + current.stderr);
        assert.match(current.stdout, new RegExp(`^valid until .*${licence.number}.*; current at ${publicUrl}/verify`));
        await changeLicenceStatus(council.db, online, licence.licenceId, 'suspend', 'Under investigation', council.worker, 'online-suspend');
        const suspended = await check();
        assert.equal(suspended.code, 6);
        assert.match(suspended.stdout, new RegExp(`^suspended: ${licence.number} .* is suspended, says ${publicUrl}/verify; the signature is genuine`));
        await changeLicenceStatus(council.db, online, licence.licenceId, 'revoke', 'Found unsafe', council.worker, 'online-revoke');
        const revoked = await check();
        assert.equal(revoked.code, 6);
        assert.match(revoked.stdout, /^revoked: /);
        const offlineOnly = await townhall(['verify', licence.token, '--keys', keysFile], { DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' });
        assert.equal(offlineOnly.code, 0, 'without --online, only the signature and dates are checked');
        assert.match(offlineOnly.stdout, /suspension and revocation are shown online/);
      } finally {
        await new Promise((resolve) => councilSite.close(resolve));
      }
      const unreachable = await townhall(['verify', (await issueLicence(council.db, input(await council.report('gone')), council.worker, { ...context, notify: { ...context.notify, publicUrl } })).token,
        '--keys', join(dir, 'online-keys.json'), '--online'], { DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' });
      assert.equal(unreachable.code, 7, unreachable.stdout);
      assert.match(unreachable.stdout, /^cannot check online: .* could not be asked/);
    });
  });
}
