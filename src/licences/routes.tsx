/**
 * The licence routes: the published key set, /verify (public, no script, in the reader's
 * language), the public register and its open data, the licence PDF (its holder by the key in
 * their email's link, or staff who may see its case), and the staff licence pages.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { licenceInWords, licenceWordsIn } from '../applications/licence-words.js';
import { caseDepartments } from '../cases/queries.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess, signedIn } from '../identity/access.js';
import { may, staffRoles } from '../identity/policy.js';
import { forbidden, notFound } from '../platform/errors.js';
import type { RouteDeps } from '../platform/deps.js';
import { csvCell } from '../platform/csv.js';
import { parseId } from '../platform/ids.js';
import { actorOf } from '../staff/actions.js';
import { departmentIdOf } from '../staff/store.js';
import { formText } from '../web/forms.js';
import { renderPage, wantsPage } from '../web/page.js';
import { MAX_TOKEN_LENGTH } from './credential.js';
import { changeLicenceStatus, findLicence, licenceByNumber, licenceForHolder, licencesOfCase, statusChanges, verifyLicenceToken, type LicenceRow, type StatusChange } from './licences.js';
import { registerOfLicences, type RegisterEntry } from './register.js';
import { publishedKeySet } from './signing-keys.js';
import { RegisterView, StaffLicenceList, StaffLicencePage, VerifyPage } from './views.js';
import { wordsFor } from './words.js';

export const KEY_SET_PATH = '/.well-known/licence-keys.json';
const REGISTER_PAGE = 50;
const OPEN_DATA_PAGE = 5_000;
/** Roles that may suspend, reinstate or revoke (the case module then checks the case's department). */
const changingRoles = ['case_worker', 'supervisor', 'department_admin', 'system_admin'] as const;

