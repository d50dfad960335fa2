/**
 * Internal files staff attach to a case (a contractor's report, a letter): kept in `media` with
 * internal = 1, never served at the public /media address, and given only to staff who may see
 * the case. The type is judged by the file's first bytes, not its name; the size is capped.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import { acceptUploads, attachmentType, safeFileName } from '../media/uploads.js';
import { forbidden, notFound } from '../platform/errors.js';
import { publishEvents, topics } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import type { RouteDeps } from '../platform/deps.js';
import { insertAction } from '../cases/store.js';
import { caseWorkingRoles, loadCase, staffAccess, type CaseExtras, type LoadedCase } from './case-data.js';
import * as store from './store.js';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

/** 32 characters: never the shape of a public photo's id (22), so /media never even looks one up. */
const newAttachmentId = () => randomBytes(24).toString('base64url');


export async function attachmentRoutes(app: FastifyInstance, deps: RouteDeps & {
  showCase: (request: FastifyRequest, reply: FastifyReply, loaded: LoadedCase, extras: CaseExtras, status?: number) => Promise<FastifyReply>;
}): Promise<void> {
  const { db, config, showCase } = deps;

  app.get('/staff/attachments/:id', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const file = /^[A-Za-z0-9_-]{32}$/.test(id) ? await store.attachment(db, id) : undefined;
    if (!file || file.case_id === null) throw notFound('There is no file at this address.');
    // loadCase refuses (and records) anyone who may not see the case.
    await loadCase(db, config, request, String(file.case_id));
    const name = safeFileName(file.file_name ?? 'file');
    return reply.header('content-type', file.content_type).header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${name}"`).send(Buffer.from(file.bytes));
  });

  // Only this route reads multipart forms: one file, up to the limit, never more in memory.
  await app.register(async (scope) => {
    const uploadOf = await acceptUploads(scope, { maxBytes: MAX_ATTACHMENT_BYTES, fields: 5 }, {
      db, forms: { publicUrl: () => config.publicUrl, secure: app.site.secure },
      // Before the file is received: a role that only reads, or a case the person may not see (refused and recorded by loadCase).
      authorize: async (request) => {
        if (!caseWorkingRoles.includes(request.person!.role)) throw forbidden('Your role can read cases but not add to them.');
        await loadCase(db, config, request, (request.params as { id: string }).id);
      },
    });
    scope.post('/staff/requests/:id/attachments', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
      const person = request.person!;
      const loaded = await loadCase(db, config, request, (request.params as { id: string }).id);
      const refuse = (message: string) => showCase(request, reply, loaded, { errors: { file: message } }, 400);
      if (!caseWorkingRoles.includes(person.role)) return refuse('Your role can read cases but not add to them.');
      const upload = uploadOf(request);
      if (upload?.truncated) return refuse('The file must be smaller than 5 MB.');
      if (!upload || upload.bytes.length === 0) return refuse('Choose a file to attach.');
      const type = attachmentType(upload.bytes);
      if (!type) return refuse('The file must be a PDF, a JPG or PNG picture, or plain text.');
      const id = newAttachmentId();
      const name = safeFileName(upload.name);
      const at = nowIso();
      const { row } = loaded;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('media').values({
          id, jurisdiction_id: row.jurisdiction_id, case_id: row.id, draft_id: null, content_type: type, bytes: upload.bytes,
          internal: 1, file_name: name, width: 0, height: 0, created_at: at,
        }).execute();
        await insertAction(trx, {
          caseId: row.id, action: 'attachment_added', actor: `user:${person.userId}`, idempotencyKey: null, status: row.status, state: row.state,
          description: `Attached ${name}`, mediaUrl: null, details: { attachment: id, bytes: upload.bytes.length }, isPublic: false, at,
        });
        await appendAudit(trx, { actor: `user:${person.userId}`, action: 'case.attachment_added', entityType: 'service_request', entityId: String(row.id), after: { attachment: id, name, type } });
        await publishEvents(trx, [{ topic: topics.staffCase(row.id), kind: 'case.changed', data: { caseId: row.id, action: 'attachment_added' } }]);
      });
      return reply.redirect(`/staff/requests/${row.id}?done=attachment#attachments`, 303);
    });
  });
}
