/**
 * One typed configuration object, read from the environment and validated at start, so a
 * mistake in a council's deployment is reported in plain words before anything listens.
 */
import { dirname, join } from 'node:path';
import { demoCity } from './demo/city.js';
import { loadOidcProviders, oidcVariables, type OidcProviders } from './identity/oidc-config.js';
import { loadMailConfig, mailVariables, type MailConfig } from './notifications/mail-config.js';
import { loadNotificationConfig, notificationVariables, type NotificationConfig } from './notifications/settings.js';
import type { OutboundPolicy } from './platform/outbound.js';

export interface Bounds {
  minLat: number;
  minLong: number;
  maxLat: number;
  maxLong: number;
}

/** Whether a point lies within the bounds (edges included): the one test of "inside the council's area". */
export const withinBounds = (bounds: Bounds, lat: number, long: number): boolean =>
  lat >= bounds.minLat && lat <= bounds.maxLat && long >= bounds.minLong && long <= bounds.maxLong;

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
  /** Most reports sent, and address searches made, from the web per client address per minute; 0 turns the limit off. */
  reportRateLimit: number;
  /** Single sign-on providers for staff and for residents (OpenID Connect); each optional. */
  oidc: OidcProviders;
  /** The mail server for emails to residents; both null: not configured, emails wait in the outbox. */
  mail: MailConfig;
  /** The development mailbox, text messages, retries and rates of the outbox. */
  notifications: NotificationConfig;
  /** How the council presents itself on every page. */
  branding: Branding;
  /** The council's English spelling (TOWNHALL_ENGLISH_SPELLING): en-GB, the base, or en-US. */
  englishSpelling: 'en-GB' | 'en-US';
  /** The map of the resident portal: tiles are the only third-party requests a page may make. */
  map: MapConfig;
  /** Where applicants' documents are kept (TOWNHALL_DOCUMENTS_DIR; default: beside the SQLite file, or data/documents). */
  documentsDir: string;
  /** What the Open311 API accepts beyond GeoReport v2, as the council chooses. */
  open311: Open311Settings;
  /** Client mode: how often the updates of cases forwarded to back offices are fetched, in seconds. */
  forwardingFetchSeconds: number;
  /**
   * Where Townhall itself sends requests (webhook receivers, client mode's back offices): public
   * https addresses only, unless TOWNHALL_ALLOW_PRIVATE_WEBHOOKS=1 (for tests and closed networks).
   */
  outbound: OutboundPolicy;
}

export interface Open311Settings {
  /**
   * The attribute code a client sends its own id for a new request in (FixMyStreet's
   * "fixmystreet_id"), used as the request's idempotency key when no Idempotency-Key header is
   * sent; null: none is read (TOWNHALL_OPEN311_EXTERNAL_ID_ATTRIBUTE).
   */
  externalIdAttribute: string | null;
  /**
   * What to do with attribute[code] values the service has no question for: "refuse" them with
   * a 400 (the default, as before), or "keep" them as extra data beside the case or update
   * (TOWNHALL_OPEN311_UNKNOWN_ATTRIBUTES).
   */
  unknownAttributes: 'refuse' | 'keep';
  /** How long a POST requests' idempotency key is remembered, in hours (TOWNHALL_OPEN311_IDEMPOTENCY_HOURS, default 24). */
  idempotencyHours: number;
}

export interface Branding {
  /** A PNG, SVG or WebP file on the server, shown in the header (served from this site). */
  logoFile: string | null;
  /** The header's background, #rrggbb; checked to give white text a contrast of at least 4.5:1. */
  colour: string | null;
  contact: { phone: string | null; email: string | null; address: string | null; hours: string | null };
}

