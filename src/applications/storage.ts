/**
 * Where applicants' documents are kept, behind a small interface so a council can keep them
 * elsewhere (an object store); local disk by default. And the scan hook: a council plugs in a
 * virus scanner, and a file it refuses is never kept (the applicant is told).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { attachmentType } from '../media/uploads.js';

export interface DocumentStorage {
  /** Keeps the bytes; returns the key they are found by. */
  put(bytes: Buffer): Promise<string>;
  get(key: string): Promise<Buffer>;
  remove(key: string): Promise<void>;
}

export type ScanVerdict = { clean: true } | { clean: false; reason: string };
/** A council's scanner: given the bytes and the type read from them, says whether the file may be kept. */
export type DocumentScanner = (file: { bytes: Buffer; contentType: string; name: string }) => Promise<ScanVerdict>;

/** No scanner configured: every file whose content is an allowed type is kept. */
export const noScanner: DocumentScanner = async () => ({ clean: true });

const KEY = /^[0-9a-f-]{36}$/;

/** Files on local disk, one per key, under `folder` (made when first needed). */
export function diskStorage(folder: string): DocumentStorage {
  const root = resolve(folder);
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`Not a document key: ${key.slice(0, 40)}`);
    return join(root, key.slice(0, 2), key);
  };
  return {
    async put(bytes) {
      const key = randomUUID();
      await mkdir(join(root, key.slice(0, 2)), { recursive: true });
      await writeFile(pathOf(key), bytes, { flag: 'wx' });
      return key;
    },
    get: (key) => readFile(pathOf(key)),
    remove: (key) => rm(pathOf(key), { force: true }),
  };
}

/** The type of a file read from its first bytes (staff attachments' check): PDF, JPEG or PNG; anything else is null (its name is never trusted). */
export function documentType(bytes: Buffer): 'application/pdf' | 'image/jpeg' | 'image/png' | null {
  const type = attachmentType(bytes);
  return type === 'application/pdf' || type === 'image/jpeg' || type === 'image/png' ? type : null;
}
