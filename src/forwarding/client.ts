/**
 * A small Open311 GeoReport v2 client, as FixMyStreet talks to a council's back office: POST
 * requests, GET tokens/{token}, GET requests.json for a list of ids, GET requests/{id} and
 * FixMyStreet's GET servicerequestupdates.
 * JSON only. Error texts name the back office's host and what it answered, never the API key
 * (they are kept in the outbox and shown to staff).
 */
import { outboundRequest, OutboundRefused, type OutboundPolicy, type OutboundResponse } from '../platform/outbound.js';

export interface BackOfficeAddress {
  /** The GeoReport v2 base, e.g. https://backoffice.example/open311/v2 (no trailing slash). */
  endpointUrl: string;
  jurisdictionId: string | null;
  apiKey: string | null;
  /** Whether a private address or plain http may be called (TOWNHALL_ALLOW_PRIVATE_WEBHOOKS); checked on every call. */
  outbound: OutboundPolicy;
}

/** A back office that answered, but not with what was asked (its status is kept for the caller). */
export class BackOfficeError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

/** The longest a call to a back office may take (the sender holds its claim for longer than this). */
export const TIMEOUT_MS = 20_000;

const hostOf = (endpointUrl: string) => {
  try {
    return new URL(endpointUrl).host;
  } catch {
    return 'the back office';
  }
};

