/**
 * How the outbox retries, apart from the outbox itself so that reading the configuration (every
 * CLI command does) does not load the database drivers.
 */
/** The default number of attempts before a message is dead (OUTBOX_MAX_ATTEMPTS). */
export const MAX_ATTEMPTS = 8;

/** How delivery retries; every value configurable (tests use milliseconds). */
export interface RetryPolicy {
  maxAttempts: number;
  /** The first gap after a failure; each further failure may double it (full jitter). */
  backoffBaseMs: number;
  /** The longest gap. */
  backoffCapMs: number;
  /** How long a claim holds a message before another worker may take it over: longer than any provider call. */
  leaseMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: MAX_ATTEMPTS, backoffBaseMs: 30_000, backoffCapMs: 6 * 3600_000, leaseMs: 5 * 60_000 };
