/**
 * One way to receive a file from a form: a resident's photo, a file staff attach to a case, a
 * department's area. Multipart forms are read only in the scope that asks for them, one file at
 * a time, and never more than the limit in memory: past it, the rest is read and thrown away,
 * and the upload is marked too big. The file waits beside the request, so other hooks never walk
 * its bytes.
 *
 * Before a byte of the body is read, the route's access rule, the caller's own check (whose
 * record) and the CSRF token (in the form's address: csrfAction) are checked, so an upload that
 * would be refused is refused without receiving it. A body that is not a well-formed multipart
 * form (no boundary, a part cut short) is a 400 that says so.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DB } from '../db/connection.js';
import { checkRouteAccess } from '../identity/access.js';
import { DomainError, invalid } from '../platform/errors.js';
import { checkCsrfBeforeBody, type FormProtection } from '../web/csrf.js';

export interface Upload {
  bytes: Buffer;
  /** The name the sender's device gave it (never trusted: see safeFileName). */
  name: string;
  /** The file was over the limit: `bytes` is empty. */
  truncated: boolean;
}

export interface UploadLimits {
  maxBytes: number;
  fields: number;
  /** The longest text field (default 1,000 characters). */
  fieldSize?: number;
}

export interface UploadGuard {
  db: DB;
  forms: FormProtection;
  /** The route's own check of who may upload to this record, run before the body is read; throws to refuse. */
  authorize?: (request: FastifyRequest) => Promise<void> | void;
}

export const MALFORMED_UPLOAD = 'The form could not be read: it did not arrive as a whole file upload. Go back, choose the file again and send the form once more.';

/** Reads multipart forms in this scope; returns how to find the request's file, if one came. */
export async function acceptUploads(scope: FastifyInstance, limits: UploadLimits, guard: UploadGuard): Promise<(request: FastifyRequest) => Upload | undefined> {
  const uploads = new WeakMap<FastifyRequest, Upload>();
  await scope.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: limits.maxBytes, files: 1, fields: limits.fields, fieldSize: limits.fieldSize ?? 1000 },
  });
  scope.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    await checkRouteAccess(guard.db, request);
    checkCsrfBeforeBody(request, guard.forms);
    await guard.authorize?.(request);
    const fields: Record<string, string> = {};
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        const upload = await readFile(part.file as AsyncIterable<Buffer> & { truncated: boolean }, limits.maxBytes);
        uploads.set(request, { ...upload, name: part.filename });
      }
    } catch (error) {
      // Limits the plugin names itself (too many fields or files: 413) keep their status.
      const status = (error as { statusCode?: number }).statusCode;
      if (error instanceof DomainError || (status !== undefined && status >= 400 && status < 500 && status !== 400)) throw error;
      request.log.info({ event: 'malformed_upload', route: request.routeOptions.url, reason: (error as Error).message }, 'malformed multipart form refused');
      throw invalid(MALFORMED_UPLOAD);
    }
    request.body = fields;
  });
  return (request) => uploads.get(request);
}

async function readFile(file: AsyncIterable<Buffer> & { truncated: boolean }, maxBytes: number): Promise<Omit<Upload, 'name'>> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of file) {
    if (truncated) continue;
    if (size + chunk.length > maxBytes) {
      truncated = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  truncated ||= file.truncated;
  return { bytes: truncated ? Buffer.alloc(0) : Buffer.concat(chunks), truncated };
}

/** The kind of file its first bytes announce, among those accepted; null for anything else. */
export function attachmentType(bytes: Buffer): string | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  // Plain text: valid UTF-8 without control bytes other than tab and line ends.
  if (!bytes.some((b) => b < 0x09 || (b > 0x0d && b < 0x20)) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) return 'text/plain; charset=utf-8';
  return null;
}

/** A file name safe to show and to send back in a header. */
export const safeFileName = (name: string) => (name.split(/[\\/]/).pop() ?? '').replace(/[^\w .()-]/g, '_').slice(0, 100) || 'file';
