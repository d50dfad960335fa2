import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest } from '../../test/database.js';
import { verifyAuditChain } from '../audit/audit.js';
import { caseActionsInOrder } from '../cases/queries.js';
import { ctx, jurisdiction, keyring, openCouncil, type Council } from '../cases/fixture.test-support.js';
import { openQueuedEmail } from '../notifications/email.js';
import { canonicalJson, checkCredential, keysFromSet, publicJwkOf, signCredential, type LicenceClaims } from './credential.js';
import { changeLicenceStatus, issueLicence, licenceForHolder, parseValidityBound, verifyLicenceToken, type LicenceInput } from './licences.js';
import { publishedKeySet, rotateSigningKey } from './signing-keys.js';

const day = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * day).toISOString().slice(0, 10);

/** Re-encodes a token's payload with one claim changed, keeping the signature. */
function tamper(token: string, change: Partial<LicenceClaims>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), ...change };
  return `${header}.${Buffer.from(canonicalJson(claims)).toString('base64url')}.${signature}`;
}

test('canonical JSON follows RFC 8785: sorted members, no spaces, ECMAScript numbers', () => {
  assert.equal(canonicalJson({ b: [1, 'x', { d: null, c: true }], a: 1e21, é: 0.5, '\u20ac': 'z' }), '{"a":1e+21,"b":[1,"x",{"c":true,"d":null}],"é":0.5,"€":"z"}');
  assert.throws(() => canonicalJson({ n: Number.NaN }));
});

test('a date bound is a day in the council\'s time zone; a date-time needs its zone', () => {
  assert.equal(parseValidityBound('2026-07-01', 'Europe/London', false), '2026-06-30T23:00:00.000Z');
  assert.equal(parseValidityBound('2026-07-01', 'Europe/London', true), '2026-07-01T23:00:00.000Z');
  assert.equal(parseValidityBound('2026-01-31', 'Europe/London', true), '2026-02-01T00:00:00.000Z');
  assert.equal(parseValidityBound('2026-02-30', 'Europe/London', false), null);
  assert.equal(parseValidityBound('2026-07-01T10:00', 'Europe/London', false), null);
  assert.equal(parseValidityBound('2026-07-01T10:00:00Z', 'Europe/London', false), '2026-07-01T10:00:00.000Z');
});

