import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { en } from '../i18n/messages/en.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { DomainError } from '../platform/errors.js';
import { submitCase } from '../cases/submit.js';
import { anonymiseExpiredReporters } from '../jobs/retention.js';
import {
  addDraftPhoto, attachDraftPhotosToCase, draftPhotos, MAX_PHOTOS, photoProblems, preparePhoto, removeAbandonedDraftPhotos, removeDraftPhoto,
} from './photos.js';

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#c03020' } });

async function refusal(bytes: Buffer): Promise<string> {
  try {
    await preparePhoto(bytes);
  } catch (error) {
    assert.ok(error instanceof DomainError && error.kind === 'invalid', String(error));
    return error.message;
  }
  assert.fail('the upload was accepted');
}

/** A PNG whose header claims a huge image: a decompression bomb in a few bytes. */
function hugePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(1000))), chunk('IEND', Buffer.alloc(0))]);
}

describe('preparing a photo', () => {
  test('a JPEG carrying GPS and camera details comes out as a JPEG with no metadata at all', async () => {
    const input = await solid(300, 200).jpeg()
      .withExif({ IFD0: { Make: 'TownhallTestCam', Model: 'Secret 9000' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
      .toBuffer();
    assert.ok((await sharp(input).metadata()).exif, 'the test photo has EXIF');
    assert.ok(input.includes(Buffer.from([0x25, 0x88])) || input.includes(Buffer.from([0x88, 0x25])), 'the test photo has a GPS section');
    const photo = await preparePhoto(input);
    const meta = await sharp(photo.bytes).metadata();
    assert.equal(photo.contentType, 'image/jpeg');
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.exif, undefined, 'no EXIF (so no GPS)');
    assert.equal(meta.xmp, undefined, 'no XMP');
    assert.equal(meta.icc, undefined, 'no ICC profile');
    assert.equal(meta.iptc, undefined, 'no IPTC');
    assert.ok(!photo.bytes.includes(Buffer.from('TownhallTestCam')), 'the camera make is gone');
    assert.deepEqual([photo.width, photo.height], [300, 200]);
  });

  test('turned upright by its EXIF orientation, then shrunk to fit 1600 x 1600 but never enlarged', async () => {
    const sideways = await solid(400, 200).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const upright = await preparePhoto(sideways);
    assert.deepEqual([upright.width, upright.height], [200, 400]);
    const large = await preparePhoto(await solid(3200, 2000).png().toBuffer());
    assert.deepEqual([large.width, large.height], [1600, 1000]);
    const small = await preparePhoto(await solid(640, 480).webp().toBuffer());
    assert.deepEqual([small.width, small.height], [640, 480]);
    assert.equal((await sharp(small.bytes).metadata()).format, 'jpeg');
  });

  test('PNG with transparency, WebP and HEIF (AVIF) photos are taken', async () => {
    const transparent = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const flattened = await preparePhoto(transparent);
    const { data } = await sharp(flattened.bytes).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[0]! > 240, 'transparent becomes white, not black');
    const avif = await solid(40, 30).heif({ compression: 'av1' }).toBuffer();
    assert.deepEqual([(await preparePhoto(avif)).width, (await preparePhoto(avif)).height], [40, 30]);
  });

  test('anything that is not a photo is refused by its content, whatever its name', async () => {
    assert.equal(await refusal(Buffer.from('just some text in a file named photo.jpg')), photoProblems.notPhoto);
    assert.equal(await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>')), photoProblems.notPhoto);
    assert.equal(await refusal(await solid(20, 20).gif().toBuffer()), photoProblems.notPhoto);
    assert.equal(await refusal(Buffer.alloc(0)), photoProblems.notPhoto);
    // A JPEG's first bytes with nothing behind them.
    assert.equal(await refusal(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)])), photoProblems.unreadable);
  });

  test('too large: over 10 MB, or absurd dimensions', async () => {
    const big = Buffer.concat([await solid(10, 10).jpeg().toBuffer(), Buffer.alloc(10 * 1024 * 1024)]);
    assert.equal(await refusal(big), photoProblems.tooBig);
    assert.equal(await refusal(hugePng(60_000, 60_000)), photoProblems.tooManyPixels);
    // About 50 megapixels at most: 64 is refused for its size; 49 gets as far as being decoded.
    assert.equal(await refusal(hugePng(8000, 8000)), photoProblems.tooManyPixels);
    assert.equal(await refusal(hugePng(7000, 7000)), photoProblems.unreadable);
  });

  test('every message is also a known message, so pages translate it', () => {
    const known = new Set(Object.entries(en).filter(([key]) => key.startsWith('known.')).map(([, text]) => text));
    for (const message of Object.values(photoProblems)) assert.ok(known.has(message), message);
  });
});

const jurisdiction = { id: 'photos.example', bounds: { minLat: 50, minLong: -1, maxLat: 52, maxLong: 1 } };
const DAY = 86_400_000;