/** The first error descriptions of a GeoReport v2 error list, when the body is one. */
function errorWords(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (Array.isArray(parsed)) {
      const words = parsed.map((e) => (e && typeof e === 'object' && typeof (e as { description?: unknown }).description === 'string' ? (e as { description: string }).description : null)).filter((w): w is string => w !== null);
      if (words.length > 0) return words.slice(0, 3).join(' ').slice(0, 300);
    }
  } catch {
    // Not JSON: the first words of the text.
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

async function call(address: BackOfficeAddress, method: 'GET' | 'POST', path: string, params: URLSearchParams, headers: Record<string, string> = {}): Promise<unknown> {
  const host = hostOf(address.endpointUrl);
  if (address.jurisdictionId) params.set('jurisdiction_id', address.jurisdictionId);
  // The key goes with writes and with the updates feed, as FixMyStreet sends it; plain reads are public.
  if (address.apiKey && (method === 'POST' || path.startsWith('servicerequestupdates'))) params.set('api_key', address.apiKey);
  const url = `${address.endpointUrl}/${path}`;
  let response: OutboundResponse;
  try {
    const request = method === 'GET'
      ? { method, headers: { accept: 'application/json', ...headers }, timeoutMs: TIMEOUT_MS }
      : { method, body: params.toString(), headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', ...headers }, timeoutMs: TIMEOUT_MS };
    response = await outboundRequest(method === 'GET' ? `${url}?${params.toString()}` : url, request, address.outbound);
  } catch (error) {
    if (error instanceof OutboundRefused) throw new BackOfficeError(`Not sent to ${host}: ${error.message}`, null);
    const cause = (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'error');
    throw new BackOfficeError(`${host} could not be reached (${cause}).`, null);
  }
  const text = response.text;
  if (response.status < 200 || response.status > 299) throw new BackOfficeError(`${host} answered ${method} ${path} with ${response.status}: ${errorWords(text) || response.statusText}`, response.status);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BackOfficeError(`${host} answered ${method} ${path} with something that is not JSON.`, response.status);
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null);
const firstRecord = (body: unknown): Record<string, unknown> | null => {
  const first = Array.isArray(body) ? body[0] : body;
  return first && typeof first === 'object' ? first as Record<string, unknown> : null;
};

export interface NewRemoteRequest {
  serviceCode: string;
  description: string | null;
  lat: number | null;
  long: number | null;
  addressString: string | null;
  zipcode: string | null;
  mediaUrl: string | null;
}

/**
 * POST requests.json. Answers the back office's service_request_id, or its token when it gives
 * only that (its id is asked for later). `idempotencyKey` is sent as the Idempotency-Key header,
 * so a back office that honours it takes a resend as the first request.
 */
export async function postRequest(address: BackOfficeAddress, request: NewRemoteRequest, idempotencyKey: string): Promise<{ id: string | null; token: string | null }> {
  const params = new URLSearchParams({ service_code: request.serviceCode });
  if (request.description) params.set('description', request.description);
  if (request.lat !== null && request.long !== null) {
    params.set('lat', String(request.lat));
    params.set('long', String(request.long));
  }
  if (request.addressString) params.set('address_string', request.addressString);
  if (request.zipcode) params.set('zipcode', request.zipcode);
  if (request.mediaUrl) params.set('media_url', request.mediaUrl);
  const body = firstRecord(await call(address, 'POST', 'requests.json', params, { 'idempotency-key': idempotencyKey }));
  const id = text(body?.service_request_id);
  const token = text(body?.token);
  if (!id && !token) throw new BackOfficeError(`${hostOf(address.endpointUrl)} took the request but answered neither a service_request_id nor a token.`, null);
  return { id, token };
}

/** GET tokens/{token}.json: the service_request_id, or null while the back office has none yet. */
export async function requestIdOfToken(address: BackOfficeAddress, token: string): Promise<string | null> {
  return text(firstRecord(await call(address, 'GET', `tokens/${encodeURIComponent(token)}.json`, new URLSearchParams()))?.service_request_id);
}

export interface RemoteRequest {
  id: string;
  status: string;
  statusNotes: string | null;
  updatedAt: string | null;
}

/** GET requests/{id}.json. */
export async function getRequest(address: BackOfficeAddress, id: string): Promise<RemoteRequest> {
  return readRecord(firstRecord(await call(address, 'GET', `requests/${encodeURIComponent(id)}.json`, new URLSearchParams())), id, hostOf(address.endpointUrl));
}

const readRecord = (record: Record<string, unknown> | null, id: string, host: string): RemoteRequest => {
  const status = text(record?.status);
  if (!record || !status) throw new BackOfficeError(`${host} answered request ${id} without its status.`, null);
  return { id, status, statusNotes: text(record.status_notes), updatedAt: text(record.updated_datetime) };
};

/**
 * GET requests.json?service_request_id=a,b,c: several requests in one call, as GeoReport v2
 * defines it (the list overrides every other filter). Answers the records by id (ids the back
 * office did not list are absent), or null when the back office does not take such a list: it
 * refused the call (400, 404, 501), or answered with requests that were not asked for (it
 * ignored the filter).
 */
export async function getRequests(address: BackOfficeAddress, ids: readonly string[]): Promise<Map<string, RemoteRequest> | null> {
  const host = hostOf(address.endpointUrl);
  let body: unknown;
  try {
    body = await call(address, 'GET', 'requests.json', new URLSearchParams({ service_request_id: ids.join(',') }));
  } catch (error) {
    if (error instanceof BackOfficeError && (error.status === 400 || error.status === 404 || error.status === 501)) return null;
    throw error;
  }
  if (!Array.isArray(body)) throw new BackOfficeError(`${host} answered GET requests.json with something other than a list.`, null);
  const asked = new Set(ids);
  const found = new Map<string, RemoteRequest>();
  for (const item of body as unknown[]) {
    const record = item && typeof item === 'object' ? item as Record<string, unknown> : null;
    const id = text(record?.service_request_id);
    if (!id) continue;
    if (!asked.has(id)) return null;
    found.set(id, readRecord(record, id, host));
  }
  return found;
}

export interface RemoteUpdate {
  updateId: string;
  requestId: string;
  status: string;
  updatedAt: string;
  description: string | null;
  mediaUrl: string | null;
}

/** GET servicerequestupdates.json (FixMyStreet's extension) between two instants. */
export async function getUpdates(address: BackOfficeAddress, from: string, to: string): Promise<RemoteUpdate[]> {
  const body = await call(address, 'GET', 'servicerequestupdates.json', new URLSearchParams({ start_date: from, end_date: to }));
  if (!Array.isArray(body)) throw new BackOfficeError(`${hostOf(address.endpointUrl)} answered servicerequestupdates with something other than a list.`, null);
  const updates: RemoteUpdate[] = [];
  for (const item of body as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const u = item as Record<string, unknown>;
    const updateId = text(u.update_id);
    const requestId = text(u.service_request_id);
    const status = text(u.status);
    const updatedAt = text(u.updated_datetime);
    if (!updateId || !requestId || !status || !updatedAt) continue;
    updates.push({ updateId, requestId, status, updatedAt, description: text(u.description), mediaUrl: text(u.media_url) });
  }
  return updates;
}
