/**
 * The "find the address" step of an address field, without JavaScript: the applicant searches
 * the council's places index, gets the list of matches on the same page, and chooses one (its
 * id, label and coordinates are kept; see addresses.ts), or types the address themselves.
 * Searches are rate-limited per client like the report journey's street search. The fields
 * are named after the address field ("<id>-q", "<id>-place"), so errors link to them.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withinBounds, type Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import { findPlaces, getPlace, type Place } from '../places/places.js';
import { notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { perMinute } from '../platform/rate-limit.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { withChosenPlace, type AddressSearch } from './addresses.js';
import type { Draft } from './applications.js';
import type { PageDefinition } from './definition.js';

/** A search made on an address field, shown on the page under that field. */

export interface AddressRouteDeps {
  db: DB;
  config: Config;
  draftFor: (request: FastifyRequest, id: string) => Promise<Draft>;
  pageOf: (draft: Draft, request: FastifyRequest, pageId: string) => { page: PageDefinition };
  showPage: (request: FastifyRequest, reply: FastifyReply, draft: Draft, pageId: string, typed: null, errors: FieldErrors, address?: AddressSearch) => Promise<unknown>;
  saveDraft: (draft: Draft) => Promise<void>;
}

const MAX_QUERY = 200;

export async function addressRoutes(app: FastifyInstance, deps: AddressRouteDeps): Promise<void> {
  const { db, config } = deps;
  const jurisdictionId = config.jurisdiction.id;
  const inside = (place: Place) => withinBounds(config.jurisdiction.bounds, place.lat, place.long);
  const route = { config: { access: publicAccess, rateLimit: perMinute(config.reportRateLimit * 2) }, schema: { hide: true } };

  /** The draft, page and address field a post names (all checked). */
  const target = async (request: FastifyRequest) => {
    const { draft: id, field: fieldId } = request.params as { draft: string; field: string };
    const draft = await deps.draftFor(request, id);
    const { page } = deps.pageOf(draft, request, formText(request.body, 'page'));
    const field = (page.fields ?? []).find((f) => f.id === fieldId && f.type === 'address');
    if (!field) throw notFound('That page asks for no such address.');
    return { draft, page, field };
  };
  const search = async (field: string, query: string): Promise<AddressSearch> => {
    const found = await findPlaces(db, jurisdictionId, query, { limit: 10 });
    return { field, query, results: found.places.filter(inside), numberNotFound: found.numberNotFound };
  };
  const sentAlready = (reply: FastifyReply, draft: Draft) => reply.redirect(`/apply/d/${draft.id}/sent`, 303);

  await app.register(async (scope) => {
    await scope.register(rateLimit, { global: false });

    scope.post('/apply/d/:draft/address/:field', route, async (request, reply) => {
      const { draft, page, field } = await target(request);
      if (draft.caseId !== null) return sentAlready(reply, draft);
      const query = formText(request.body, `${field.id}-q`).trim().slice(0, MAX_QUERY);
      if (query === '') return deps.showPage(request, reply, draft, page.id, null, { [`${field.id}-q`]: translate(request).t('report.location.errorSearch') }, { field: field.id, query, results: [], numberNotFound: null });
      return deps.showPage(request, reply, draft, page.id, null, {}, await search(field.id, query));
    });

    scope.post('/apply/d/:draft/address/:field/choose', route, async (request, reply) => {
      const { draft, page, field } = await target(request);
      if (draft.caseId !== null) return sentAlready(reply, draft);
      const id = parseId(formText(request.body, `${field.id}-place`));
      const place = id !== null && id > 0 ? await getPlace(db, jurisdictionId, id) : undefined;
      if (!place || !inside(place)) {
        const query = formText(request.body, `${field.id}-q`).trim().slice(0, MAX_QUERY);
        const found = query ? await search(field.id, query) : { field: field.id, query, results: [], numberNotFound: null };
        return deps.showPage(request, reply, draft, page.id, null, { [`${field.id}-place`]: translate(request).t('report.location.errorPlace') }, found);
      }
      await deps.saveDraft({ ...draft, answers: withChosenPlace(draft.answers, field.id, { id: place.id, label: place.name, lat: place.lat, long: place.long }) });
      return reply.redirect(`/apply/d/${draft.id}/page/${page.id}#${field.id}`, 303);
    });
  });
}