for (const database of databasesUnderTest()) {
  describe(`draft photos on ${database.name}`, () => {
    let t: TestDatabase;
    let photo: Awaited<ReturnType<typeof preparePhoto>>;
    before(async () => {
      t = await createTestDatabase(database);
      photo = await preparePhoto(await solid(64, 48).jpeg().toBuffer());
      await saveServiceGroup(t.db, jurisdiction.id, { code: 'streets', name: 'Streets' }, 0, 'test');
      await createService(t.db, jurisdiction.id, {
        code: 'litter', name: 'Litter', description: 'x', groupCode: 'streets', keywords: [], type: 'realtime', agencyResponsible: null,
        serviceNotice: null, expectedDays: null, retentionDays: 30, attributes: [],
      }, 'test');
    });
    after(() => t.cleanup());

    test('at most five per draft; a sixth is refused, even when sent at the same time', async () => {
      const draft = 'a'.repeat(64);
      const results = await Promise.allSettled(Array.from({ length: MAX_PHOTOS + 2 }, () => addDraftPhoto(t.db, jurisdiction.id, draft, photo)));
      const refused = results.filter((r) => r.status === 'rejected');
      assert.equal(results.length - refused.length, MAX_PHOTOS);
      for (const r of refused) assert.equal((r as PromiseRejectedResult).reason.message, photoProblems.tooMany);
      const stored = await draftPhotos(t.db, draft);
      assert.equal(stored.length, MAX_PHOTOS);
      assert.ok(stored.every((p) => /^[A-Za-z0-9_-]{22}$/.test(p.id) && p.width === 64 && p.height === 48));
      assert.equal(new Set(stored.map((p) => p.id)).size, MAX_PHOTOS);
    });

    test('removed only from its own draft; attached to a case with the case, leaving the draft empty', async () => {
      const mine = 'b'.repeat(64);
      const other = 'c'.repeat(64);
      const first = await addDraftPhoto(t.db, jurisdiction.id, mine, photo);
      const second = await addDraftPhoto(t.db, jurisdiction.id, mine, photo);
      await removeDraftPhoto(t.db, other, first.id);
      assert.equal((await draftPhotos(t.db, mine)).length, 2, 'another draft cannot remove it');
      await removeDraftPhoto(t.db, mine, first.id);
      assert.deepEqual((await draftPhotos(t.db, mine)).map((p) => p.id), [second.id]);
      const created = await submitCase(t.db, { jurisdiction, keyring: makeKeyring(newKey()) }, 'web', {
        serviceCode: 'litter', addressString: '1 High Street', attributes: {}, mediaUrls: [], contact: {},
      }, { actor: { id: 'test' } });
      await t.db.transaction().execute((trx) => attachDraftPhotosToCase(trx, mine, Number(created.id)));
      assert.deepEqual(await draftPhotos(t.db, mine), []);
      const row = await t.db.selectFrom('media').select(['case_id', 'draft_id']).where('id', '=', second.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { case_id: Number(created.id), draft_id: null });
      await removeDraftPhoto(t.db, mine, second.id);
      assert.ok(await t.db.selectFrom('media').select('id').where('id', '=', second.id).executeTakeFirst(), 'a case photo is not a draft photo any more');
    });

    test('the retention run removes expired drafts and the photos of drafts expired or gone; a live draft keeps old photos', async () => {
      const draftRow = (id: string, expiresAt: string) => ({ id, jurisdiction_id: jurisdiction.id, user_id: null, data: 'sealed',
        created_at: new Date(Date.now() - 20 * DAY).toISOString(), updated_at: new Date().toISOString(), expires_at: expiresAt });
      const live = 'd'.repeat(64);
      const expired = 'f'.repeat(64);
      const gone = 'e'.repeat(64);
      await t.db.insertInto('report_drafts').values([draftRow(live, new Date(Date.now() + 6 * DAY).toISOString()), draftRow(expired, new Date(Date.now() - DAY).toISOString())]).execute();
      // Uploaded 8 days ago to a draft saved since (so still live): stays.
      const oldButLive = await addDraftPhoto(t.db, jurisdiction.id, live, photo);
      await t.db.updateTable('media').set({ created_at: new Date(Date.now() - 8 * DAY).toISOString() }).where('id', '=', oldButLive.id).execute();
      const ofExpired = await addDraftPhoto(t.db, jurisdiction.id, expired, photo);
      const ofGone = await addDraftPhoto(t.db, jurisdiction.id, gone, photo);
      const casePhotos = await t.db.selectFrom('media').select('id').where('case_id', 'is not', null).execute();
      await t.db.updateTable('media').set({ created_at: new Date(Date.now() - 30 * DAY).toISOString() }).where('case_id', 'is not', null).execute();
      assert.equal(await removeAbandonedDraftPhotos(t.db, 'another.example'), 0, 'only this council’s photos');
      await anonymiseExpiredReporters(t.db, jurisdiction.id);
      const left = new Set((await t.db.selectFrom('media').select('id').execute()).map((r) => r.id));
      assert.ok(left.has(oldButLive.id), 'a live draft’s photo stays, however old');
      assert.ok(!left.has(ofExpired.id), 'an expired draft’s photo is gone');
      assert.ok(!left.has(ofGone.id), 'a photo whose draft is gone is gone');
      assert.ok(casePhotos.length > 0 && casePhotos.every((p) => left.has(p.id)));
      const drafts = (await t.db.selectFrom('report_drafts').select('id').execute()).map((r) => r.id);
      assert.deepEqual(drafts, [live], 'the expired draft is deleted');
    });
  });
}
