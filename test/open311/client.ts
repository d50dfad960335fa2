/**
 * A small Open311 GeoReport v2 client for the conformance tests: form posting with the
 * spec's attribute[code] / attribute[code][] encoding, JSON and XML getters, and the checks
 * every response gets (content type, the literal XML declaration, the XSD, the error list).
 */
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { checkAgainstSchema } from '../xml-schema.js';

export type Format = 'json' | 'xml';
export const formats: Format[] = ['json', 'xml'];

/** "the root element must be preceded with the XML declaration including the encoding="UTF-8" attribute" */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
/** W3C-DTF with a mandatory zone: "Timezone information (either Z meaning UTC, or an HH:MM offset from UTC) must be included." */
export const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const xsd = new URL('./georeport-v2.xsd', import.meta.url);

export interface HttpResult {
  status: number;
  contentType: string;
  text: string;
}

async function exchange(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

export const get = (url: string): Promise<HttpResult> => exchange(url);

export const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

export function post(url: string, body: string | Uint8Array, contentType: string = FORM): Promise<HttpResult> {
  return exchange(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) });
}

// ---------------------------------------------------------------------------------------------
// Form encoding

export type FieldValue = string | number | readonly string[] | undefined;
export type Fields = Record<string, FieldValue>;
export type Attributes = Record<string, string | readonly string[]>;

/** application/x-www-form-urlencoded the way the spec's example writes it: spaces as '+', brackets left as they are. */
function encodePart(text: string, keepBrackets: boolean): string {
  let encoded = encodeURIComponent(text).replace(/%20/g, '+');
  if (keepBrackets) encoded = encoded.replace(/%5B/gi, '[').replace(/%5D/gi, ']');
  return encoded;
}

/**
 * Fields as name=value; attributes as attribute[code]=value, or attribute[code][]=v1&attribute[code][]=v2
 * for an array (a multivaluelist), as the POST Service Request table describes.
 */
export function encodeForm(fields: Fields, attributes: Attributes = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' || typeof value === 'number' ? [String(value)] : value;
    for (const v of values) parts.push(`${encodePart(name, false)}=${encodePart(v, false)}`);
  }
  for (const [code, value] of Object.entries(attributes)) {
    if (typeof value === 'string') parts.push(`${encodePart(`attribute[${code}]`, true)}=${encodePart(value, false)}`);
    else for (const v of value) parts.push(`${encodePart(`attribute[${code}][]`, true)}=${encodePart(v, false)}`);
  }
  return parts.join('&');
}

// ---------------------------------------------------------------------------------------------
// Narrowing unknown values

export type Rec = Record<string, unknown>;

export function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown, what = 'value'): Rec {
  assert.ok(isRecord(value), `${what} should be an object, got ${JSON.stringify(value)?.slice(0, 200)}`);
  return value;
}

export function asArray(value: unknown, what = 'value'): unknown[] {
  assert.ok(Array.isArray(value), `${what} should be an array, got ${JSON.stringify(value)?.slice(0, 200)}`);
  return value;
}

export function asRecords(value: unknown, what = 'value'): Rec[] {
  return asArray(value, what).map((item, index) => asRecord(item, `${what}[${index}]`));
}

export function str(record: Rec, key: string): string {
  const value = record[key];
  assert.equal(typeof value, 'string', `${key} should be a string, got ${JSON.stringify(value)}`);
  return value as string;
}

// ---------------------------------------------------------------------------------------------
// XML

/** Elements that repeat inside a container: the Spark convention turns each into an array. */
const repeated = new Set([
  'services.service',
  'service_definition.attributes.attribute',
  'service_definition.attributes.attribute.values.value',
  'service_requests.request',
  'errors.error',
  'discovery.endpoints.endpoint',
  'discovery.endpoints.endpoint.formats.format',
  'service_request_updates.request_update',
]);

const parser = new XMLParser({
  ignoreDeclaration: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (_name, jPath) => typeof jPath === 'string' && repeated.has(jPath),
});

export function parseXml(text: string): Rec {
  return asRecord(parser.parse(text), 'parsed XML');
}

