/**
 * Requests Townhall itself makes to addresses an administrator typed in (webhook receivers,
 * client mode's back offices): guarded against server-side request forgery. Only https to hosts
 * that are, and resolve to, public addresses: never loopback, private, link-local, unique-local,
 * multicast, reserved or cloud-metadata addresses, in IPv4 or IPv6 (IPv4-mapped, -compatible,
 * NAT64 and 6to4 forms are read as the IPv4 address they carry; decimal, octal and hex IPv4
 * forms are read by the URL parser). The address is checked when it is saved, and again on every
 * request, on the address actually connected to (the socket's `lookup` hook): a name whose DNS
 * answer changes after it was saved is still refused. Redirects are never followed.
 *
 * Tests and closed networks that need plain http to 127.0.0.1 set
 * TOWNHALL_ALLOW_PRIVATE_WEBHOOKS=1 (config.ts), which lifts both rules.
 */
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface OutboundPolicy {
  /** Plain http and private, loopback and other non-public addresses allowed (tests, closed networks). */
  allowPrivateAddresses: boolean;
  /** How host names are resolved (default: the system's resolver); a test gives one whose answer changes. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

const systemResolve = (hostname: string) => dnsLookup(hostname, { all: true, verbatim: true });

export const publicOnly: OutboundPolicy = { allowPrivateAddresses: false };

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address (already checked by isIP). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, null];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === null || tail === '' ? [] : tail.split(':');
  const groups = tail === null ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 255]; });
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or null. */
function embeddedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zeros(0, 12) && !zeros(12, 16)) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

/** Whether an IP address is one Townhall may send to without the allowance: a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const unbracketed = address.split('%')[0]!;
  if (blocked.check(unbracketed, 'ipv6')) return false;
  const carried = embeddedIpv4(unbracketed);
  return carried === null || !blocked.check(carried, 'ipv4');
}

/** Names that are cloud metadata services or this machine, refused without asking DNS. */
const reservedNames = /^(localhost|metadata|metadata\.google\.internal|instance-data|instance-data\.ec2\.internal)$|\.(localhost|internal|local)$/;

const hostOfUrl = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();

const refusedAddress = (what: string, host: string, address: string) => `${what} ${host} ${address === host ? 'is' : `leads to ${address}, which is`} a private, local or reserved address; give a public https address.`;

/**
 * Why an address may not be sent to, in words an administrator can act on (`what` names it:
 * "The webhook address"), or null when it may. Resolves the host name, so it is async; a name
 * that does not resolve yet is accepted, since outboundRequest checks every connection anyway.
 */
export async function outboundUrlProblem(text: string, policy: OutboundPolicy, what = 'The address'): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return `${what} is not a web address; give one starting with https://.`;
  }
  if (policy.allowPrivateAddresses) return url.protocol === 'https:' || url.protocol === 'http:' ? null : `${what} must start with https:// (or http://).`;
  if (url.protocol !== 'https:') return `${what} must start with https://: events and cases are only sent encrypted.`;
  const host = hostOfUrl(url);
  if (isIP(host)) return isPublicAddress(host) ? null : refusedAddress(what, host, host);
  if (reservedNames.test(host)) return `${what} ${host} names this machine or a local network; give a public https address.`;
  let addresses: LookupAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolve)(host);
  } catch {
    // A name with no DNS answer yet (a receiver still being set up) is kept: every request checks the address it connects to.
    return null;
  }
  const bad = addresses.find((a) => !isPublicAddress(a.address));
  return bad ? refusedAddress(what, host, bad.address) : null;
}

/** A request refused because of where it would go (no connection was made). */
export class OutboundRefused extends Error {
  readonly code = 'EADDRNOTALLOWED';
}

/** The request took longer than it was given. */
export class OutboundTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/** A `lookup` for the socket that refuses every answer but public addresses: the address actually connected to. */
const publicLookup = (resolve: (hostname: string) => Promise<LookupAddress[]>) => ((hostname: string, options: LookupOneOptions | LookupAllOptions | number, callback: (...args: unknown[]) => void) => {
  const all = typeof options === 'object' && options.all === true;
  const family = typeof options === 'number' ? options : options.family;
  resolve(hostname).then((found) => {
    const addresses = family === 4 || family === 6 ? found.filter((a) => a.family === family) : found;
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad || addresses.length === 0) return callback(new OutboundRefused(refusedAddress('The address', hostname, bad?.address ?? hostname)));
    if (all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }, (error: unknown) => callback(error));
}) as unknown as LookupFunction;

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The most of the answer's body read; past it the request fails. */
  maxBodyBytes?: number;
  /** Only the status matters: the answer's body is not read (text is ''). */
  ignoreBody?: boolean;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  text: string;
}

/**
 * One request to an outside address under the policy. Fails with OutboundRefused before any
 * connection to a refused address, OutboundTimeout, or the socket's error (its `code`, e.g.
 * ECONNREFUSED). A 3xx answer is returned as it is, never followed.
 */
export function outboundRequest(text: string, init: OutboundRequest, policy: OutboundPolicy): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return reject(new OutboundRefused(`${text.slice(0, 100)} is not a web address.`));
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateAddresses)) return reject(new OutboundRefused(`${url.host} is not an https address.`));
    const host = hostOfUrl(url);
    if (!policy.allowPrivateAddresses && isIP(host) && !isPublicAddress(host)) return reject(new OutboundRefused(refusedAddress('The address', host, host)));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
    const headers: Record<string, string> = { ...init.headers };
    if (body) headers['content-length'] = String(body.length);
    const limit = init.maxBodyBytes ?? 10 * 1024 * 1024;
    const request = send(url, { method: init.method, headers, agent: false, ...(policy.allowPrivateAddresses ? {} : { lookup: publicLookup(policy.resolve ?? systemResolve) }) }, (response: IncomingMessage) => {
      if (init.ignoreBody) {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', text: '' });
        request.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) request.destroy(new Error(`The answer from ${url.host} was larger than ${limit} bytes.`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => { clearTimeout(timer); reject(error); });
    });
    const timer = setTimeout(() => request.destroy(new OutboundTimeout(`${url.host} did not answer within ${init.timeoutMs} ms.`)), init.timeoutMs);
    request.on('error', (error) => { clearTimeout(timer); reject(error); });
    request.end(body);
  });
}
