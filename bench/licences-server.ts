/**
 * The two servers bench/licences.ts compares, each in its own process:
 *   townhall  the real app, with LICENCES (default 100,000) signed licences loaded into a fresh
 *             SQLite database (or the PostgreSQL database BENCH_POSTGRES_URL names, emptied
 *             first); before listening it measures licence issuing with its PDF per second
 *             (issueLicence and licencePdf, one after another) and the PDF alone
 *   bare      Fastify answering every request with a fixed HTML page of the verify page's size
 * Prints "PDF <issue+pdf per s> <pdf per s>" (townhall) and "READY <port> <tokens file>".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { submitCase } from '../src/cases/submit.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { signCredential } from '../src/licences/credential.js';
import { findLicence, issueLicence, licenceNumber } from '../src/licences/licences.js';
import { licencePdf } from '../src/licences/pdf.js';
import { currentSigningKey } from '../src/licences/signing-keys.js';
import type { LicenceRow } from '../src/licences/store.js';
import { makeKeyring, newKey, sha256Hex } from '../src/platform/crypto.js';

const mode = process.argv[2];
process.on('SIGTERM', () => process.exit(0));
const dir = mkdtempSync(join(tmpdir(), 'townhall-licence-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

if (mode === 'townhall') {
  const count = Number(process.env.LICENCES ?? 100_000);
  const postgres = process.env.BENCH_POSTGRES_URL;
  const config = loadConfig({ DATABASE_URL: postgres ?? `sqlite:${join(dir, 'townhall.db')}`, LOG_LEVEL: 'silent' });
  const db = openDatabase(config.databaseUrl);
  if (postgres) {
    const { sql } = await import('kysely');
    await sql`drop schema public cascade; create schema public`.execute(db);
  }
  await migrateToLatest(db);
  const keyring = makeKeyring(newKey());
  const jurisdiction = config.jurisdiction;
  await saveServiceGroup(db, jurisdiction.id, { code: 'licences', name: 'Licences' }, 0, 'bench');
  await createService(db, jurisdiction.id, {
    code: 'market-stall', name: 'Market stall licence', description: 'A pitch at the market', groupCode: 'licences', keywords: [], type: 'realtime',
    agencyResponsible: null, serviceNotice: null, expectedDays: 10, attributes: [], department: null,
  }, 'bench');
  const b = jurisdiction.bounds;
  const created = await submitCase(db, { jurisdiction, keyring }, 'api', {
    serviceCode: 'market-stall', description: 'Application', lat: (b.minLat + b.maxLat) / 2, long: (b.minLong + b.maxLong) / 2, attributes: {}, mediaUrls: [], contact: {},
  }, { actor: { id: 'bench' } });
  const caseId = Number(created.id);
  const signing = await currentSigningKey(db, keyring);
  const tokens: string[] = [];
  const at = new Date().toISOString();
  const year = 365 * 86_400_000;
  for (let start = 0; start < count; start += 1_000) {
    const rows: Array<Omit<LicenceRow, 'reminders_sent'>> = [];
    for (let i = start; i < Math.min(count, start + 1_000); i++) {
      const id = i + 1;
      const number = licenceNumber(at, id);
      const validFrom = new Date(Date.now() - (i % 300) * 86_400_000).toISOString();
      const validUntil = new Date(Date.parse(validFrom) + year).toISOString();
      const claims = {
        iss: config.publicUrl, sub: number, iat: Math.floor(Date.parse(at) / 1000), nbf: Math.floor(Date.parse(validFrom) / 1000), exp: Math.floor(Date.parse(validUntil) / 1000),
        council: jurisdiction.name, service: 'Market stall licence', holder: `Trader ${id}`, permits: `Pitch ${id % 200} at the Saturday market`, conditions: ['Leave the pitch clean'],
      };
      const token = signCredential(signing.privateKey, signing.kid, claims);
      if (i % 100 === 0) tokens.push(token);
      rows.push({
        id, jurisdiction_id: jurisdiction.id, number, case_id: caseId, service_code: 'market-stall', service_name: claims.service, holder_name: claims.holder, holder_email: null,
        holder_key_hash: sha256Hex(String(id)), language: 'en', permits: claims.permits, conditions: JSON.stringify(claims.conditions), valid_from: validFrom, valid_until: validUntil,
        status: i % 50 === 0 ? 'revoked' : 'issued', status_reason: null, kid: signing.kid, token, issued_at: at, updated_at: at,
      });
    }
    await db.transaction().execute((trx) => trx.insertInto('licences').values(rows).execute());
  }
  if (postgres) {
    const { sql } = await import('kysely');
    await sql`select setval(pg_get_serial_sequence('licences', 'id'), ${count})`.execute(db);
    await sql`analyze licences`.execute(db);
  }
  // Issuing with its PDF, one after another, for a few seconds; then the PDF alone.
  const ctx = { jurisdictionId: jurisdiction.id, timeZone: jurisdiction.timeZone, notify: { keyring, publicUrl: config.publicUrl, council: jurisdiction.name } };
  const actor = { id: 'system:bench', userId: null, role: 'system' as const, departmentId: null };
  const seconds = Number(process.env.BENCH_PDF_SECONDS ?? 5);
  let issued = 0;
  let lastId = 0;
  const until = Date.now() + seconds * 1000;
  const began = Date.now();
  while (Date.now() < until) {
    const licence = await issueLicence(db, {
      caseId, serviceCode: 'market-stall', serviceName: 'Market stall licence', holderName: `New trader ${issued}`, holderEmail: `trader${issued}@example.org`,
      permits: 'Pitch 7 at the Saturday market', conditions: ['Leave the pitch clean', 'No amplified music'], validFrom: '2026-01-01', validUntil: '2026-12-31', language: 'en',
    }, actor, ctx);
    await licencePdf(await findLicence(db, jurisdiction.id, licence.licenceId), { council: jurisdiction.name, publicUrl: config.publicUrl, timeZone: jurisdiction.timeZone });
    issued++;
    lastId = licence.licenceId;
  }
  const issuePerSecond = issued / ((Date.now() - began) / 1000);
  const row = await findLicence(db, jurisdiction.id, lastId);
  let pdfs = 0;
  const pdfStart = Date.now();
  while (Date.now() - pdfStart < seconds * 1000) {
    await licencePdf(row, { council: jurisdiction.name, publicUrl: config.publicUrl, timeZone: jurisdiction.timeZone });
    pdfs++;
  }
  console.log(`PDF ${issuePerSecond.toFixed(1)} ${(pdfs / ((Date.now() - pdfStart) / 1000)).toFixed(1)}`);
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens));
  const app = await buildApp({ config, db, keyring, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${(app.server.address() as AddressInfo).port} ${tokensFile}`);
} else if (mode === 'bare') {
  const size = Number(process.argv[3] ?? 5_000);
  const html = `<!doctype html><html><head><title>Baseline</title></head><body>${'x'.repeat(Math.max(0, size - 80))}</body></html>`;
  const app = Fastify({ logger: false });
  app.get('/verify/*', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(html));
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${(app.server.address() as AddressInfo).port} -`);
} else {
  console.error('Usage: licences-server.ts townhall|bare [size]');
  process.exit(2);
}
