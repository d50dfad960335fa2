/**
 * Photos residents attach to reports. An upload is trusted by neither its name nor its declared
 * type: its first bytes must be those of a JPEG, PNG, WebP or HEIF photo and the image library
 * must decode it. It is then turned upright, shrunk to fit 1600 x 1600 and re-encoded as a JPEG
 * with no metadata at all, so a phone's GPS position, camera serial number and the like never
 * reach the council's database or the public case page.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import { invalid } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';

export const MAX_PHOTOS = 5;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/**
 * About 50 megapixels: more than most phones' photos, and (decoded, 4 bytes a pixel) about 200 MB of
 * memory at most per upload; anything larger is refused rather than risk a decompression bomb.
 */
const MAX_INPUT_PIXELS = 50_000_000;
const FIT = 1600;

/**
 * What a person is told. These English sentences are also `known.photo*` messages
 * (src/i18n/messages), so pages show them in the person's language: keep them identical.
 */
export const photoProblems = {
  notPhoto: 'The file must be a photo: a JPG, PNG or WebP.',
  tooBig: 'The photo must be smaller than 10 MB. Choose a smaller photo, or take it again at a lower size.',
  tooManyPixels: 'The photo is too large to use. Choose a smaller photo.',
  unreadable: 'The photo could not be read. Choose another photo, or take it again.',
  tooMany: 'You can add up to 5 photos. Remove one to add another.',
} as const;

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

/** The kind of image its first bytes announce, or null. */
function sniff(bytes: Buffer): 'jpeg' | 'png' | 'webp' | 'heif' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  // HEIF family (iPhone HEIC, AVIF): an ISO box "ftyp" with a HEIF brand.
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp'
    && ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis'].includes(bytes.toString('latin1', 8, 12))) return 'heif';
  return null;
}

const tooManyPixels = (error: unknown) => error instanceof Error && /pixel limit/i.test(error.message);

/**
 * Checks an upload is a photo by its content (not its name or declared type), refuses it when too
 * large, and re-encodes it resized with every piece of metadata (location!) removed. Throws an
 * `invalid` DomainError with a message a person can act on.
 */
export async function preparePhoto(bytes: Buffer): Promise<PreparedPhoto> {
  if (bytes.length > MAX_PHOTO_BYTES) throw invalid(photoProblems.tooBig);
  const kind = sniff(bytes);
  if (!kind) throw invalid(photoProblems.notPhoto);
  // The image library (and libvips under it) is loaded with the first photo, not at start.
  const { default: sharp } = await import('sharp');
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
  let format: string | undefined;
  try {
    ({ format } = await sharp(bytes, options).metadata());
  } catch (error) {
    throw invalid(tooManyPixels(error) ? photoProblems.tooManyPixels : photoProblems.unreadable);
  }
  // The library must agree with the first bytes (a PNG header on something else is refused).
  if (format !== kind) throw invalid(kind === 'heif' ? photoProblems.notPhoto : photoProblems.unreadable);
  try {
    const { data, info } = await sharp(bytes, options)
      .rotate() // upright by the EXIF orientation, before the EXIF is dropped
      .resize(FIT, FIT, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }) // transparent PNGs: white, not black
      .jpeg({ quality: 80, mozjpeg: true })
      // No withMetadata(): the output carries no EXIF, GPS, XMP or ICC profile (pixels are sRGB).
      .toBuffer({ resolveWithObject: true });
    return { contentType: 'image/jpeg', bytes: data, width: info.width, height: info.height };
  } catch (error) {
    if (tooManyPixels(error)) throw invalid(photoProblems.tooManyPixels);
    // HEIC from some phones needs a decoder this server may not have: the person can still send a JPG.
    throw invalid(kind === 'heif' ? photoProblems.notPhoto : photoProblems.unreadable);
  }
}

/** Random and URL-safe: a photo's address cannot be guessed from another's. */
const newPhotoId = () => randomBytes(16).toString('base64url');
export const photoIdPattern = /^[A-Za-z0-9_-]{22}$/;

