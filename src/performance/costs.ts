/**
 * What a transaction costs on each channel, as the council publishes it: set by a system
 * administrator, audited, and read by the performance figures (cost per transaction).
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { nowIso } from '../platform/time.js';

/** The channels a cost can be set for: the ways a request reaches the council. */
export const costChannels = ['web', 'api', 'phone', 'email', 'counter'] as const;
export type CostChannel = (typeof costChannels)[number];

export interface ChannelCosts {
  /** ISO 4217, e.g. GBP. */
  currency: string;
  /** Minor units (pence, cents) per transaction; a channel without a cost is left out. */
  costs: Partial<Record<CostChannel, number>>;
  updatedAt: string | null;
}

export const DEFAULT_CURRENCY = 'GBP';
/** A cost per transaction above this (in major units) is surely a typing mistake. */
export const MAX_COST = 100_000;

export async function channelCosts(db: DB, jurisdictionId: string): Promise<ChannelCosts> {
  const row = await db.selectFrom('performance_costs').select(['currency', 'costs', 'updated_at']).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  if (!row) return { currency: DEFAULT_CURRENCY, costs: {}, updatedAt: null };
  const stored = JSON.parse(row.costs) as Record<string, unknown>;
  const costs: ChannelCosts['costs'] = {};
  for (const channel of costChannels) {
    const value = stored[channel];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) costs[channel] = value;
  }
  return { currency: row.currency, costs, updatedAt: row.updated_at };
}

/** The costs form as sent, checked: every problem at once, in words a person can act on. */
export type ParsedCosts =
  | { ok: true; currency: string; costs: ChannelCosts['costs'] }
  | { ok: false; errors: Record<string, string> };

const currencies = new Set(Intl.supportedValuesOf('currency'));

export function parseCosts(fields: Record<string, string>): ParsedCosts {
  const errors: Record<string, string> = {};
  const currency = (fields.currency ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !currencies.has(currency)) errors.currency = 'Enter a currency as its three-letter code, for example GBP, EUR or USD.';
  const costs: ChannelCosts['costs'] = {};
  for (const channel of costChannels) {
    const text = (fields[channel] ?? '').trim();
    if (text === '') continue;
    const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(text);
    if (!match || Number(match[1]) > MAX_COST) {
      errors[channel] = `Enter the cost as an amount such as 4.50, from 0 to ${MAX_COST.toLocaleString('en-GB')}, or leave it empty.`;
      continue;
    }
    costs[channel] = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, currency, costs };
}

/** Saves the costs and appends the audit entry (before and after), in one transaction. */
export async function saveChannelCosts(db: DB, jurisdictionId: string, input: { currency: string; costs: ChannelCosts['costs'] }, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await channelCosts(trx, jurisdictionId);
    const at = nowIso();
    const values = { currency: input.currency, costs: JSON.stringify(input.costs), updated_at: at };
    await trx.insertInto('performance_costs').values({ jurisdiction_id: jurisdictionId, ...values })
      .onConflict((oc) => oc.column('jurisdiction_id').doUpdateSet(values)).execute();
    await appendAudit(trx, {
      actor, action: 'performance_costs.changed', entityType: 'performance_costs', entityId: jurisdictionId,
      before: before.updatedAt === null ? null : { currency: before.currency, costs: before.costs },
      after: { currency: input.currency, costs: input.costs },
    });
  });
}
