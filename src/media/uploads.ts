/**
 * One way to receive a file from a form: a resident's photo, a file staff attach to a case.
 * Multipart forms are read only in the scope that asks for them, one file at a time, and never
 * more than the limit in memory: past it, the rest is read and thrown away, and the upload is
 * marked too big. The file waits beside the request, so other hooks never walk its bytes.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface Upload {
  bytes: Buffer;
  /** The name the sender's device gave it (never trusted: see safeFileName in staff). */
  name: string;
  /** The file was over the limit: `bytes` is empty. */
  truncated: boolean;
}

/** Reads multipart forms in this scope; returns how to find the request's file, if one came. */
export async function acceptUploads(scope: FastifyInstance, limits: { maxBytes: number; fields: number }): Promise<(request: FastifyRequest) => Upload | undefined> {
  const uploads = new WeakMap<FastifyRequest, Upload>();
  await scope.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: limits.maxBytes, files: 1, fields: limits.fields, fieldSize: 1000 },
    async onFile(this: FastifyRequest, part) {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        if (truncated) continue;
        if (size + chunk.length > limits.maxBytes) {
          truncated = true;
          chunks.length = 0;
          continue;
        }
        chunks.push(chunk);
        size += chunk.length;
      }
      truncated ||= part.file.truncated;
      uploads.set(this, { bytes: truncated ? Buffer.alloc(0) : Buffer.concat(chunks), name: part.filename, truncated });
    },
  });
  return (request) => uploads.get(request);
}
