/**
 * The payment provider interface, shaped like GOV.UK Pay: create a payment (amount, reference,
 * return address), ask for its state, check a callback's signature, and refund all or part of a
 * payment (amount, and the amount the service believes is still available, as GOV.UK Pay's
 * refund_amount_available, so two people refunding at once cannot both succeed).
 */
export type ProviderState = 'created' | 'success' | 'failed' | 'cancelled';

/** A refund as GOV.UK Pay reports it: submitted (accepted, not yet done), success, or error (nothing was refunded). */
export type RefundStatus = 'submitted' | 'success' | 'error';

/** Why a provider refused a refund outright (GOV.UK Pay answers 412 or 400). */
export type RefundRefusal = 'amount_available_mismatch' | 'too_much' | 'not_refundable';

export interface ProviderPayment {
  state: ProviderState;
  amount: number;
  reference: string;
  /** What may still be refunded, and what refunds are waiting (GOV.UK Pay's refund_summary). */
  refundSummary?: { amountAvailable: number; amountSubmitted: number };
}

export interface PaymentProvider {
  readonly name: string;
  /** Creates a payment; `nextUrl` is the provider's page the applicant is sent to. */
  createPayment(input: { amount: number; reference: string; description: string; returnUrl: string }): Promise<{ providerId: string; nextUrl: string }>;
  /** The payment as the provider knows it: the only word on whether it succeeded. */
  getPayment(providerId: string): Promise<ProviderPayment | null>;
  /** The provider's payment id a callback names, if its signature is the provider's; null for a forged one. */
  verifyCallback(body: string, signature: string | undefined): string | null;
  /** Refunds all or part of a successful payment. */
  refund(providerId: string, input: { amount: number; refundAmountAvailable: number }): Promise<{ refundId: string; amount: number; status: RefundStatus } | { refused: RefundRefusal }>;
}
