/**
 * Single sign-on with OpenID Connect: staff through the council's identity provider, residents
 * through one the council trusts for them (often a national eID). Authorization code flow with
 * PKCE (S256), state and nonce, through openid-client. This file holds the protocol steps and the
 * choice of account, as plain functions; the configuration is read in oidc-config.ts, the routes
 * live in oidc-routes.ts.
 *
 * The ways in are deliberately narrow (least privilege): staff accounts are only ever created by
 * an administrator, so the staff provider can only sign in an existing, active staff account;
 * the resident provider can only sign in (or create) a resident account.
 */
import type * as Client from 'openid-client';

// Loaded when a council's single sign-on is first used, not at every start.
let loadedClient: typeof Client | undefined;
const openidClient = async (): Promise<typeof Client> => (loadedClient ??= await import('openid-client'));
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { lookupHash, open, seal, type Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import type { Audience, OidcProviderConfig } from './oidc-config.js';
import { findLinkedUser, insertLink } from './oidc-store.js';
import { isRole, isStaff, type Role } from './roles.js';
import { endAllSessions } from './sessions.js';
import * as store from './store.js';
import { sameSitePath } from '../platform/next-path.js';

// ---------------------------------------------------------------------------------------------
// Why a sign-in did not happen
// ---------------------------------------------------------------------------------------------

export type RefusalReason =
  | 'provider_unavailable' | 'attempt_missing' | 'cancelled' | 'provider_error' | 'not_confirmed'
  | 'no_verified_email' | 'unknown_staff' | 'not_staff' | 'not_resident' | 'account_disabled';

/** A sign-in that was refused, with words for the person and the HTTP status that fits. */
export class SignInRefused extends Error {
  constructor(public readonly reason: RefusalReason, message: string, public readonly status: number) {
    super(message);
  }
}

export const UNAVAILABLE_MESSAGE = 'The single sign-on service is not answering; try again or sign in with your password.';
const unavailable = () => new SignInRefused('provider_unavailable', UNAVAILABLE_MESSAGE, 503);
const notConfirmed = () => new SignInRefused('not_confirmed', 'We could not confirm this sign-in with the single sign-on service, so you are not signed in. Start again from the sign-in page.', 400);

/** Network failures, time-outs and the provider's own 5xx errors: the provider is down, not saying no. */
function isOutage(error: unknown): boolean {
  if (error instanceof TypeError) return true; // fetch failed: refused connection, DNS, TLS
  const client = loadedClient; // an error from the client means it is loaded
  if (!client) return false;
  if (error instanceof client.ResponseBodyError) return error.status >= 500;
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT') return true;
    const cause = error.cause;
    return cause instanceof Response && cause.status >= 500;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Discovery: each provider's endpoints and keys, fetched when first needed
// ---------------------------------------------------------------------------------------------

/** Seconds to wait for a provider before telling the person it is not answering. */
const PROVIDER_TIMEOUT_SECONDS = 10;
/** Metadata is fetched again after this long, so a provider's changed endpoints are picked up. */
const METADATA_KEPT_MS = 24 * 3_600_000;

export type Discover = (provider: OidcProviderConfig) => Promise<Client.Configuration>;

/**
 * Discovery for a set of providers, kept in memory. Nothing is fetched at start, so a provider
 * that is down never stops Townhall starting; a failed fetch is not kept, so the next sign-in
 * tries again.
 */
export function providerDiscovery(): Discover {
  const known = new Map<string, { fetchedAt: number; configuration: Promise<Client.Configuration> }>();
  return async (provider) => {
    const client = await openidClient();
    const key = `${provider.audience} ${provider.issuer} ${provider.clientId}`;
    let entry = known.get(key);
    if (!entry || Date.now() - entry.fetchedAt > METADATA_KEPT_MS) {
      const issuer = new URL(provider.issuer);
      const configuration = client.discovery(issuer, provider.clientId, undefined, client.ClientSecretBasic(provider.clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The ID token's signature is checked against the provider's published keys too, not only
        // trusted because it came over TLS. Plain http only when the council configured it so (a
        // provider on this machine, as in tests).
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks],
      });
      entry = { fetchedAt: Date.now(), configuration };
      known.set(key, entry);
      configuration.catch(() => {
        if (known.get(key) === entry) known.delete(key);
      });
    }
    try {
      return await entry.configuration;
    } catch {
      throw unavailable();
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Starting: the redirect to the provider, and what the browser keeps until it comes back
// ---------------------------------------------------------------------------------------------

/** How long a person has to finish signing in at the provider. */
export const ATTEMPT_MINUTES = 10;
const SEAL_FIELD = 'oidc.login';

/** What the callback needs to check the answer is the one this browser asked for. */
export interface SignInAttempt {
  audience: Audience;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after signing in: a path on this site, or null for the person's home page. */
  next: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export const callbackPath = (audience: Audience) => `/sign-in/oidc/${audience}/callback`;

/** Only a path on this site: "//elsewhere" and "/\elsewhere" would leave it (an open redirect). */
export function safeNextPath(next: unknown): string | null {
  return sameSitePath(next);
}

export async function startSignIn(configuration: Client.Configuration, audience: Audience, options: { publicUrl: string; next: string | null }): Promise<{ redirectTo: URL; attempt: SignInAttempt }> {
  const client = await openidClient();
  const attempt: SignInAttempt = {
    audience, state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(),
    next: options.next, expiresAt: Date.now() + ATTEMPT_MINUTES * 60_000,
  };
  const redirectTo = client.buildAuthorizationUrl(configuration, {
    redirect_uri: `${options.publicUrl}${callbackPath(audience)}`,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(attempt.codeVerifier),
    code_challenge_method: 'S256',
    state: attempt.state,
    nonce: attempt.nonce,
  });
  return { redirectTo, attempt };
}

/** The attempt, sealed for the browser's cookie: it can neither read nor change it. */
export const sealAttempt = (keyring: Keyring, attempt: SignInAttempt): string => seal(keyring, SEAL_FIELD, JSON.stringify(attempt));

/** The attempt from the cookie, or null when it is missing, altered, for the other audience or too old. */
export function openAttempt(keyring: Keyring, sealed: string | undefined, audience: Audience, now = Date.now()): SignInAttempt | null {
  if (!sealed) return null;
  let value: Partial<SignInAttempt>;
  try {
    value = JSON.parse(open(keyring, SEAL_FIELD, sealed)) as Partial<SignInAttempt>;
  } catch {
    return null;
  }
  const strings = [value.state, value.nonce, value.codeVerifier].every((s) => typeof s === 'string' && s !== '');
  if (!strings || value.audience !== audience || typeof value.expiresAt !== 'number' || value.expiresAt <= now) return null;
  return { audience, state: value.state!, nonce: value.nonce!, codeVerifier: value.codeVerifier!, next: safeNextPath(value.next), expiresAt: value.expiresAt };
}

// ---------------------------------------------------------------------------------------------
// Finishing: the code exchanged for tokens, and who the provider says the person is
// ---------------------------------------------------------------------------------------------

/** The person as the provider vouches for them. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
}

/**
 * Checks the provider's answer (state, then the code with the PKCE verifier, then the ID token's
 * signature, issuer, audience and nonce) and returns who signed in. Tokens are used here and
 * dropped: Townhall keeps its own session, not the provider's tokens.
 */
export async function finishSignIn(configuration: Client.Configuration, attempt: SignInAttempt, callbackUrl: URL): Promise<ProviderIdentity> {
  const client = await openidClient();
  try {
    const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: attempt.codeVerifier, expectedState: attempt.state, expectedNonce: attempt.nonce, idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw notConfirmed();
    let email = claims.email;
    let verified = claims.email_verified;
    // Many providers put email only in UserInfo when it was asked for by scope (OIDC Core 5.4).
    if (typeof email !== 'string' && tokens.access_token) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      email = info.email;
      verified = info.email_verified;
    }
    return {
      issuer: claims.iss, subject: claims.sub,
      email: typeof email === 'string' && email.trim() !== '' ? email.trim() : null,
      // Some providers send the string "true"; anything else is not a confirmation.
      emailVerified: verified === true || verified === 'true',
    };
  } catch (error) {
    if (error instanceof SignInRefused) throw error;
    if (error instanceof client.AuthorizationResponseError) {
      // The provider sent the person back with an error instead of a code (state already checked).
      if (error.error === 'access_denied') {
        throw new SignInRefused('cancelled', 'Signing in was cancelled or refused at the single sign-on service, so you are not signed in.', 403);
      }
      throw new SignInRefused('provider_error', 'The single sign-on service could not sign you in. Start again from the sign-in page, or sign in with your password.', 400);
    }
    if (isOutage(error)) throw unavailable();
    throw notConfirmed();
  }
}

// ---------------------------------------------------------------------------------------------
// Which Townhall account
// ---------------------------------------------------------------------------------------------

export interface SignedInAccount {
  id: number;
  role: Role;
}

type UserRow = NonNullable<Awaited<ReturnType<typeof store.findUser>>>;

const refusals = {
  no_verified_email: ['The single sign-on service did not confirm your email address, so Townhall cannot tell which account is yours. Ask your administrator for help.', 403],
  unknown_staff: ['There is no Townhall staff account for you. An administrator must create your account before you can sign in with single sign-on.', 403],
  not_staff: ['This account is not a staff account, so it cannot sign in through the council\'s single sign-on. Residents sign in from the sign-in page.', 403],
  not_resident: ['This email address belongs to a staff account. Staff sign in with the council\'s single sign-on or their password.', 403],
  account_disabled: ['This account has been disabled. Ask your administrator.', 403],
} satisfies Partial<Record<RefusalReason, [string, number]>>;

/**
 * Finds the account for a person the provider vouched for: first by the link recorded at an
 * earlier sign-in, then (first time only) by their verified email, linking it. Residents without
 * an account get one. Refusals are audited, with the reason and the provider, never tokens.
 */
export async function accountFor(db: DB, keyring: Keyring, audience: Audience, identity: ProviderIdentity, context: { address: string }): Promise<SignedInAccount> {
  const refuse = async (reason: keyof typeof refusals, user?: UserRow): Promise<never> => {
    // Only refusals after the provider vouched for someone are audited: those are bounded by
    // real sign-ins, whereas anyone could fill the trail with forged callbacks.
    await db.transaction().execute((trx) => appendAudit(trx, {
      actor: user ? `user:${user.id}` : 'anonymous', action: 'user.sign_in_failed', entityType: 'user', entityId: user ? String(user.id) : 'unknown',
      after: { method: 'oidc', audience, issuer: identity.issuer, reason, address: context.address },
    }));
    const [message, status] = refusals[reason];
    throw new SignInRefused(reason, message, status);
  };
  const allowed = (user: UserRow): boolean => isRole(user.role) && (audience === 'staff' ? isStaff(user.role) : user.role === 'resident');
  const check = async (user: UserRow): Promise<SignedInAccount> => {
    if (!allowed(user)) return refuse(audience === 'staff' ? 'not_staff' : 'not_resident', user);
    if (user.status !== 'active') return refuse('account_disabled', user);
    return { id: user.id, role: user.role as Role };
  };

  const linked = await findLinkedUser(db, identity.issuer, identity.subject);
  if (linked) return check(linked);

  // An email the provider has not verified could be anyone's: it never finds or makes an account.
  if (!identity.email || !identity.emailVerified) return refuse('no_verified_email');
  const email = identity.email;
  const emailHash = lookupHash(keyring, 'email', email);
  const existing = await store.findUserByEmailHash(db, emailHash);
  if (existing) {
    const account = await check(existing);
    // A resident account whose email was never confirmed may have been made by someone else with
    // this person's address. The provider has just proved who owns it: the owner takes the
    // account over, and the password the unconfirmed registrant chose stops working.
    const takeOver = existing.role === 'resident' && existing.email_verified_at === null;
    await db.transaction().execute(async (trx) => {
      await insertLink(trx, { issuer: identity.issuer, subject: identity.subject, userId: existing.id, at: nowIso() });
      if (takeOver) {
        await store.updateUser(trx, existing.id, { email_verified_at: nowIso(), password_hash: null, updated_at: nowIso() });
        await endAllSessions(trx, existing.id);
      }
      await appendAudit(trx, {
        actor: `user:${existing.id}`, action: 'user.identity_linked', entityType: 'user', entityId: String(existing.id),
        after: { issuer: identity.issuer, ...(takeOver ? { email_verified: true, unconfirmed_password_removed: true } : {}) },
      });
    });
    return account;
  }
  if (audience === 'staff') return refuse('unknown_staff');
  return createResident(db, keyring, identity, email, emailHash);
}

/** A resident's first sign-in through their provider: an account, no password, email already verified. */
async function createResident(db: DB, keyring: Keyring, identity: ProviderIdentity, email: string, emailHash: string): Promise<SignedInAccount> {
  const at = nowIso();
  const id = await db.transaction().execute(async (trx) => {
    const row = await store.insertUser(trx, {
      email: seal(keyring, 'users.email', email), email_hash: emailHash, role: 'resident', department_id: null, password_hash: null,
      totp_secret: null, totp_confirmed: 0, status: 'active', created_at: at, updated_at: at, email_verified_at: at,
    });
    await insertLink(trx, { issuer: identity.issuer, subject: identity.subject, userId: row.id, at });
    await appendAudit(trx, { actor: `user:${row.id}`, action: 'user.created', entityType: 'user', entityId: String(row.id), after: { role: 'resident', department: null, status: 'active', via: 'oidc', issuer: identity.issuer } });
    return row.id;
  });
  return { id, role: 'resident' };
}