for (const database of databasesUnderTest()) {
  describe(`licences on ${database.name}`, () => {
    let council: Council;
    before(async () => { council = await openCouncil(database); });
    after(() => council.t.cleanup());

    const input = (caseId: number, extra: Partial<LicenceInput> = {}): LicenceInput => ({
      caseId, serviceCode: 'pothole', serviceName: 'Street party road closure', holderName: 'Sam Smith', holderEmail: 'sam@example.org',
      permits: 'Closing Elm Street between 10:00 and 18:00', conditions: ['Keep a lane open for emergency vehicles'],
      validFrom: dateIn(-1), validUntil: dateIn(90), language: 'es', ...extra,
    });

    test('issuing writes the licence, a signed credential, an audit entry, a note on the case and the holder\'s email in their language', async () => {
      const caseId = await council.report('street party');
      const issued = await issueLicence(council.db, input(caseId), council.worker, ctx);
      assert.match(issued.number, /^LIC-\d{4}-\d{6}$/);
      const set = await publishedKeySet(council.db);
      const checked = checkCredential(issued.token, (kid) => keysFromSet(set).get(kid));
      assert.ok(checked.ok);
      assert.equal(checked.claims.sub, issued.number);
      assert.equal(checked.claims.holder, 'Sam Smith');
      assert.deepEqual(checked.claims.conditions, ['Keep a lane open for emergency vehicles']);
      assert.equal(checked.claims.iss, ctx.notify.publicUrl);
      const header = JSON.parse(Buffer.from(issued.token.split('.')[0]!, 'base64url').toString('utf8'));
      assert.deepEqual(header, { alg: 'EdDSA', kid: set.keys[0]!.kid, typ: 'JWT' });

      const actions = await caseActionsInOrder(council.db, caseId);
      assert.ok(actions.some((a) => a.action === 'note' && a.description?.includes(issued.number)), 'the case history names the licence');
      const audit = await council.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', issued.number).execute();
      assert.deepEqual(audit.map((a) => a.action), ['licence.issued']);
      assert.equal(audit[0]!.actor, council.worker.id);
      const emails = (await council.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute())
        .map((row) => openQueuedEmail(keyring, JSON.parse(row.payload))).filter((e) => e.template === 'licence_issued');
      assert.equal(emails.length, 1);
      assert.equal(emails[0]!.to, 'sam@example.org');
      assert.equal(emails[0]!.language, 'es');
      assert.match(emails[0]!.subject, new RegExp(`Se ha emitido su licencia ${issued.number}`));
      assert.ok(emails[0]!.text.includes(issued.holderLink));
      const key = new URL(issued.holderLink).searchParams.get('key')!;
      assert.ok(await licenceForHolder(council.db, jurisdiction.id, issued.number, key));
      assert.equal(await licenceForHolder(council.db, jurisdiction.id, issued.number, `${key}x`), null);
      assert.equal((await verifyAuditChain(council.db)).ok, true);
    });

    test('bad input is refused with every problem at once, and nothing is written', async () => {
      const caseId = await council.report('bad licence');
      const before = await council.db.selectFrom('licences').select('id').execute();
      await assert.rejects(issueLicence(council.db, input(caseId, { holderName: ' ', validUntil: dateIn(-5), language: 'fr', holderEmail: 'not-an-email', conditions: ['ok', ''] }), council.worker, ctx),
        (error: Error & { problems?: string[] }) => {
          assert.equal(error.problems?.length, 5, String(error.problems));
          return true;
        });
      await assert.rejects(issueLicence(council.db, input(999_999), council.worker, ctx), /There is no case 999999/);
      // Another department may not put a note on the case, so it may not issue on it either.
      await assert.rejects(issueLicence(council.db, input(caseId), council.parksWorker, ctx), /another department/);
      assert.equal((await council.db.selectFrom('licences').select('id').execute()).length, before.length);
    });

    test('/verify logic: valid, then suspended, reinstated, revoked; forged, tampered, wrong kid and expired tokens', async () => {
      const caseId = await council.report('verify me');
      const issued = await issueLicence(council.db, input(caseId), council.worker, ctx);
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, issued.token)).verdict, 'valid');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, `  ${issued.token}\n`)).verdict, 'valid', 'pasted with spaces');

      // Tampered: the payload changed, the signature kept.
      const tampered = tamper(issued.token, { permits: 'Closing every street' });
      assert.deepEqual(await verifyLicenceToken(council.db, jurisdiction.id, tampered), { verdict: 'not_genuine', problem: 'bad_signature' });
      // Forged: signed with a key that is not the council's, naming the council's kid or its own.
      const { privateKey } = generateKeyPairSync('ed25519');
      const realKid = JSON.parse(Buffer.from(issued.token.split('.')[0]!, 'base64url').toString('utf8')).kid as string;
      const payload = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString('utf8')) as LicenceClaims;
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, signCredential(privateKey, realKid, payload))).problem, 'bad_signature');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, signCredential(privateKey, publicJwkOf(privateKey).kid, payload))).problem, 'unknown_key');
      // Wrong kid: the council's signature, the header naming another key.
      const [, body, signature] = issued.token.split('.');
      const wrongKid = `${Buffer.from(canonicalJson({ alg: 'EdDSA', kid: 'not-a-key', typ: 'JWT' })).toString('base64url')}.${body}.${signature}`;
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, wrongKid)).problem, 'unknown_key');
      // Another algorithm in the header is not accepted, whatever the signature.
      const none = `${Buffer.from(canonicalJson({ alg: 'none', kid: realKid })).toString('base64url')}.${body}.`;
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, none)).problem, 'malformed');
      for (const junk of ['', 'abc', 'a.b.c', 'x'.repeat(9_000), `${issued.token}.`]) {
        assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, junk)).verdict, 'not_genuine', junk.slice(0, 20));
      }

      await changeLicenceStatus(council.db, ctx, issued.licenceId, 'suspend', 'Complaint under investigation', council.supervisor, 'k1');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, issued.token)).verdict, 'suspended');
      await assert.rejects(changeLicenceStatus(council.db, ctx, issued.licenceId, 'suspend', 'again', council.supervisor, 'k2'), /is suspended, so it cannot be suspended/);
      await changeLicenceStatus(council.db, ctx, issued.licenceId, 'reinstate', 'Complaint not upheld', council.supervisor, 'k3');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, issued.token)).verdict, 'valid');
      await assert.rejects(changeLicenceStatus(council.db, ctx, issued.licenceId, 'revoke', '  ', council.supervisor, 'k4'), /Give the reason/);
      await assert.rejects(changeLicenceStatus(council.db, ctx, issued.licenceId, 'revoke', 'Not mine', council.parksWorker, 'k5'), /another department/);
      await changeLicenceStatus(council.db, ctx, issued.licenceId, 'revoke', 'Conditions broken', council.supervisor, 'k6');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, issued.token)).verdict, 'revoked');
      await assert.rejects(changeLicenceStatus(council.db, ctx, issued.licenceId, 'reinstate', 'undo', council.supervisor, 'k7'), /is revoked/);
      const audit = await council.db.selectFrom('audit_log').select('action').where('entity_id', '=', issued.number).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['licence.issued', 'licence.suspended', 'licence.reinstated', 'licence.revoked']);

      // Expired by its signed dates, and not yet valid.
      const old = await issueLicence(council.db, input(caseId, { validFrom: dateIn(-30), validUntil: dateIn(-2) }), council.worker, ctx);
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, old.token)).verdict, 'expired');
      const future = await issueLicence(council.db, input(caseId, { validFrom: dateIn(10), validUntil: dateIn(20) }), council.worker, ctx);
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, future.token)).verdict, 'not_yet_valid');
      // Another council's verifier does not vouch for ours.
      assert.equal((await verifyLicenceToken(council.db, 'elsewhere.example', future.token)).problem, 'not_issued');
    });

    test('key rotation: new licences use the new key, old ones still verify, and both keys are published', async () => {
      const caseId = await council.report('rotation');
      const before = await issueLicence(council.db, input(caseId), council.worker, ctx);
      const rotated = await rotateSigningKey(council.db, keyring, 'cli');
      const afterRotation = await issueLicence(council.db, input(caseId), council.worker, ctx);
      const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')).kid as string;
      assert.notEqual(kidOf(before.token), kidOf(afterRotation.token));
      assert.equal(kidOf(afterRotation.token), rotated.kid);
      const set = await publishedKeySet(council.db);
      assert.ok(set.keys.some((k) => k.kid === kidOf(before.token)) && set.keys.some((k) => k.kid === rotated.kid));
      for (const jwk of set.keys) assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x'], 'public keys only');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, before.token)).verdict, 'valid');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, afterRotation.token)).verdict, 'valid');
      const stored = await council.db.selectFrom('licence_signing_keys').select('private_key').execute();
      for (const row of stored) assert.match(row.private_key, /^e1\./, 'private keys are sealed');
    });
  });
}

