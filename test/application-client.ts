/**
 * An applicant as a test drives one, without JavaScript: the tree works service and a guest who
 * applies for it (one oak, an area drawn on the map, a photo, and a file the scanner refuses).
 * Shared by the review tests (in-process and in the browser).
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { ServiceInput } from '../src/catalogue/types.js';
import type { RunningTownhall } from './harness.js';
import type { PageResponse, WebClient } from './web-client.js';

export const TREES = 'tree-works';
export const treeService: ServiceInput = {
  code: TREES, name: 'Tree works', description: 'Permission to work on protected trees', groupCode: 'streets', keywords: ['tree'], type: 'batch',
  agencyResponsible: null, serviceNotice: null, expectedDays: 56, attributes: [],
};
/** A triangle of about 3,800 m² near Westminster. */
export const AREA = JSON.stringify({ type: 'Polygon', coordinates: [[[-0.14, 51.50], [-0.139, 51.50], [-0.139, 51.501], [-0.14, 51.50]]] });

/** A scanner that refuses files holding the EICAR marker, noting their names. */
export const scannerFor = (refused: string[]) => async (file: { bytes: Buffer; name: string }) => {
  if (!file.bytes.includes('EICAR')) return { clean: true as const };
  refused.push(file.name);
  return { clean: false as const, reason: 'test signature' };
};

export function expectRedirect(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 3000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

/** A guest applies for tree works; the application's reference, its photo's id and its draft. */
export async function applyForTreeWorks(t: RunningTownhall, applicant: WebClient, email: string): Promise<{ reference: number; documentId: string; draft: string }> {
  await applicant.get(`/apply/${TREES}/eligibility`);
  const started = await applicant.post(`/apply/${TREES}/start`);
  const draft = started.location!.split('/')[3]!;
  const at = (page: string) => `/apply/d/${draft}/page/${page}`;
  await applicant.get(at('applicant'));
  expectRedirect(await applicant.post(at('applicant'), { role: 'owner' }), at('trees'));
  expectRedirect(await applicant.post(at('trees'), { add: 'yes', species: 'Oak', work: 'fell' }), at('trees'));
  expectRedirect(await applicant.post(at('trees'), { done: 'yes' }), at('where'));
  expectRedirect(await applicant.post(at('where'), { area: AREA, 'start-day': '1', 'start-month': '3', 'start-year': '2027' }), at('photos'));
  await applicant.get(at('photos'));
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 10, g: 120, b: 10 } } }).png().toBuffer();
  const upload = (bytes: Buffer, filename: string) => applicant.postMultipart(`/apply/d/${draft}/documents/photo?page=photos`, {}, { file: { bytes, filename, type: 'image/png' } });
  assert.equal((await upload(Buffer.concat([png, Buffer.from('EICAR')]), 'infected.png')).status, 400);
  expectRedirect(await upload(png, 'oak.png'), at('photos'));
  expectRedirect(await applicant.post(at('photos'), {}), at('declare'));
  await applicant.get(at('declare'));
  expectRedirect(await applicant.post(at('declare'), { truth: 'yes' }), `/apply/d/${draft}/details`);
  expectRedirect(await applicant.post(`/apply/d/${draft}/details`, { applicant_name: 'Rowan Oakley', applicant_email: email }), `/apply/d/${draft}/check`);
  await applicant.get(`/apply/d/${draft}/check`);
  expectRedirect(await applicant.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
  const reference = Number(/<strong>(\d+)<\/strong>/.exec((await applicant.get(`/apply/d/${draft}/sent`)).html)![1]);
  const document = await t.db.selectFrom('application_documents').select('id').where('draft_id', '=', draft).executeTakeFirstOrThrow();
  return { reference, documentId: document.id, draft };
}