export interface MapConfig {
  /** A Leaflet tile URL template with {z}, {x} and {y}. */
  tileUrl: string;
  attribution: string;
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
  ['TOWNHALL_ENGLISH_SPELLING', 'the council\'s English spelling: en-GB (default) or en-US'],
  ['TOWNHALL_BOUNDS', 'minLat,minLong,maxLat,maxLong: where reports are accepted (default: the demo city)'],
  ['TOWNHALL_ENCRYPTION_KEY', '32 random bytes in base64 that seal personal data (SQLite default: a key file beside the database)'],
  ['TOWNHALL_ENCRYPTION_PREVIOUS_KEYS', 'earlier keys, comma-separated, to open values sealed before a change of key'],
  ['TOWNHALL_ENCRYPTION_KEY_FILE', 'a key file instead of the variables above'],
  ['LOG_LEVEL', 'fatal, error, warn, info, debug or trace (default info)'],
  ['TOWNHALL_BODY_LIMIT', 'largest request body in bytes (default 1048576)'],
  ['TOWNHALL_API_RATE_LIMIT', 'most API writes per client address per minute, 0 for no limit (default 1200)'],
  ['TOWNHALL_SIGN_IN_RATE_LIMIT', 'most sign-in, code and reset attempts (and requests to follow a report by email) per client address per minute, 0 for no limit (default 10)'],
  ['TOWNHALL_REPORT_RATE_LIMIT', 'most reports sent and address searches made from web pages per client address per minute, 0 for no limit (default 30)'],
  ['TOWNHALL_FORWARDING_FETCH_SECONDS', 'how often the updates of cases forwarded to outside Open311 back offices are fetched, in seconds (default 300)'],
  ['TOWNHALL_ALLOW_PRIVATE_WEBHOOKS', '1 lets webhooks and client mode send to plain http and to private, loopback and other local addresses: for tests and closed networks only (default 0: public https addresses only)'],
  ['TOWNHALL_TRUST_PROXY', 'true behind a reverse proxy that sets X-Forwarded-For (default false)'],
  ['TOWNHALL_LOGO_FILE', 'a PNG, SVG or WebP logo shown in the header of every page (default: the council name alone)'],
  ['TOWNHALL_BRAND_COLOUR', 'the header colour as #rrggbb; must be dark enough for white text (default #0b0c0c)'],
  ['TOWNHALL_CONTACT_PHONE', "the council's phone number, on the home page"],
  ['TOWNHALL_CONTACT_EMAIL', "the council's contact email address, on the home page"],
  ['TOWNHALL_CONTACT_ADDRESS', "the council's postal or visiting address, on the home page"],
  ['TOWNHALL_CONTACT_HOURS', 'when the council answers, e.g. "Monday to Friday, 9am to 5pm"'],
  ['MAP_TILE_URL', 'map tiles, a template with {z}, {x} and {y} (default OpenStreetMap)'],
  ['MAP_ATTRIBUTION', 'the credit the map tiles need (default OpenStreetMap contributors)'],
  ['TOWNHALL_OPEN311_EXTERNAL_ID_ATTRIBUTE', 'an attribute code Open311 clients send their own id in (e.g. fixmystreet_id): a retried POST requests with the same id answers the first result'],
  ['TOWNHALL_OPEN311_UNKNOWN_ATTRIBUTES', 'refuse (default) or keep: what Open311 does with attribute[code] values a service has no question for'],
  ['TOWNHALL_OPEN311_IDEMPOTENCY_HOURS', 'how long a POST requests idempotency key is remembered, in hours (default 24)'],
  ['TOWNHALL_DOCUMENTS_DIR', 'where applicants\' documents are kept (default: a documents folder beside the SQLite file, or data/documents)'],
  ...oidcVariables,
  ...mailVariables,
  ...notificationVariables,
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
  const reportRateLimit = integer(value('TOWNHALL_REPORT_RATE_LIMIT') ?? '30', 'TOWNHALL_REPORT_RATE_LIMIT', 0, 1_000_000, problems);
  const forwardingFetchSeconds = integer(value('TOWNHALL_FORWARDING_FETCH_SECONDS') ?? '300', 'TOWNHALL_FORWARDING_FETCH_SECONDS', 1, 86_400, problems);
  const allowPrivateText = (value('TOWNHALL_ALLOW_PRIVATE_WEBHOOKS') ?? '0').toLowerCase();
  if (!['0', '1', 'true', 'false'].includes(allowPrivateText)) problems.push(`TOWNHALL_ALLOW_PRIVATE_WEBHOOKS must be 1 or 0; got "${allowPrivateText.slice(0, 20)}"`);
  const trustProxyText = (value('TOWNHALL_TRUST_PROXY') ?? 'false').toLowerCase();
  if (!['true', 'false'].includes(trustProxyText)) problems.push(`TOWNHALL_TRUST_PROXY must be true or false; got "${trustProxyText}"`);

