/**
 * Compression of dynamic responses (pages, JSON, GeoJSON, XML): a page of reports is mostly
 * repeated markup, and a phone on a slow network pays for every byte. Static assets are
 * compressed once at start (web/routes.tsx); everything else that is text and not already
 * encoded is compressed here, with brotli when the browser takes it, else gzip.
 *
 * Synchronously, on purpose: handlers call reply.send() without returning the reply (a common
 * pattern here), and Fastify then sends an empty answer of its own if the response is not
 * written by the time the handler's promise settles. Brotli at quality 4 takes about a
 * millisecond for a 100 KB page, gzip a little more.
 */
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Smaller answers are sent as they are: the headers would cost more than the saving. */
export const MIN_COMPRESS_BYTES = 1024;

const compressibleType = /^(?:text\/|application\/(?:json|geo\+json|xml|javascript|[\w.-]+\+(?:json|xml))\b|image\/svg\+xml)/i;

/** The encodings the client accepts (q=0 means "not this one"). */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const codings = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && (q === undefined || Number(q) > 0)) codings.add(name.trim());
  }
  return codings;
}

/** Adds a name to the response's Vary header once. */
function addVary(current: unknown, name: string): string {
  // Most answers have no Vary yet: nothing to split.
  if (current === undefined || current === '') return name;
  const names = String(current ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  return names.some((v) => v.toLowerCase() === name.toLowerCase() || v === '*') ? names.join(', ') : [...names, name].join(', ');
}

export function compressResponses(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    done(null, compressed(request.headers['accept-encoding'], reply, payload));
  });
}

function compressed(acceptEncoding: string | undefined, reply: FastifyReply, payload: unknown): unknown {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
  if (reply.hasHeader('content-encoding') || reply.statusCode === 204 || reply.statusCode === 304) return payload;
  if (!compressibleType.test(String(reply.getHeader('content-type') ?? ''))) return payload;
  // Whatever the size, a cache must keep the encodings apart.
  reply.header('vary', addVary(reply.getHeader('vary'), 'Accept-Encoding'));
  // Most API answers are small: their size is counted, not copied into a buffer first.
  if ((typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length) < MIN_COMPRESS_BYTES) return payload;
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const codings = acceptedEncodings(acceptEncoding);
  const encoding = codings.has('br') ? 'br' : codings.has('gzip') || codings.has('x-gzip') ? 'gzip' : null;
  if (!encoding) return payload;
  const smaller = encoding === 'br'
    ? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 4, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } })
    : gzipSync(body);
  reply.header('content-encoding', encoding);
  reply.header('content-length', smaller.length);
  // A strong validator names one exact body: the compressed one is another.
  const etag = reply.getHeader('etag');
  if (typeof etag === 'string' && !etag.startsWith('W/')) reply.header('etag', `W/${etag}`);
  return smaller;
}
