/** Application services with a fee, and an applicant who applies to one, for the payment tests. */
import assert from 'node:assert/strict';
import type { ServiceInput } from '../src/catalogue/types.js';
import type { WebClient, PageResponse } from './web-client.js';

export const feeService = (code: string, name: string, department: string): ServiceInput => ({
  code, name, description: `${name}: apply online`, groupCode: 'streets', keywords: [], type: 'batch', agencyResponsible: null, serviceNotice: null, expectedDays: 28, attributes: [],
  department,
});

/** A one-page form with a fixed fee (pence). */
export const feeForm = (title: string, fee: number) => ({
  title, summary: 'Apply online.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [],
  fees: [{ effectiveFrom: '2025-01-01', rules: [{ kind: 'fixed' as const, label: 'Permit', amount: fee }] }],
  pages: [{ id: 'where', title: 'Where?', fields: [{ id: 'address', type: 'address' as const, label: 'Address' }] }],
});

export function expectRedirect(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 2000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

/** A guest applies in their language and sends the application; its reference. */
export async function applyAsGuest(c: WebClient, code: string, language = 'en'): Promise<number> {
  await c.get(`/apply/${code}?lang=${language}`);
  await c.get(`/apply/${code}/eligibility`);
  const draft = (await c.post(`/apply/${code}/start`)).location!.split('/')[3]!;
  await c.get(`/apply/d/${draft}/page/where`);
  expectRedirect(await c.post(`/apply/d/${draft}/page/where`, { address: '1 Party Street' }), `/apply/d/${draft}/details`);
  expectRedirect(await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Pat Host', applicant_email: 'pat.host@example.org' }), `/apply/d/${draft}/check`);
  await c.get(`/apply/d/${draft}/check`);
  expectRedirect(await c.post(`/apply/d/${draft}/check`), `/apply/d/${draft}/sent`);
  return Number(/<strong>(\d+)<\/strong>/.exec((await c.get(`/apply/d/${draft}/sent`)).html)![1]);
}
