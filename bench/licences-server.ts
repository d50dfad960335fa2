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
import { makeKeyring, newKey } from '../src/platform/crypto.js';
import { loadLicences, measureIssuing } from './licences-load.js';

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
  const bench = { db, config, keyring, service: { code: 'market-stall', name: 'Market stall licence' } };
  const tokens = await loadLicences(bench, count, () => caseId);
  // Issuing with its PDF, one after another, for a few seconds; then the PDF alone.
  const { issuePerSecond, pdfPerSecond } = await measureIssuing(bench, caseId, Number(process.env.BENCH_PDF_SECONDS ?? 5));
  console.log(`PDF ${issuePerSecond.toFixed(1)} ${pdfPerSecond.toFixed(1)}`);
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(tokens));
  const app = await buildApp({ config, db, keyring, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${(app.server.address() as AddressInfo).port} ${tokensFile}`);
} else if (mode === 'bare') {
  const size = Number(process.argv[3] ?? 5_000);
  const html = `<!doctype html><html><head><title>Baseline</title></head><body>${'x'.repeat(Math.max(0, size - 80))}</body></html>`;
  const app = Fastify({ logger: false });
  // Every path: bench/licences.ts asks for /verify/<token>, bench/applications.ts for the staff queue too.
  app.get('/*', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(html));
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${(app.server.address() as AddressInfo).port} -`);
} else {
  console.error('Usage: licences-server.ts townhall|bare [size]');
  process.exit(2);
}