/** Keeps a prepared photo with a report in progress; refuses a sixth. */
export async function addDraftPhoto(db: DB, jurisdictionId: string, draftId: string, photo: PreparedPhoto): Promise<StoredPhoto> {
  return db.transaction().execute(async (trx) => {
    // Two uploads at once from the same draft must not both see four photos (PostgreSQL runs them
    // concurrently; SQLite writes one transaction at a time anyway).
    if (dialectOf(db) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`media:${draftId}`}))`.execute(trx);
    const { count } = await trx.selectFrom('media').select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('draft_id', '=', draftId).executeTakeFirstOrThrow();
    if (Number(count) >= MAX_PHOTOS) throw invalid(photoProblems.tooMany);
    const id = newPhotoId();
    await trx.insertInto('media').values({
      id, jurisdiction_id: jurisdictionId, case_id: null, draft_id: draftId, content_type: photo.contentType,
      bytes: photo.bytes, width: photo.width, height: photo.height, created_at: nowIso(),
    }).execute();
    return { id, width: photo.width, height: photo.height };
  });
}

export async function draftPhotos(db: DB, draftId: string): Promise<StoredPhoto[]> {
  return db.selectFrom('media').select(['id', 'width', 'height']).where('draft_id', '=', draftId)
    .orderBy('created_at').orderBy('id').execute();
}

export async function removeDraftPhoto(db: DB, draftId: string, photoId: string): Promise<void> {
  await db.deleteFrom('media').where('id', '=', photoId).where('draft_id', '=', draftId).where('case_id', 'is', null).execute();
}

/** Every photo of a report in progress (the person started a new report instead). */
export async function removeDraftPhotos(db: DB, draftId: string): Promise<void> {
  await db.deleteFrom('media').where('draft_id', '=', draftId).where('case_id', 'is', null).execute();
}

/**
 * Inside the transaction that creates the case: the draft's photos become the case's. Returns
 * the case's photos as attached, oldest first (an upload or removal in another tab cannot slip
 * in once the draft is gone).
 */
export async function attachDraftPhotosToCase(trx: DB, draftId: string, caseId: number): Promise<string[]> {
  await trx.updateTable('media').set({ case_id: caseId, draft_id: null }).where('draft_id', '=', draftId).where('case_id', 'is', null).execute();
  const attached = await trx.selectFrom('media').select('id').where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  return attached.map((photo) => photo.id);
}

/**
 * Photos of reports never sent: their draft has expired or no longer exists (a draft lasts a
 * week from its last save, so a photo of a draft still being written stays however old it is).
 * Returns how many went.
 */
export async function removeAbandonedDraftPhotos(db: DB, jurisdictionId: string, options: { now?: Date } = {}): Promise<number> {
  const at = (options.now ?? new Date()).toISOString();
  const result = await db.deleteFrom('media').where('jurisdiction_id', '=', jurisdictionId).where('case_id', 'is', null)
    .where((eb) => eb.or([
      eb('draft_id', 'is', null),
      eb.not(eb.exists(eb.selectFrom('report_drafts').select('report_drafts.id')
        .whereRef('report_drafts.id', '=', 'media.draft_id').where('report_drafts.expires_at', '>', at))),
    ]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** One photo, for serving: its bytes and whom it belongs to. */
export async function findPhoto(db: DB, jurisdictionId: string, id: string) {
  if (!photoIdPattern.test(id)) return undefined;
  return db.selectFrom('media').select(['id', 'case_id', 'draft_id', 'content_type', 'bytes'])
    .where('id', '=', id).where('jurisdiction_id', '=', jurisdictionId).where('internal', '=', 0).executeTakeFirst();
}

/** The public address of a photo: `${publicUrl}/media/${id}`. */
export const photoUrl = (publicUrl: string, id: string): string => `${publicUrl}/media/${id}`;
