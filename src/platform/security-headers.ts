/**
 * Security headers on every response: no framing, no MIME sniffing, no inline script, no
 * referrer leaking a case's address to other sites, HSTS when served over https. The only
 * third party a page may load from is the map tile server, for images only.
 */
import type { FastifyInstance } from 'fastify';

/**
 * The origin of a tile URL template, for img-src: "https://tile.example.org/{z}/{x}/{y}.png" gives
 * "https://tile.example.org"; a {s} subdomain ("https://{s}.tile.example.org/...") gives a
 * wildcard for that one label. Null when the template is not an http(s) address.
 */
export function tileOrigin(tileUrl: string): string | null {
  try {
    const url = new URL(tileUrl.replace(/\{s\}/g, 'tile-subdomain').replace(/\{[a-z]+\}/gi, '0'));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin.replace('tile-subdomain', '*');
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(tileUrl?: string): string {
  const tiles = tileUrl ? tileOrigin(tileUrl) : null;
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", `img-src 'self' data:${tiles ? ` ${tiles}` : ''}`, "connect-src 'self'",
    "worker-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

export function addSecurityHeaders(app: FastifyInstance, options: { https: boolean; tileUrl?: string }): void {
  const policy = contentSecurityPolicy(options.tileUrl);
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    ...(options.https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
  // A callback hook, not an async one: it runs on every response, so it stays as cheap as it can.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(headers);
    // A route that sets a stricter policy of its own (the email preview) keeps it.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', policy);
    done(null, payload);
  });
}