test('the licence pages have every word in every language, with the same placeholders', async () => {
  const { licenceWords } = await import('./words.js');
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const english = licenceWords.en as Record<string, string>;
  for (const [code, words] of Object.entries(licenceWords) as Array<[string, Record<string, string>]>) {
    assert.deepEqual(Object.keys(words).sort(), Object.keys(english).sort(), code);
    for (const [key, text] of Object.entries(words)) assert.deepEqual(placeholders(text), placeholders(english[key]!), `${code} ${key}`);
  }
});

test('the PDF: one page for an ordinary licence, more when the conditions are long; characters the font lacks do not break it', async () => {
  const { PDFDocument } = await import('pdf-lib');
  const { licencePdf } = await import('./pdf.js');
  const row = {
    id: 1, jurisdiction_id: 'x', number: 'LIC-2026-000001', case_id: 1, service_code: 's', service_name: 'Tree works', holder_name: 'محمد Müller', holder_email: null, holder_key_hash: '',
    language: 'ar', permits: 'Felling two trees', conditions: '["Work between 08:00 and 18:00"]', valid_from: '2026-01-01T00:00:00.000Z', valid_until: '2027-01-01T00:00:00.000Z',
    status: 'issued', status_reason: null, kid: 'k', token: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', issued_at: '2026-01-01T00:00:00.000Z', updated_at: '', reminders_sent: '[]',
  };
  const context = { council: 'Test Council', publicUrl: 'https://council.example', timeZone: 'Europe/London' };
  const short = await PDFDocument.load(await licencePdf(row, context));
  assert.equal(short.getPageCount(), 1);
  assert.equal(short.getTitle(), 'Licence LIC-2026-000001');
  const long = await PDFDocument.load(await licencePdf({ ...row, conditions: JSON.stringify(Array.from({ length: 50 }, (_, i) => `Condition ${i}: ${'keep to the rules '.repeat(40)}`)) }, context));
  assert.ok(long.getPageCount() > 1);
});
