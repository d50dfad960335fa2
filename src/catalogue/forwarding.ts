/**
 * Client mode, the service's side: for chosen services, new cases are forwarded to an outside
 * Open311 GeoReport v2 back office (issue 13). This file owns `service_forwarding`: where a
 * service's cases go and the back office's API key, sealed at rest like residents' details
 * (platform/crypto.ts) and never shown again once saved. Every submission asks whether its
 * service is forwarded, so the answer is kept per process while the settings are unchanged.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { open, seal, sealedWith, type Keyring } from '../platform/crypto.js';
import { invalid, notFound } from '../platform/errors.js';
import { outboundUrlProblem, type OutboundPolicy } from '../platform/outbound.js';
import { settingsCache } from '../platform/settings-cache.js';
import { nowIso } from '../platform/time.js';

/** The field name bound into the sealed API key: it cannot be moved to another column. */
const API_KEY_FIELD = 'forwarding_api_key';

export interface ServiceForwarding {
  serviceCode: string;
  /** The back office's name, as staff know it ("Highways back office"). */
  backOffice: string;
  /** The GeoReport v2 base address, ending before /requests.json. */
  endpointUrl: string;
  remoteJurisdictionId: string | null;
  remoteServiceCode: string;
  /** The sealed API key (open it with `forwardingApiKey`), or null when the back office needs none. */
  apiKeySealed: string | null;
}

export interface ForwardingInput {
  backOffice: string;
  endpointUrl: string;
  remoteJurisdictionId: string;
  remoteServiceCode: string;
  /** Empty keeps the key already saved; `clearApiKey` removes it. */
  apiKey: string;
  clearApiKey?: boolean;
}

type Row = { service_code: string; back_office: string; endpoint_url: string; remote_jurisdiction_id: string | null; remote_service_code: string; api_key_sealed: string | null };

const fromRow = (row: Row): ServiceForwarding => ({
  serviceCode: row.service_code, backOffice: row.back_office, endpointUrl: row.endpoint_url,
  remoteJurisdictionId: row.remote_jurisdiction_id, remoteServiceCode: row.remote_service_code, apiKeySealed: row.api_key_sealed,
});

async function selectForwarding(db: DB, jurisdictionId: string, serviceCode: string): Promise<ServiceForwarding | null> {
  const row = await db.selectFrom('service_forwarding').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();
  return row ? fromRow(row) : null;
}

/** Where a service's new cases are forwarded, or null when Townhall works them itself. */
export const forwardingOf = settingsCache(selectForwarding);

/** Every forwarded service of a council. */
export async function listForwarding(db: DB, jurisdictionId: string): Promise<ServiceForwarding[]> {
  return (await db.selectFrom('service_forwarding').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('service_code').execute()).map(fromRow);
}

/** The back office's API key in clear, to send with a request; null when none is set. */
export const forwardingApiKey = (keyring: Keyring, forwarding: Pick<ServiceForwarding, 'apiKeySealed'>): string | null =>
  forwarding.apiKeySealed === null ? null : open(keyring, API_KEY_FIELD, forwarding.apiKeySealed);

/** Every problem with a forwarding setting at once, in words an administrator can act on. */
export async function checkForwarding(input: ForwardingInput, outbound: OutboundPolicy): Promise<Array<{ field: keyof ForwardingInput; problem: string }>> {
  const problems: Array<{ field: keyof ForwardingInput; problem: string }> = [];
  if (input.backOffice.trim() === '' || input.backOffice.length > 100) problems.push({ field: 'backOffice', problem: 'Give the back office a name of at most 100 characters, as staff know it.' });
  const url = URL.canParse(input.endpointUrl.trim()) ? new URL(input.endpointUrl.trim()) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || input.endpointUrl.length > 500 || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    problems.push({ field: 'endpointUrl', problem: 'The endpoint must be an https address without a query, such as https://backoffice.example.gov/open311/v2 (at most 500 characters).' });
  } else {
    const refused = await outboundUrlProblem(input.endpointUrl, outbound, 'The endpoint');
    if (refused) problems.push({ field: 'endpointUrl', problem: refused });
  }
  if (input.remoteServiceCode.trim() === '' || input.remoteServiceCode.length > 200) problems.push({ field: 'remoteServiceCode', problem: 'Give the back office\'s service_code for this service (at most 200 characters).' });
  if (input.remoteJurisdictionId.length > 200) problems.push({ field: 'remoteJurisdictionId', problem: 'The jurisdiction_id may be at most 200 characters.' });
  if (input.apiKey.length > 500) problems.push({ field: 'apiKey', problem: 'The API key may be at most 500 characters.' });
  return problems;
}

