/**
 * The signed credential a licence carries: its claims as canonical JSON (RFC 8785, JCS) signed
 * as a compact JWS (RFC 7515) with Ed25519 (alg EdDSA, RFC 8037), the signing key named by its
 * kid in the header. Pure functions over node:crypto, with no database: the offline
 * `townhall verify` and the public /verify page check tokens with the same code.
 *
 * Written here rather than with a JOSE library: one algorithm, one serialisation and a JWK
 * import are some eighty lines, node:crypto does the cryptography, and the verifier accepts
 * nothing but EdDSA (no algorithm confusion to configure away).
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** What a licence credential says. Short claim names where JWT has them (iss, iat, nbf, exp). */
export interface LicenceClaims {
  /** The council: its public site address. */
  iss: string;
  /** The licence number, e.g. LIC-2026-000123. */
  sub: string;
  /** Issued at, valid from and valid until: seconds since 1970 (JWT NumericDate). */
  iat: number;
  nbf: number;
  exp: number;
  /** The council's name, the service, the holder, what is permitted and its conditions. */
  council: string;
  service: string;
  holder: string;
  permits: string;
  conditions: string[];
}

/** An Ed25519 public key as published: a JWK (OKP) with its kid. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use?: 'sig';
  alg?: 'EdDSA';
}

export interface KeySet {
  keys: PublicJwk[];
}

/**
 * RFC 8785 canonical JSON: object members sorted by their UTF-16 code units, no whitespace,
 * strings and numbers as ECMAScript serialises them (which is what the RFC specifies).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('Canonical JSON has no form for NaN or infinity.');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // Default sort compares UTF-16 code units, as RFC 8785 section 3.2.3 asks.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`Canonical JSON has no form for a ${typeof value}.`);
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The RFC 7638 thumbprint of an Ed25519 public key: its kid. */
export function thumbprint(jwk: { crv: string; kty: string; x: string }): string {
  return createHash('sha256').update(canonicalJson({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');
}

/** The public JWK of a key object (private or public), with its kid. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const exported = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }) as { kty?: string; crv?: string; x?: string };
  if (exported.kty !== 'OKP' || exported.crv !== 'Ed25519' || !exported.x) throw new Error('A licence signing key must be an Ed25519 key.');
  const jwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: exported.x };
  return { ...jwk, kid: thumbprint(jwk), use: 'sig', alg: 'EdDSA' };
}

/** Signs claims as a compact JWS: header and payload in canonical JSON. */
export function signCredential(privateKey: KeyObject, kid: string, claims: LicenceClaims): string {
  const input = `${b64(canonicalJson({ alg: 'EdDSA', kid, typ: 'JWT' }))}.${b64(canonicalJson(claims))}`;
  return `${input}.${sign(null, Buffer.from(input, 'ascii'), privateKey).toString('base64url')}`;
}

export type CheckedCredential =
  | { ok: true; kid: string; claims: LicenceClaims }
  | { ok: false; problem: 'malformed' | 'unknown_key' | 'bad_signature'; kid?: string };

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Far longer than any licence's token; anything longer is refused before any work. */
export const MAX_TOKEN_LENGTH = 8_000;

function parsePart(part: string): unknown {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  // Base64url that does not round-trip hides a second encoding of the same token.
  if (Buffer.from(text, 'utf8').toString('base64url') !== part) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    // Only canonical JSON is accepted: one credential, one byte string.
    return canonicalJson(value) === text ? value : undefined;
  } catch {
    return undefined;
  }
}

const isClaims = (value: unknown): value is LicenceClaims => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const c = value as Record<string, unknown>;
  return ['iss', 'sub', 'council', 'service', 'holder', 'permits'].every((k) => typeof c[k] === 'string')
    && ['iat', 'nbf', 'exp'].every((k) => Number.isSafeInteger(c[k]))
    && Array.isArray(c.conditions) && c.conditions.every((x) => typeof x === 'string');
};

/**
 * Checks a token's form and signature against the keys given (kid to public key). It says
 * nothing of the licence's status or dates: see `currentness` and the register's status.
 */
export function checkCredential(token: string, keys: (kid: string) => KeyObject | undefined): CheckedCredential {
  const trimmed = token.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_TOKEN_LENGTH) return { ok: false, problem: 'malformed' };
  const parts = trimmed.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return { ok: false, problem: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parsePart(headerPart) as Record<string, unknown> | undefined;
  if (!header || typeof header !== 'object' || header.alg !== 'EdDSA' || typeof header.kid !== 'string' || 'crit' in header) return { ok: false, problem: 'malformed' };
  const kid = header.kid;
  const claims = parsePart(payloadPart);
  if (!isClaims(claims)) return { ok: false, problem: 'malformed', kid };
  const key = keys(kid);
  if (!key) return { ok: false, problem: 'unknown_key', kid };
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== 64 || signature.toString('base64url') !== signaturePart) return { ok: false, problem: 'bad_signature', kid };
  const good = verify(null, Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'), key, signature);
  return good ? { ok: true, kid, claims } : { ok: false, problem: 'bad_signature', kid };
}

/** Whether signed dates make the licence current at a moment (status aside). */
export function currentness(claims: LicenceClaims, at: Date = new Date()): 'current' | 'expired' | 'not_yet_valid' {
  const seconds = Math.floor(at.getTime() / 1000);
  if (seconds >= claims.exp) return 'expired';
  if (seconds < claims.nbf) return 'not_yet_valid';
  return 'current';
}

/** Reads a published key set (JWKS): kid to public key. Keys that are not Ed25519 are refused. */
export function keysFromSet(set: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error('A key set is a JSON object with a "keys" list (a JWKS).');
  for (const jwk of list as Array<Record<string, unknown>>) {
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.kid !== 'string') continue;
    const kid = thumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
    // A kid that is not the key's own thumbprint would let one key stand in for another.
    if (kid !== jwk.kid) continue;
    keys.set(kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
  }
  return keys;
}

/** The licence number in a token, read without checking anything (for messages only). */
export const numberClaimedBy = (token: string): string | undefined => {
  const payload = token.trim().split('.')[1];
  if (!payload || !BASE64URL.test(payload)) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
};