  const oidc = loadOidcProviders(env, problems);
  const mail = loadMailConfig(env, problems);
  const notifications = loadNotificationConfig(env, problems);
  const branding = loadBranding(value, problems);
  const spellingText = value('TOWNHALL_ENGLISH_SPELLING') ?? 'en-GB';
  const englishSpelling = spellingText === 'en-US' ? 'en-US' : 'en-GB';
  if (spellingText !== 'en-GB' && spellingText !== 'en-US') problems.push(`TOWNHALL_ENGLISH_SPELLING must be en-GB or en-US; got "${spellingText.slice(0, 20)}"`);
  const tileUrl = value('MAP_TILE_URL') ?? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
  if (!/^https?:\/\/[^\s]+$/.test(tileUrl) || !['{z}', '{x}', '{y}'].every((p) => tileUrl.includes(p))) {
    problems.push(`MAP_TILE_URL must be an http(s) address with {z}, {x} and {y} in it; got "${tileUrl}"`);
  }

  const documentsDir = value('TOWNHALL_DOCUMENTS_DIR') ?? (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:'
    ? join(dirname(databaseUrl.slice('sqlite:'.length)), 'documents') : join('data', 'documents'));

  const externalIdAttribute = value('TOWNHALL_OPEN311_EXTERNAL_ID_ATTRIBUTE') ?? null;
  if (externalIdAttribute !== null && !/^[A-Za-z0-9._-]{1,100}$/.test(externalIdAttribute)) {
    problems.push(`TOWNHALL_OPEN311_EXTERNAL_ID_ATTRIBUTE must be an attribute code (letters, digits, dots, dashes and underscores); got "${externalIdAttribute.slice(0, 100)}"`);
  }
  const unknownAttributes = (value('TOWNHALL_OPEN311_UNKNOWN_ATTRIBUTES') ?? 'refuse').toLowerCase();
  if (unknownAttributes !== 'refuse' && unknownAttributes !== 'keep') problems.push(`TOWNHALL_OPEN311_UNKNOWN_ATTRIBUTES must be refuse or keep; got "${unknownAttributes.slice(0, 20)}"`);
  const idempotencyHours = integer(value('TOWNHALL_OPEN311_IDEMPOTENCY_HOURS') ?? '24', 'TOWNHALL_OPEN311_IDEMPOTENCY_HOURS', 1, 24 * 365, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    documentsDir,
    open311: { externalIdAttribute, unknownAttributes: unknownAttributes === 'keep' ? 'keep' : 'refuse', idempotencyHours },
    port,
    host,
    databaseUrl,
    publicUrl,
    jurisdiction: { id: jurisdictionId, name: value('TOWNHALL_JURISDICTION_NAME') ?? demoCity.name, timeZone, bounds },
    logLevel,
    bodyLimit,
    apiRateLimit,
    signInRateLimit,
    reportRateLimit,
    trustProxy: trustProxyText === 'true',
    forwardingFetchSeconds,
    outbound: { allowPrivateAddresses: allowPrivateText === '1' || allowPrivateText === 'true' },
    oidc,
    mail,
    notifications,
    branding,
    englishSpelling,
    map: { tileUrl, attribution: value('MAP_ATTRIBUTION') ?? '© OpenStreetMap contributors' },
  };
}

function loadBranding(value: (name: string) => string | undefined, problems: string[]): Branding {
  const logoFile = value('TOWNHALL_LOGO_FILE') ?? null;
  if (logoFile && !/\.(png|svg|webp)$/i.test(logoFile)) problems.push(`TOWNHALL_LOGO_FILE must be a .png, .svg or .webp file; got "${logoFile}"`);
  const colour = value('TOWNHALL_BRAND_COLOUR')?.toLowerCase() ?? null;
  if (colour !== null) {
    if (!/^#[0-9a-f]{6}$/.test(colour)) problems.push(`TOWNHALL_BRAND_COLOUR must be a colour like #1d4ed8; got "${colour}"`);
    else if (contrastWithWhite(colour) < 4.5) {
      problems.push(`TOWNHALL_BRAND_COLOUR ${colour} is too light for white text (contrast ${contrastWithWhite(colour).toFixed(1)}:1, at least 4.5:1 is needed): choose a darker colour`);
    }
  }
  return {
    logoFile,
    colour,
    contact: { phone: value('TOWNHALL_CONTACT_PHONE') ?? null, email: value('TOWNHALL_CONTACT_EMAIL') ?? null, address: value('TOWNHALL_CONTACT_ADDRESS') ?? null, hours: value('TOWNHALL_CONTACT_HOURS') ?? null },
  };
}

/** WCAG 2 contrast ratio of white text on a #rrggbb background. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
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
