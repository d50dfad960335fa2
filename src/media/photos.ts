/**
 * Photos residents attach to reports. CONTRACT ONLY until engineer C builds it: the signatures
 * are fixed; the bodies are to be written.
 */
import type { DB } from '../db/connection.js';

export const MAX_PHOTOS = 5;

export interface PreparedPhoto {
  contentType: 'image/jpeg';
  bytes: Buffer;
  width: number;
  height: number;
}

export interface StoredPhoto {
  id: string;
  width: number;
  height: number;
}

/**
 * Checks an upload is a photo by its content (not its name or declared type), refuses it when too
 * large, and re-encodes it resized with every piece of metadata (location!) removed. Throws an
 * `invalid` DomainError with a message a person can act on.
 */
export async function preparePhoto(_bytes: Buffer): Promise<PreparedPhoto> {
  throw new Error('not built yet');
}

/** Keeps a prepared photo with a report in progress; refuses a sixth. */
export async function addDraftPhoto(_db: DB, _jurisdictionId: string, _draftId: string, _photo: PreparedPhoto): Promise<StoredPhoto> {
  throw new Error('not built yet');
}

export async function draftPhotos(_db: DB, _draftId: string): Promise<StoredPhoto[]> {
  throw new Error('not built yet');
}

export async function removeDraftPhoto(_db: DB, _draftId: string, _photoId: string): Promise<void> {
  throw new Error('not built yet');
}

/** Inside the transaction that creates the case: the draft's photos become the case's. */
export async function attachDraftPhotosToCase(_trx: DB, _draftId: string, _caseId: number): Promise<void> {
  throw new Error('not built yet');
}

/** The public address of a photo: `${publicUrl}/media/${id}`. */
export const photoUrl = (publicUrl: string, id: string): string => `${publicUrl}/media/${id}`;