export async function licenceRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const engine = { jurisdictionId, timeZone: config.jurisdiction.timeZone, notify: { keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name } };
  const shownFor = (request: FastifyRequest) => ({ language: translate(request).language.code, timeZone: config.jurisdiction.timeZone, council: config.jurisdiction.name });

  app.get(KEY_SET_PATH, { config: { access: publicAccess }, schema: { tags: ['Licences'], summary: 'The public keys that sign licences (JWKS, Ed25519), old ones included' } }, async (_request, reply) => {
    return reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').type('application/jwk-set+json').send(await publishedKeySet(db));
  });

  const verify = async (request: FastifyRequest, reply: FastifyReply, token: string) => {
    const shown = shownFor(request);
    const w = wordsFor(shown.language);
    const trimmed = token.trim();
    const page = wantsPage(request) || request.headers.accept === undefined;
    if (!trimmed) {
      if (!page) return reply.code(400).send({ error: 'invalid', message: 'Give the licence code as ?token=.' });
      return renderPage(request, reply, { title: w('verifyTitle'), body: <VerifyPage shown={shown} token="" />, cacheable: true });
    }
    const result = trimmed.length > MAX_TOKEN_LENGTH ? { verdict: 'not_genuine' as const, problem: 'too_long' } : await verifyLicenceToken(db, jurisdictionId, trimmed);
    const badInput = result.problem === 'malformed' || result.problem === 'too_long';
    if (!page) {
      if (badInput) return reply.code(400).send({ error: 'invalid', message: 'This is not a licence code. Check you copied the whole code.' });
      return reply.header('cache-control', 'no-store').send({ verdict: result.verdict, ...(result.problem ? { problem: result.problem } : {}), ...(result.claims && result.verdict !== 'not_genuine' ? { licence: result.claims } : {}) });
    }
    if (badInput) {
      const error = w(result.problem === 'too_long' ? 'tooLong' : 'malformed');
      return renderPage(request, reply, { title: w('verifyTitle'), status: 400, body: <VerifyPage shown={shown} token={trimmed.slice(0, MAX_TOKEN_LENGTH)} error={error} /> });
    }
    return renderPage(request, reply, { title: w(result.verdict), body: <VerifyPage shown={shown} token={trimmed} verdict={result.verdict} claims={result.claims} /> });
  };
  const verifyRoute = { config: { access: publicAccess }, schema: { hide: true } };
  app.get('/verify', verifyRoute, async (request, reply) => verify(request, reply, formText(request.query, 'token')));
  // The QR code's address: the token in the path (a wildcard, since tokens are longer than a route parameter may be).
  app.get('/verify/*', verifyRoute, async (request, reply) => verify(request, reply, (request.params as { '*': string })['*']));

  // ---- the public register ----
  const registerQuery = (request: FastifyRequest, pageSize: number) => {
    const pageText = formText(request.query, 'page');
    const page = pageText === '' ? 1 : Number(pageText);
    return { search: formText(request.query, 'q'), page: Number.isSafeInteger(page) ? page : Number.NaN, pageSize };
  };
  app.get('/licences', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const query = registerQuery(request, REGISTER_PAGE);
    const page = await registerOfLicences(db, jurisdictionId, query);
    const shown = shownFor(request);
    const words = await licenceWordsIn(db, jurisdictionId, shown.language);
    return renderPage(request, reply, { title: wordsFor(shown.language)('registerTitle'), wide: true, cacheable: true, body: <RegisterView shown={shown} page={page} named={page.entries.map((e) => licenceInWords(e, words))} search={query.search.trim()} /> });
  });
  const openData = (entry: RegisterEntry) => ({
    number: entry.number, service_code: entry.serviceCode, service: entry.service, holder: entry.holder, permits: entry.permits,
    conditions: entry.conditions, valid_from: entry.validFrom, valid_until: entry.validUntil, status: entry.status, issued_at: entry.issuedAt,
  });
  const openDataRoute = { config: { access: publicAccess }, schema: { tags: ['Licences'], summary: 'The public register of licences as open data', querystring: { type: 'object', properties: { q: { type: 'string' }, page: { type: 'string' } } } } };
  app.get('/licences.json', openDataRoute, async (request, reply) => {
    const page = await registerOfLicences(db, jurisdictionId, registerQuery(request, OPEN_DATA_PAGE));
    return reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*')
      .send({ total: page.total, page: page.page, pages: page.pages, licences: page.entries.map(openData) });
  });
  app.get('/licences.csv', openDataRoute, async (request, reply) => {
    const page = await registerOfLicences(db, jurisdictionId, registerQuery(request, OPEN_DATA_PAGE));
    const columns = ['number', 'service_code', 'service', 'holder', 'permits', 'conditions', 'valid_from', 'valid_until', 'status', 'issued_at'] as const;
    const lines = [columns.join(','), ...page.entries.map(openData).map((row) => columns.map((c) => {
      const value = row[c];
      return csvCell(Array.isArray(value) ? value.join('; ') : value ?? '');
    }).join(','))];
    if (page.pages > page.page) reply.header('link', `</licences.csv?${new URLSearchParams({ ...(registerQuery(request, 0).search ? { q: registerQuery(request, 0).search } : {}), page: String(page.page + 1) })}>; rel="next"`);
    return reply.header('cache-control', 'public, max-age=300').header('content-disposition', 'attachment; filename="licences.csv"')
      .type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
  });

  // ---- the licence itself ----
  /** Staff may see a licence when they may see its case; the refusal is audited by the case page's rules. */
  const staffMaySee = async (request: FastifyRequest, licence: LicenceRow) => {
    const departments = await caseDepartments(db, licence.jurisdiction_id, licence.case_id);
    return may(request.person, { action: 'case.view', record: { department: departments?.case_department ?? departments?.department_code ?? null } });
  };

  app.get('/licences/:number/pdf', { config: { access: publicAccess }, schema: { hide: true } }, async (request, reply) => {
    const { number } = request.params as { number: string };
    const key = formText(request.query, 'key');
    let licence: LicenceRow | null | undefined = null;
    if (key) licence = await licenceForHolder(db, jurisdictionId, number, key);
    else {
      // Without the key, only signed-in staff: anyone else is told where the link is (the route is public, for holders).
      if (request.person?.secondFactorDone) licence = await licenceByNumber(db, jurisdictionId, number);
      if (licence && !(await staffMaySee(request, licence))) throw forbidden('Only staff who may see the licence\'s case, and its holder, can download it.');
    }
    if (!licence) throw notFound('There is no licence with that number and key. Use the link in the email about your licence; staff sign in first.');
    // pdf-lib and the QR code library load on the first PDF asked for, not at every start.
    const { licencePdf } = await import('./pdf.js');
    const pdf = await licencePdf(licence, { council: config.jurisdiction.name, publicUrl: config.publicUrl, timeZone: config.jurisdiction.timeZone });
    return reply.header('cache-control', 'private, no-store').header('content-disposition', `inline; filename="${licence.number}.pdf"`).type('application/pdf').send(Buffer.from(pdf));
  });

  // ---- staff ----
  const staffPage = { config: { access: signedIn(staffRoles) }, schema: { hide: true } };
  app.get('/staff/licences', staffPage, async (request, reply) => {
    const text = formText(request.query, 'number').trim();
    let found: LicenceRow[] = [];
    let error: string | null = null;
    if (text) {
      const caseId = parseId(text);
      const candidates = caseId !== null ? await licencesOfCase(db, jurisdictionId, caseId) : [await licenceByNumber(db, jurisdictionId, text.toUpperCase())].filter((l): l is LicenceRow => Boolean(l));
      found = [];
      for (const licence of candidates) if (await staffMaySee(request, licence)) found.push(licence);
      if (found.length === 0) error = caseId !== null ? `Case ${caseId} has no licence you can see.` : `There is no licence ${text.slice(0, 40)} that you can see. Check the number.`;
    }
    return renderPage(request, reply, { title: 'Licences', englishOnly: true, wide: true, status: error ? 404 : 200, body: <StaffLicenceList licences={found} caseId="" number={text.slice(0, 40)} error={error} /> });
  });

  const loadForStaff = async (request: FastifyRequest) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound('There is no such licence.');
    const licence = await findLicence(db, jurisdictionId, id);
    if (!(await staffMaySee(request, licence))) throw forbidden('This licence is on another department\'s case. Ask a supervisor if you need to work on it.');
    return licence;
  };
  const showStaffPage = (request: FastifyRequest, reply: FastifyReply, licence: LicenceRow, extras: { errors?: Record<string, string>; reason?: string; done?: string | null; status?: number } = {}) => {
    const allowed = statusChanges.filter((c) => (c === 'reinstate' ? licence.status === 'suspended' : c === 'suspend' ? licence.status === 'issued' : ['issued', 'suspended'].includes(licence.status)));
    return renderPage(request, reply, {
      title: `Licence ${licence.number}`, englishOnly: true, status: extras.status,
      body: <StaffLicencePage licence={licence} timeZone={config.jurisdiction.timeZone} csrf={request.person!.csrfToken} allowed={allowed}
        errors={extras.errors ?? {}} reason={extras.reason ?? ''} done={extras.done ?? null} canChange={(changingRoles as readonly string[]).includes(request.person!.role)} />,
    });
  };
  app.get('/staff/licences/:id', staffPage, async (request, reply) => {
    const licence = await loadForStaff(request);
    const done = formText(request.query, 'done');
    return showStaffPage(request, reply, licence, { done: ['suspended', 'reinstated', 'revoked'].includes(done) ? `The licence was ${done}.` : null });
  });
  app.post('/staff/licences/:id/status', { config: { access: signedIn([...changingRoles]) }, schema: { hide: true } }, async (request, reply) => {
    const licence = await loadForStaff(request);
    const change = formText(request.body, 'change') as StatusChange;
    const reason = formText(request.body, 'reason');
    if (!statusChanges.includes(change)) return showStaffPage(request, reply, licence, { errors: { reason: 'Choose suspend, reinstate or revoke.' }, reason, status: 400 });
    if (!reason.trim()) return showStaffPage(request, reply, licence, { errors: { reason: 'Enter the reason: the holder and the audit trail need it.' }, reason, status: 400 });
    if (reason.length > 1_000) return showStaffPage(request, reply, licence, { errors: { reason: `The reason must be 1000 characters or fewer; it has ${reason.length}.` }, reason, status: 400 });
    const person = request.person!;
    const actor = actorOf(request, await departmentIdOf(db, person.department));
    const changed = await changeLicenceStatus(db, engine, licence.id, change, reason, actor, randomUUID());
    return reply.redirect(`/staff/licences/${changed.id}?done=${change === 'suspend' ? 'suspended' : change === 'reinstate' ? 'reinstated' : 'revoked'}`, 303);
  });
}
