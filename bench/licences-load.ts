/**
 * The licence parts that bench/licences.ts and bench/applications.ts share: loading many signed
 * licences straight into the licences table (rows as issueLicence writes them, signed with the
 * council's current key), measuring issuing with its PDF and the PDF alone, and the bare
 * pdf-lib baseline: a one-page A4 PDF with the same amount of text, no signing, no database.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Config } from '../src/config.js';
import { dialectOf, type DB } from '../src/db/connection.js';
import { signCredential } from '../src/licences/credential.js';
import { findLicence, issueLicence, licenceNumber } from '../src/licences/licences.js';
import { licencePdf } from '../src/licences/pdf.js';
import { currentSigningKey } from '../src/licences/signing-keys.js';
import type { LicenceRow } from '../src/licences/store.js';
import { sha256Hex, type Keyring } from '../src/platform/crypto.js';

export interface LicenceBench {
  db: DB;
  config: Config;
  keyring: Keyring;
  service: { code: string; name: string };
}

/**
 * Inserts `count` issued licences (every fiftieth revoked), 1,000 a statement, the n-th for the
 * case caseIdOf(n); returns every hundredth token, for /verify. On PostgreSQL the id sequence
 * is moved past them and the table analysed.
 */
export async function loadLicences({ db, config, keyring, service }: LicenceBench, count: number, caseIdOf: (n: number) => number): Promise<string[]> {
  const jurisdiction = config.jurisdiction;
  const signing = await currentSigningKey(db, keyring);
  const tokens: string[] = [];
  const at = new Date().toISOString();
  const year = 365 * 86_400_000;
  const first = Number((await db.selectFrom('licences').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0) + 1;
  for (let start = 0; start < count; start += 1_000) {
    const rows: Array<Omit<LicenceRow, 'reminders_sent'>> = [];
    for (let i = start; i < Math.min(count, start + 1_000); i++) {
      const id = first + i;
      const number = licenceNumber(at, id);
      const validFrom = new Date(Date.now() - (i % 300) * 86_400_000).toISOString();
      const validUntil = new Date(Date.parse(validFrom) + year).toISOString();
      const claims = {
        iss: config.publicUrl, sub: number, iat: Math.floor(Date.parse(at) / 1000), nbf: Math.floor(Date.parse(validFrom) / 1000), exp: Math.floor(Date.parse(validUntil) / 1000),
        council: jurisdiction.name, service: service.name, holder: `Holder ${id}`, permits: `Permit ${id % 200} of ${service.name}`, conditions: ['Leave the site clean'],
      };
      const token = signCredential(signing.privateKey, signing.kid, claims);
      if (i % 100 === 0) tokens.push(token);
      rows.push({
        id, jurisdiction_id: jurisdiction.id, number, case_id: caseIdOf(i), service_code: service.code, service_name: claims.service, holder_name: claims.holder, holder_email: null,
        holder_key_hash: sha256Hex(String(id)), language: 'en', permits: claims.permits, conditions: JSON.stringify(claims.conditions), valid_from: validFrom, valid_until: validUntil,
        status: i % 50 === 0 ? 'revoked' : 'issued', status_reason: null, kid: signing.kid, token, issued_at: at, updated_at: at,
      });
    }
    await db.transaction().execute((trx) => trx.insertInto('licences').values(rows).execute());
  }
  if (dialectOf(db) === 'postgres') {
    const { sql } = await import('kysely');
    await sql`select setval(pg_get_serial_sequence('licences', 'id'), ${first + count - 1})`.execute(db);
    await sql`analyze licences`.execute(db);
  }
  return tokens;
}

/** Licences issued (issueLicence, then licencePdf) one after another for `seconds`; then the PDF alone. Per second. */
export async function measureIssuing({ db, config, keyring, service }: LicenceBench, caseId: number, seconds: number): Promise<{ issuePerSecond: number; pdfPerSecond: number }> {
  const jurisdiction = config.jurisdiction;
  const ctx = { jurisdictionId: jurisdiction.id, timeZone: jurisdiction.timeZone, notify: { keyring, publicUrl: config.publicUrl, council: jurisdiction.name } };
  const actor = { id: 'system:bench', userId: null, role: 'system' as const, departmentId: null };
  const shown = { council: jurisdiction.name, publicUrl: config.publicUrl, timeZone: jurisdiction.timeZone };
  let issued = 0;
  let lastId = 0;
  const began = Date.now();
  while (Date.now() - began < seconds * 1000) {
    const licence = await issueLicence(db, {
      caseId, serviceCode: service.code, serviceName: service.name, holderName: `New holder ${issued}`, holderEmail: `holder${issued}@example.org`,
      permits: `Permit 7 of ${service.name}`, conditions: ['Leave the site clean', 'No amplified music'], validFrom: '2026-01-01', validUntil: '2026-12-31', language: 'en',
    }, actor, ctx);
    await licencePdf(await findLicence(db, jurisdiction.id, licence.licenceId), shown);
    issued++;
    lastId = licence.licenceId;
  }
  const issuePerSecond = issued / ((Date.now() - began) / 1000);
  const row = await findLicence(db, jurisdiction.id, lastId);
  let pdfs = 0;
  const pdfStart = Date.now();
  while (Date.now() - pdfStart < seconds * 1000) {
    await licencePdf(row, shown);
    pdfs++;
  }
  return { issuePerSecond, pdfPerSecond: pdfs / ((Date.now() - pdfStart) / 1000) };
}

/** Bare pdf-lib: a one-page A4 PDF with a licence's worth of text (a dozen lines), saved, one after another for `seconds`. Per second. */
export async function barePdfPerSecond(seconds: number): Promise<number> {
  let made = 0;
  const began = Date.now();
  while (Date.now() - began < seconds * 1000) {
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595.28, 841.89]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    for (let line = 0; line < 12; line++) page.drawText(`Line ${line} of a licence: holder, permit, conditions and dates`, { x: 56, y: 780 - line * 20, size: 11, font });
    await pdf.save();
    made++;
  }
  return made / ((Date.now() - began) / 1000);
}
