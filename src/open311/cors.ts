/**
 * CORS for the Open311 API's public reads, so a browser app on another site can show a council's
 * services and requests: Access-Control-Allow-Origin: * on GET and HEAD answers (errors too, so
 * the app can read why), and a preflight OPTIONS that allows GET and HEAD only. Writes get no CORS
 * header at all: a page on another site cannot read their answers, and credentials are never
 * allowed (no Access-Control-Allow-Credentials), so no one's cookies ride along.
 */
import type { FastifyInstance } from 'fastify';
import { publicAccess } from '../identity/access.js';

const READS = new Set(['GET', 'HEAD']);
/** Headers a browser app may send on a read (beyond the CORS-safelisted ones). */
const ALLOWED_HEADERS = 'Accept, Accept-Language, Content-Language, If-None-Match, If-Modified-Since';
const PREFLIGHT_MAX_AGE = '86400';

export function allowBrowserReads(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (READS.has(request.method)) reply.header('access-control-allow-origin', '*');
    done(null, payload);
  });
  app.options('/*', {
    config: { access: publicAccess },
    schema: { tags: ['Open311 GeoReport v2'], summary: 'CORS preflight for the public reads: allows GET and HEAD from any origin, never a write' },
  }, async (request, reply) => {
    const asked = String(request.headers['access-control-request-method'] ?? '').toUpperCase();
    reply.header('allow', 'GET, HEAD, OPTIONS');
    // A preflight for a write is answered without CORS headers: the browser then does not send it.
    if (asked !== '' && !READS.has(asked)) return reply.code(204).send();
    return reply.code(204)
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', PREFLIGHT_MAX_AGE)
      .send();
  });
}
