/**
 * The public register of licences: only services the council has made public, and no personal
 * data beyond what is published (the holder's name only where the service says the law
 * publishes it, as for some business licences).
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { invalid } from '../platform/errors.js';
import * as store from './store.js';

export interface RegisterEntry {
  number: string;
  serviceCode: string;
  service: string;
  /** Null unless the service publishes holders' names. */
  holder: string | null;
  permits: string;
  conditions: string[];
  validFrom: string;
  validUntil: string;
  status: store.LicenceStatus;
  issuedAt: string;
}

export interface RegisterPage {
  entries: RegisterEntry[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}

export const MAX_SEARCH = 100;

/** One page of the register, newest first. */
export async function registerOfLicences(db: DB, jurisdictionId: string, query: { search?: string; page?: number; pageSize: number }, now = new Date()): Promise<RegisterPage> {
  const search = (query.search ?? '').trim();
  if (search.length > MAX_SEARCH) throw invalid(`Search with ${MAX_SEARCH} characters or fewer.`);
  const page = query.page ?? 1;
  if (!Number.isSafeInteger(page) || page < 1 || page > 100_000) throw invalid('The page number must be a whole number from 1.');
  const settings = await store.registerSettings(db, jurisdictionId);
  if (settings.length === 0) return { entries: [], total: 0, page, pages: 1, pageSize: query.pageSize };
  const withHolders = settings.filter((s) => s.publish_holder_name === 1).map((s) => s.service_code);
  const q: store.RegisterQuery = {
    jurisdictionId, serviceCodes: settings.map((s) => s.service_code), search, searchHolderIn: withHolders,
    limit: query.pageSize, offset: (page - 1) * query.pageSize,
  };
  const [rows, total] = await Promise.all([store.registerPage(db, q), store.registerCount(db, q)]);
  const at = now.toISOString();
  return {
    entries: rows.map((row) => ({
      number: row.number, serviceCode: row.service_code, service: row.service_name,
      holder: withHolders.includes(row.service_code) ? row.holder_name : null,
      permits: row.permits, conditions: JSON.parse(row.conditions) as string[], validFrom: row.valid_from, validUntil: row.valid_until,
      // A lapsed licence reads as expired even before the nightly job marks it.
      status: row.status === 'issued' && row.valid_until <= at ? 'expired' : row.status as store.LicenceStatus,
      issuedAt: row.issued_at,
    })),
    total, page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)),
  };
}

/** Whether a service's licences are in the public register, and with their holders' names. Audited. */
export async function setLicenceRegister(db: DB, jurisdictionId: string, serviceCode: string, choice: { publicRegister: boolean; publishHolderName: boolean }, actor: string): Promise<void> {
  const code = serviceCode.trim();
  if (!code || code.length > 200) throw invalid('Name the service by its code.');
  if (choice.publishHolderName && !choice.publicRegister) throw invalid('Holders\' names can only be published in a public register: make the register public too.');
  await db.transaction().execute(async (trx) => {
    const before = await store.registerSetting(trx, jurisdictionId, code);
    await store.saveRegisterSetting(trx, { jurisdictionId, serviceCode: code, ...choice });
    await appendAudit(trx, {
      actor, action: 'licence_register.changed', entityType: 'licence_register', entityId: code,
      before: before ? { publicRegister: before.public_register === 1, publishHolderName: before.publish_holder_name === 1 } : null, after: choice,
    });
  });
}
