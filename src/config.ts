/**
 * One typed configuration object, read from the environment and validated at start, so a
 * mistake in a council's deployment is reported in plain words before anything listens.
 */
import { demoCity } from './demo/city.js';
import { loadOidcProviders, oidcVariables, type OidcProviders } from './identity/oidc.js';
import { loadMailConfig, mailVariables, type MailConfig } from './notifications/mailer.js';

export interface Bounds {
  minLat: number;
  minLong: number;
  maxLat: number;
  maxLong: number;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  publicUrl: string;
  jurisdiction: { id: string; name: string; timeZone: string; bounds: Bounds };
  logLevel: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Most API writes (POSTs) per client address per minute; 0 turns the limit off. */
  apiRateLimit: number;
  /** Believe X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** Most sign-in, code and reset attempts per client address per minute; 0 turns the limit off. */
  signInRateLimit: number;
  /** Single sign-on providers for staff and for residents (OpenID Connect); each optional. */
  oidc: OidcProviders;
  /** The mail server for emails to residents; both null: not configured, emails wait in the outbox. */
  mail: MailConfig;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Townhall cannot start because its configuration is wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The variables Townhall reads, with their meaning: used by --help and the README. */
export const configVariables: Array<[name: string, meaning: string]> = [
  ['PORT', 'TCP port to listen on (default 3000)'],
  ['HOST', 'address to listen on (default 0.0.0.0)'],
  ['DATABASE_URL', 'sqlite:<path> (default sqlite:data/townhall.db) or postgres://user:pass@host/db'],
  ['PUBLIC_URL', 'the address residents and API clients use (default http://localhost:PORT)'],
  ['TOWNHALL_JURISDICTION_ID', `the jurisdiction id used by Open311 (default ${demoCity.id})`],
  ['TOWNHALL_JURISDICTION_NAME', `the council's name (default ${demoCity.name})`],
  ['TOWNHALL_TIME_ZONE', `the jurisdiction's IANA time zone (default ${demoCity.timeZone})`],
  ['TOWNHALL_BOUNDS', 'minLat,minLong,maxLat,maxLong: where reports are accepted (default: the demo city)'],
  ['TOWNHALL_ENCRYPTION_KEY', '32 random bytes in base64 that seal personal data (SQLite default: a key file beside the database)'],
  ['TOWNHALL_ENCRYPTION_PREVIOUS_KEYS', 'earlier keys, comma-separated, to open values sealed before a change of key'],
  ['TOWNHALL_ENCRYPTION_KEY_FILE', 'a key file instead of the variables above'],
  ['LOG_LEVEL', 'fatal, error, warn, info, debug or trace (default info)'],
  ['TOWNHALL_BODY_LIMIT', 'largest request body in bytes (default 1048576)'],
  ['TOWNHALL_API_RATE_LIMIT', 'most API writes per client address per minute, 0 for no limit (default 1200)'],
  ['TOWNHALL_SIGN_IN_RATE_LIMIT', 'most sign-in, code and reset attempts per client address per minute, 0 for no limit (default 10)'],
  ['TOWNHALL_TRUST_PROXY', 'true behind a reverse proxy that sets X-Forwarded-For (default false)'],
  ...oidcVariables,
  ...mailVariables,
];

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };

  const port = integer(value('PORT') ?? '3000', 'PORT', 0, 65535, problems);
  const host = value('HOST') ?? '0.0.0.0';
  const databaseUrl = value('DATABASE_URL') ?? 'sqlite:data/townhall.db';
  if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with "sqlite:" followed by a file path, or "postgres://"; got "${databaseUrl}"`);
  }
  const publicUrl = (value('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) problems.push(`PUBLIC_URL must be an http:// or https:// address; got "${publicUrl}"`);

  const timeZone = value('TOWNHALL_TIME_ZONE') ?? demoCity.timeZone;
  if (!isTimeZone(timeZone)) problems.push(`TOWNHALL_TIME_ZONE must be an IANA time zone such as Europe/London; got "${timeZone}"`);
  const jurisdictionId = value('TOWNHALL_JURISDICTION_ID') ?? demoCity.id;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(jurisdictionId)) {
    problems.push(`TOWNHALL_JURISDICTION_ID may contain only letters, digits, dots, dashes and underscores; got "${jurisdictionId}"`);
  }
  const bounds = parseBounds(value('TOWNHALL_BOUNDS'), problems) ?? demoCity.bounds;
  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const bodyLimit = integer(value('TOWNHALL_BODY_LIMIT') ?? '1048576', 'TOWNHALL_BODY_LIMIT', 1024, 100 * 1024 * 1024, problems);

  const apiRateLimit = integer(value('TOWNHALL_API_RATE_LIMIT') ?? '1200', 'TOWNHALL_API_RATE_LIMIT', 0, 1_000_000_000, problems);
  const signInRateLimit = integer(value('TOWNHALL_SIGN_IN_RATE_LIMIT') ?? '10', 'TOWNHALL_SIGN_IN_RATE_LIMIT', 0, 1_000_000, problems);
  const trustProxyText = (value('TOWNHALL_TRUST_PROXY') ?? 'false').toLowerCase();
  if (!['true', 'false'].includes(trustProxyText)) problems.push(`TOWNHALL_TRUST_PROXY must be true or false; got "${trustProxyText}"`);

  const oidc = loadOidcProviders(env, problems);
  const mail = loadMailConfig(env, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    databaseUrl,
    publicUrl,
    jurisdiction: { id: jurisdictionId, name: value('TOWNHALL_JURISDICTION_NAME') ?? demoCity.name, timeZone, bounds },
    logLevel,
    bodyLimit,
    apiRateLimit,
    signInRateLimit,
    trustProxy: trustProxyText === 'true',
    oidc,
    mail,
  };
}

function integer(text: string, name: string, min: number, max: number, problems: string[]): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}; got "${text}"`);
    return min;
  }
  return n;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseBounds(text: string | undefined, problems: string[]): Bounds | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((p) => Number(p.trim()));
  const [minLat, minLong, maxLat, maxLong] = parts;
  if (
    parts.length !== 4 || parts.some((p) => !Number.isFinite(p)) ||
    minLat === undefined || minLong === undefined || maxLat === undefined || maxLong === undefined ||
    minLat >= maxLat || minLong >= maxLong || minLat < -90 || maxLat > 90 || minLong < -180 || maxLong > 180
  ) {
    problems.push(`TOWNHALL_BOUNDS must be "minLat,minLong,maxLat,maxLong" in degrees, south-west corner first; got "${text}"`);
    return undefined;
  }
  return { minLat, minLong, maxLat, maxLong };
}
