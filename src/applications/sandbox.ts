/**
 * The built-in sandbox payment provider, for the demo and the tests: its card page is
 * /pay/sandbox/:id, its callbacks are signed with its own secret (HMAC-SHA256 of the body, hex,
 * as GOV.UK Pay's webhooks are), and it refunds as GOV.UK Pay does. Its payments and refunds are
 * kept in its own tables (sandbox_payments, sandbox_refunds: nothing else touches them), so every
 * app process behind a load balancer sees the same ones; with the secret derived from the
 * council's keys, a callback signed by one process is accepted by another.
 */
import { createHmac, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import type { PaymentProvider, ProviderState, RefundRefusal, RefundStatus } from './provider.js';

/** Test cards of the sandbox, as GOV.UK Pay's: one succeeds, one is declined. */
export const SANDBOX_CARDS = { success: '4444333322221111', declined: '4000000000000002' } as const;

/** The sandbox's signing secret, the same in every process that holds the council's keys. */
export const sandboxSecret = (keyring: Keyring): Buffer =>
  Buffer.from(hkdfSync('sha256', keyring.current.key, Buffer.alloc(0), 'townhall payment sandbox callbacks', 32));

export interface SandboxPayment { id: string; state: ProviderState; amount: number; reference: string; description: string; returnUrl: string }

export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly secret: Buffer;
  readonly #db: () => DB;
  /** `db` may be given late (a function), as a test makes its provider before its server. */
  constructor(db: DB | (() => DB), private readonly publicUrl: () => string, secret?: Buffer) {
    this.#db = typeof db === 'function' ? db : () => db;
    this.secret = secret ?? randomBytes(32);
  }

  async createPayment(input: { amount: number; reference: string; description: string; returnUrl: string }) {
    const providerId = `sb_${randomUUID().replace(/-/g, '')}`;
    const at = nowIso();
    await this.#db().insertInto('sandbox_payments').values({
      id: providerId, amount_pence: input.amount, reference: input.reference, description: input.description, return_url: input.returnUrl, state: 'created', created_at: at, updated_at: at,
    }).execute();
    return { providerId, nextUrl: `${this.publicUrl()}/pay/sandbox/${providerId}` };
  }

  async #find(providerId: string, db: DB = this.#db()): Promise<SandboxPayment | undefined> {
    if (!/^sb_[0-9a-f]{32}$/.test(providerId)) return undefined;
    const row = await db.selectFrom('sandbox_payments').selectAll().where('id', '=', providerId).executeTakeFirst();
    return row ? { id: row.id, state: row.state, amount: row.amount_pence, reference: row.reference, description: row.description, returnUrl: row.return_url } : undefined;
  }

  async #refunded(db: DB, providerId: string): Promise<{ done: number; submitted: number }> {
    const rows = await db.selectFrom('sandbox_refunds').select(['status', (eb) => eb.fn.sum<number>('amount_pence').as('total')])
      .where('payment_id', '=', providerId).where('status', '!=', 'error').groupBy('status').execute();
    const of = (status: RefundStatus) => Number(rows.find((r) => r.status === status)?.total ?? 0);
    return { done: of('success'), submitted: of('submitted') };
  }

  async getPayment(providerId: string) {
    const payment = await this.#find(providerId);
    if (!payment) return null;
    const refunded = await this.#refunded(this.#db(), providerId);
    return {
      state: payment.state, amount: payment.amount, reference: payment.reference,
      refundSummary: { amountAvailable: payment.state === 'success' ? payment.amount - refunded.done - refunded.submitted : 0, amountSubmitted: refunded.submitted },
    };
  }

  /** What the card page shows, or undefined once the payment is finished. */
  async pending(providerId: string): Promise<SandboxPayment | undefined> {
    const payment = await this.#find(providerId);
    return payment?.state === 'created' ? payment : undefined;
  }

  /** Moves a waiting payment on, once (whichever process is asked). */
  async #finish(providerId: string, state: Exclude<ProviderState, 'created'>): Promise<string | undefined> {
    const payment = await this.pending(providerId);
    if (!payment) return undefined;
    const changed = await this.#db().updateTable('sandbox_payments').set({ state, updated_at: nowIso() })
      .where('id', '=', providerId).where('state', '=', 'created').executeTakeFirst();
    return Number(changed.numUpdatedRows) === 1 ? payment.returnUrl : undefined;
  }

  /** The card page's answer: a test card succeeds or is declined; the applicant goes back to the return address. */
  async pay(providerId: string, card: string): Promise<{ state: ProviderState; returnUrl: string } | undefined> {
    const state = card.replace(/\s+/g, '') === SANDBOX_CARDS.success ? 'success' : 'failed';
    const returnUrl = await this.#finish(providerId, state);
    return returnUrl === undefined ? undefined : { state, returnUrl };
  }

  cancel(providerId: string): Promise<string | undefined> {
    return this.#finish(providerId, 'cancelled');
  }

  async refund(providerId: string, input: { amount: number; refundAmountAvailable: number }): Promise<{ refundId: string; amount: number; status: RefundStatus } | { refused: RefundRefusal }> {
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return { refused: 'too_much' };
    return this.#db().transaction().execute(async (trx) => {
      // Touching the payment's row holds it (PostgreSQL's row lock; SQLite's one writer) while the refunds are summed.
      const held = await trx.updateTable('sandbox_payments').set({ updated_at: sql`updated_at` }).where('id', '=', providerId).where('state', '=', 'success').executeTakeFirst();
      if (Number(held.numUpdatedRows) !== 1) return { refused: 'not_refundable' as const };
      const payment = (await this.#find(providerId, trx))!;
      const refunded = await this.#refunded(trx, providerId);
      const available = payment.amount - refunded.done - refunded.submitted;
      if (input.refundAmountAvailable !== available) return { refused: 'amount_available_mismatch' as const };
      if (input.amount > available) return { refused: 'too_much' as const };
      const refundId = `sbr_${randomUUID().replace(/-/g, '')}`;
      await trx.insertInto('sandbox_refunds').values({ id: refundId, payment_id: providerId, amount_pence: input.amount, status: 'success', created_at: nowIso() }).execute();
      return { refundId, amount: input.amount, status: 'success' as const };
    });
  }

  sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('hex');
  }

  verifyCallback(body: string, signature: string | undefined): string | null {
    if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return null;
    if (!timingSafeEqual(Buffer.from(this.sign(body), 'hex'), Buffer.from(signature, 'hex'))) return null;
    try {
      const id = (JSON.parse(body) as { resource_id?: unknown }).resource_id;
      return typeof id === 'string' && id.length <= 100 ? id : null;
    } catch {
      return null;
    }
  }
}
