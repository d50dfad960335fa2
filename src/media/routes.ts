/**
 * Photos by address, /media/<id>. A case's photos are public, like the case. A photo of a report
 * still being written is shown only to the browser writing it (the one holding the draft's
 * cookie, and signed in as the draft's owner when it has one); anyone else gets "not found", so a photo's existence is not revealed either.
 */
import type { FastifyInstance } from 'fastify';
import { publicAccess } from '../identity/access.js';
import { cookieName, readCookie } from '../platform/cookies.js';
import { sha256Hex } from '../platform/crypto.js';
import type { RouteDeps } from '../platform/deps.js';
import { notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';
import { signedInUser } from '../reporting/drafts.js';
import { findPhoto } from './photos.js';

const YEAR = 31_536_000;

export async function mediaRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { db, config } = deps;
  app.get('/media/:id', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const missing = () => notFound('There is no photo at this address. It may have been removed.');
    const photo = await findPhoto(db, config.jurisdiction.id, id);
    if (!photo) throw missing();
    if (photo.case_id === null) {
      const token = readCookie(request, cookieName('townhall_report', request.server.site.secure));
      if (!token || photo.draft_id === null || sha256Hex(token) !== photo.draft_id) throw missing();
      // The same owner check as the draft itself (loadDraft): a draft started while signed in is
      // that account's, so after sign-out its photos are not shown to the next person here.
      const draft = await db.selectFrom('report_drafts').select(['user_id', 'expires_at'])
        .where('id', '=', photo.draft_id).where('jurisdiction_id', '=', config.jurisdiction.id).executeTakeFirst();
      if (!draft || draft.expires_at <= nowIso() || (draft.user_id !== null && draft.user_id !== signedInUser(request))) throw missing();
    }
    // A photo's bytes never change under its id, so the id is a strong validator.
    const etag = `"${photo.id}"`;
    reply.header('etag', etag)
      .header('cache-control', photo.case_id === null ? 'private, no-store' : `public, max-age=${YEAR}, immutable`)
      .header('content-type', photo.content_type);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const bytes = Buffer.from(photo.bytes);
    return reply.header('content-length', bytes.length).send(bytes);
  });
}