/** The children of a container element such as <services>: an empty element gives []. */
export function xmlItems(doc: Rec, root: string, item: string): Rec[] {
  assert.ok(root in doc, `the root element should be <${root}>, got <${Object.keys(doc).join('>, <')}>`);
  const container = doc[root];
  if (container === '') return [];
  return asRecords(asRecord(container, `<${root}>`)[item] ?? [], `<${root}><${item}>`);
}

export async function assertSchemaValid(text: string): Promise<void> {
  const result = await checkAgainstSchema(text, xsd);
  assert.ok(result.valid, `XML does not match georeport-v2.xsd:\n${result.errors.join('\n')}\n---\n${text.slice(0, 2000)}`);
}

/** Every XML answer: text/xml in UTF-8, the literal declaration first, valid against the XSD. */
export async function assertXml(result: HttpResult): Promise<Rec> {
  assert.match(result.contentType, /^text\/xml\s*;\s*charset=utf-8$/i, 'XML is served as text/xml; charset=utf-8');
  assert.ok(result.text.startsWith(XML_DECLARATION), `XML starts with ${XML_DECLARATION}, got ${JSON.stringify(result.text.slice(0, 60))}`);
  await assertSchemaValid(result.text);
  return parseXml(result.text);
}

/** Every JSON answer: application/json in UTF-8, and parseable. */
export function assertJson(result: HttpResult): unknown {
  assert.match(result.contentType, /^application\/json\s*;\s*charset=utf-8$/i, 'JSON is served as application/json; charset=utf-8');
  try {
    return JSON.parse(result.text) as unknown;
  } catch {
    assert.fail(`the body is not JSON: ${result.text.slice(0, 300)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface Open311Error {
  code: number;
  description: string;
}

/**
 * The spec's error answer: the HTTP status, and a list of {code, description}
 * (JSON array, or <errors><error> in XML). Returns the errors for further checks.
 */
export async function assertErrors(result: HttpResult, format: Format, status: number | number[], context = ''): Promise<Open311Error[]> {
  const allowed = Array.isArray(status) ? status : [status];
  assert.ok(allowed.includes(result.status), `${context} expected HTTP ${allowed.join(' or ')}, got ${result.status}: ${result.text.slice(0, 300)}`);
  let errors: Rec[];
  if (format === 'json') {
    errors = asRecords(assertJson(result), 'error list');
  } else {
    errors = xmlItems(await assertXml(result), 'errors', 'error');
  }
  assert.ok(errors.length > 0, `${context} the error list is empty`);
  return errors.map((error) => {
    const code = format === 'json' ? error.code : Number(error.code);
    assert.ok(typeof code === 'number' && Number.isInteger(code), `${context} error code should be an integer, got ${JSON.stringify(error.code)}`);
    const description = str(error, 'description');
    assert.ok(description.trim().length > 0, `${context} error description is empty`);
    return { code, description };
  });
}

/** No crash for bad input: the server answers 4xx with an error list, never a 5xx. */
export async function assertClientError(result: HttpResult, format: Format, context: string): Promise<void> {
  assert.ok(result.status < 500, `${context}: got HTTP ${result.status} (a server error for bad input): ${result.text.slice(0, 300)}`);
  if (result.status >= 400) await assertErrors(result, format, result.status, context);
}

// ---------------------------------------------------------------------------------------------
// The API

export interface PostOptions {
  apiKey?: string | null;
  format?: Format;
}

export interface Created {
  result: HttpResult;
  /** The single <request> of a POST answer, normalised to strings. */
  request: Rec;
  serviceRequestId: string | undefined;
  token: string | undefined;
}

export class Open311 {
  readonly v2: string;

  constructor(readonly baseUrl: string, readonly apiKey: string) {
    this.v2 = `${baseUrl}/open311/v2`;
  }

  url(path: string, query: Record<string, string> = {}): string {
    const search = new URLSearchParams(query).toString();
    return `${this.v2}/${path}${search ? `?${search}` : ''}`;
  }

  get(path: string, query: Record<string, string> = {}): Promise<HttpResult> {
    return get(this.url(path, query));
  }

  async json(path: string, query: Record<string, string> = {}): Promise<unknown> {
    const result = await this.get(path, query);
    assert.equal(result.status, 200, `GET ${path} ${JSON.stringify(query)}: ${result.text.slice(0, 300)}`);
    return assertJson(result);
  }

  async xml(path: string, query: Record<string, string> = {}): Promise<Rec> {
    const result = await this.get(path, query);
    assert.equal(result.status, 200, `GET ${path} ${JSON.stringify(query)}: ${result.text.slice(0, 300)}`);
    return assertXml(result);
  }

  /** GET requests.json with the given filters, as records. */
  async requests(query: Record<string, string> = {}): Promise<Rec[]> {
    return asRecords(await this.json('requests.json', query), 'requests.json');
  }

  async requestsXml(query: Record<string, string> = {}): Promise<Rec[]> {
    return xmlItems(await this.xml('requests.xml', query), 'service_requests', 'request');
  }

  /** POSTs a form to requests.{format}, adding api_key unless options.apiKey is null. */
  postRaw(fields: Fields, attributes: Attributes = {}, options: PostOptions = {}): Promise<HttpResult> {
    const format = options.format ?? 'json';
    const apiKey = options.apiKey === undefined ? this.apiKey : options.apiKey;
    const body = encodeForm(apiKey === null ? fields : { api_key: apiKey, ...fields }, attributes);
    return post(`${this.v2}/requests.${format}`, body);
  }

  /** POSTs a request that must succeed; returns the created request's id and token. */
  async create(fields: Fields, attributes: Attributes = {}, options: PostOptions = {}): Promise<Created> {
    const format = options.format ?? 'json';
    const result = await this.postRaw(fields, attributes, options);
    assert.ok(result.status === 200 || result.status === 201, `POST requests.${format} should succeed, got ${result.status}: ${result.text.slice(0, 500)}`);
    let items: Rec[];
    if (format === 'json') items = asRecords(assertJson(result), 'POST response');
    else items = xmlItems(await assertXml(result), 'service_requests', 'request');
    assert.equal(items.length, 1, 'a POST answers a list holding one request');
    const request = items[0] as Rec;
    const id = request.service_request_id;
    const token = request.token;
    if (format === 'json') {
      if (id !== undefined && id !== null) assert.equal(typeof id, 'string', 'service_request_id is a JSON string');
      if (token !== undefined && token !== null) assert.equal(typeof token, 'string', 'token is a JSON string');
    }
    return {
      result,
      request,
      serviceRequestId: typeof id === 'string' && id !== '' ? id : undefined,
      token: typeof token === 'string' && token !== '' ? token : undefined,
    };
  }

  /** POSTs a form to servicerequestupdates.{format}, adding api_key unless options.apiKey is null. */
  postUpdate(fields: Fields, options: PostOptions = {}): Promise<HttpResult> {
    const format = options.format ?? 'json';
    const apiKey = options.apiKey === undefined ? this.apiKey : options.apiKey;
    const body = encodeForm(apiKey === null ? fields : { api_key: apiKey, ...fields });
    return post(`${this.v2}/servicerequestupdates.${format}`, body);
  }
}

// ---------------------------------------------------------------------------------------------
// Time

/** An instant written in W3C-DTF at a given offset from UTC, e.g. +05:30 or -08:00. */
export function w3cAt(date: Date, offsetMinutes = 0): string {
  if (offsetMinutes === 0) return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export const minutesFromNow = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);
export const daysFromNow = (days: number): Date => new Date(Date.now() + days * 86_400_000);

/** A string unlikely to appear anywhere by chance, to look for in responses. */
export function marker(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

// ---------------------------------------------------------------------------------------------
// Comparing JSON and XML answers

/**
 * "JSON support is based on a programmatic mapping of the XML format using the Spark
 * Convention": the same data in both. This writes a JSON value the way XML carries it (all
 * text; null as an empty element) so a JSON answer can be compared with the parsed XML one.
 */
export function sparkStrings(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(sparkStrings);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sparkStrings(v)]));
  return String(value);
}

/** Parsed XML with its containers (e.g. <attributes><attribute>…) turned into arrays, as Spark does. */
export function unwrapContainers(value: unknown, containers: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => unwrapContainers(v, containers));
  if (!isRecord(value)) return value;
  const out: Rec = {};
  for (const [key, child] of Object.entries(value)) {
    const item = containers[key];
    if (item === undefined) out[key] = unwrapContainers(child, containers);
    else out[key] = child === '' ? [] : asArray(asRecord(child, `<${key}>`)[item] ?? [], `<${key}><${item}>`).map((x) => unwrapContainers(x, containers));
  }
  return out;
}