/** What the audit trail keeps of a setting: never the key, only whether one is set. */
const auditView = (f: ServiceForwarding | null) => (f ? { backOffice: f.backOffice, endpointUrl: f.endpointUrl, remoteJurisdictionId: f.remoteJurisdictionId, remoteServiceCode: f.remoteServiceCode, apiKeySet: f.apiKeySealed !== null } : null);

/**
 * Forwards a service's new cases to a back office (`input`), or stops forwarding them (null).
 * Cases already forwarded keep being fetched from the back office they went to. Audited.
 */
export async function saveForwarding(db: DB, keyring: Keyring, jurisdictionId: string, serviceCode: string, input: ForwardingInput | null, actor: string, outbound: OutboundPolicy): Promise<ServiceForwarding | null> {
  if (input) {
    const problems = await checkForwarding(input, outbound);
    if (problems.length > 0) throw invalid(problems.map((p) => p.problem).join(' '), problems.map((p) => p.problem));
  }
  return db.transaction().execute(async (trx) => {
    const service = await trx.selectFrom('services').select('code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', serviceCode).executeTakeFirst();
    if (!service) throw notFound(`There is no service with code "${serviceCode}".`);
    const before = await selectForwarding(trx, jurisdictionId, serviceCode);
    if (!input) {
      if (!before) return null;
      await trx.deleteFrom('service_forwarding').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).execute();
    } else {
      const apiKeySealed = input.clearApiKey ? null : input.apiKey !== '' ? seal(keyring, API_KEY_FIELD, input.apiKey) : before?.apiKeySealed ?? null;
      const row = {
        back_office: input.backOffice.trim(), endpoint_url: input.endpointUrl.trim().replace(/\/+$/, ''),
        remote_jurisdiction_id: input.remoteJurisdictionId.trim() || null, remote_service_code: input.remoteServiceCode.trim(), api_key_sealed: apiKeySealed, updated_at: nowIso(),
      };
      await trx.insertInto('service_forwarding').values({ jurisdiction_id: jurisdictionId, service_code: serviceCode, ...row })
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'service_code']).doUpdateSet(row)).execute();
    }
    const after = await selectForwarding(trx, jurisdictionId, serviceCode);
    await appendAudit(trx, { actor, action: input ? 'service.forwarding_set' : 'service.forwarding_stopped', entityType: 'service', entityId: serviceCode, before: auditView(before), after: auditView(after) });
    return after;
  });
}

/** `townhall keys rotate`: every back office API key sealed under the current key. Returns how many changed. */
export async function resealForwardingKeys(db: DB, keyring: Keyring): Promise<number> {
  const rows = await db.selectFrom('service_forwarding').select(['jurisdiction_id', 'service_code', 'api_key_sealed']).where('api_key_sealed', 'is not', null).execute();
  let changed = 0;
  for (const row of rows) {
    if (row.api_key_sealed === null || sealedWith(row.api_key_sealed) === keyring.current.id) continue;
    const resealed = seal(keyring, API_KEY_FIELD, open(keyring, API_KEY_FIELD, row.api_key_sealed));
    await db.updateTable('service_forwarding').set({ api_key_sealed: resealed }).where('jurisdiction_id', '=', row.jurisdiction_id).where('service_code', '=', row.service_code).execute();
    changed++;
  }
  return changed;
}
