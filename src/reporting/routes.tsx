/**
 * "Report a problem": one question per page, every page working without JavaScript. The answers
 * wait in a server-side draft (drafts.ts) until the resident checks them and sends the report;
 * then the case, its photos, the reporter's follow and the confirmation email are written in one
 * transaction, and the draft is deleted in it too, so a second click cannot send a second case.
 */
import { withinBounds } from '../config.js';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { getServiceForReport, listServices, withServiceText } from '../catalogue/catalogue.js';
import { localizeService } from '../catalogue/localize.js';
import type { Service } from '../catalogue/types.js';
import { translate, type MessageKey } from '../i18n/i18n.js';
import { accountOf, rememberLanguage } from '../identity/users.js';
import { addDraftPhoto, draftPhotos, MAX_PHOTOS, photoUrl, preparePhoto, removeDraftPhoto, removeDraftPhotos } from '../media/photos.js';
import { acceptUploads } from '../media/uploads.js';
import { findPlaces, getPlace, nearestAddress } from '../places/places.js';
import { publicAccess } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { perMinute } from '../platform/rate-limit.js';
import { checkAnswers } from '../cases/answers.js';
import { getServiceRequest } from '../cases/queries.js';
import { MAX_DESCRIPTION } from '../cases/validate.js';
import { submitCase } from '../cases/submit.js';
import { countJourneySent, countJourneyStarted } from '../performance/journeys.js';
import { nearbyOpenReports } from '../tracking/nearby.js';
import { csrfToken } from '../web/csrf.js';
import { formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { describeProblem, fieldName, questionsOf, readAnswers, typedFromAnswers } from './details.js';
import { clearDraftCookie, deleteDraft, firstUnanswered, loadDraft, reachable, saveDraft, signedInUser, startDraft, stepPath, type Draft, type DraftData, type Step } from './drafts.js';
import { CheckPage, ContactPage, DetailsPage, DonePage, LocationPage, NearbyPage, PhotosPage, ResumePage, ServicePage, StartAgainPage, type LocationView } from './views.js';

const PHOTO_BYTES = 10 * 1024 * 1024;
const NEARBY_METRES = 250;
const MAX_LOCATION_NOTE = 500;
const MAX_CONTACT = 200;

type Form = Record<string, unknown>;
const access = { config: { access: publicAccess }, schema: { hide: true } };

/** A number typed as degrees: digits with an optional sign and decimal point. */
const degrees = (text: string): number | null => (/^[-+]?(\d{1,3}(\.\d+)?|\.\d+)$/.test(text) ? Number(text) : null);

export async function reportRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  // A scope of its own: the send button's rate limit, and multipart forms for photos only.
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'report submissions rate-limited'),
    });
    await journey(scope, deps);
  });
}

async function journey(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const bounds = config.jurisdiction.bounds;
  const csrf = (request: FastifyRequest, reply: FastifyReply) => csrfToken(request, reply, app.site.secure);
  const show = (request: FastifyRequest, reply: FastifyReply, titleKey: MessageKey, body: ComponentChildren, errors: FieldErrors = {}, status?: number) => {
    const { t } = translate(request);
    const title = t(titleKey);
    const hasErrors = Object.keys(errors).length > 0;
    return renderPage(request, reply, { title: hasErrors ? t('report.errorTitle', { title }) : title, body, status: status ?? (hasErrors ? 400 : 200) });
  };
  const startAgain = (request: FastifyRequest, reply: FastifyReply, sent = false) =>
    show(request, reply, sent ? 'report.startAgain.sentTitle' : 'report.startAgain.title', <StartAgainPage sent={sent} />);
  const fromCheck = (request: FastifyRequest) => formText(request.method === 'GET' ? request.query : request.body, 'from') === 'check';

  /** The draft, when this step may be shown; otherwise the reply is sent (start again, or the first unanswered step). */
  async function draftFor(request: FastifyRequest, reply: FastifyReply, step: Step): Promise<Draft | null> {
    const draft = await loadDraft(db, keyring, request, jurisdictionId);
    if (!draft) {
      startAgain(request, reply);
      return null;
    }
    const signedIn = signedInUser(request) !== null;
    if (!reachable(step, draft.data, signedIn)) {
      reply.redirect(stepPath(firstUnanswered(draft.data, signedIn)), 303);
      return null;
    }
    return draft;
  }

  /**
   * Saves the draft after a step is posted. The first step posted with a service chosen counts a
   * journey started (performance/journeys.ts): a number per service and day, nothing about the
   * person; the draft keeps only that it was counted, so the sending is counted against it.
   */
  async function save(request: FastifyRequest, reply: FastifyReply, draft: Draft) {
    if (draft.data.service && !draft.data.counted) draft.data.counted = await countJourneyStarted(db, config.jurisdiction, draft.data.service);
    await saveDraft(db, keyring, request, reply, draft);
  }

  /** After an answer: back to "Check your answers" when changing one (if all is answered), else the next step. */
  function next(request: FastifyRequest, reply: FastifyReply, draft: Draft, following: string) {
    const first = firstUnanswered(draft.data, signedInUser(request) !== null);
    return reply.redirect(fromCheck(request) ? stepPath(first) : following, 303);
  }

  /** The service, in the language of the request's pages when one is given. */
  const activeService = async (code: string, request?: FastifyRequest): Promise<Service | undefined> => {
    try {
      const service = await getServiceForReport(db, jurisdictionId, code);
      if (!service.active) return undefined;
      return request ? localizeService(service, translate(request).language.code) : service;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return undefined;
      throw error;
    }
  };
  const inside = (lat: number, long: number) => withinBounds(bounds, lat, long);

  // ---- Start ----
  /** The answers a start link (or the "start a new report" form) brings: a service, and maybe the place. */
  const startData = async (fields: Form): Promise<DraftData> => {
    const data: DraftData = {};
    const code = formText(fields, 'service');
    if (code && (await activeService(code))) data.service = code;
    // A link from a map ("report a problem here") may bring the place too.
    const lat = degrees(formText(fields, 'lat'));
    const long = degrees(formText(fields, 'long'));
    if (data.service && lat !== null && long !== null && inside(lat, long)) Object.assign(data, { lat, long, locationDone: true });
    return data;
  };
  const firstStep = (request: FastifyRequest, data: DraftData) => (data.locationDone ? '/report/nearby' : stepPath(firstUnanswered(data, signedInUser(request) !== null)));
  /** Something answered already: starting again would lose it. */
  const inProgress = (data: DraftData) => Object.values(data).some((value) => value !== undefined && value !== false);
  // A GET never deletes a report being written (prefetchers, a second press of "Report a problem"):
  // with none, one is started; with an empty one, it is used; otherwise the person chooses.
  app.get('/report/new', access, async (request, reply) => {
    const query = request.query as Form;
    const data = await startData(query);
    const draft = await loadDraft(db, keyring, request, jurisdictionId);
    if (!draft) {
      await startDraft(db, keyring, request, reply, jurisdictionId, data);
      return reply.redirect(firstStep(request, data), 303);
    }
    if (!inProgress(draft.data)) {
      draft.data = data;
      await saveDraft(db, keyring, request, reply, draft);
      return reply.redirect(firstStep(request, data), 303);
    }
    const signedIn = signedInUser(request) !== null;
    const continueHref = stepPath(firstUnanswered(draft.data, signedIn));
    // The same service asked for again: carry on with it.
    if (data.service && data.service === draft.data.service && !data.locationDone) return reply.redirect(continueHref, 303);
    const current = draft.data.service ? await activeService(draft.data.service, request) : undefined;
    const start = { service: data.service, lat: data.locationDone ? String(data.lat) : undefined, long: data.locationDone ? String(data.long) : undefined };
    const { t } = translate(request);
    return renderPage(request, reply, {
      title: t('report.resume.title'),
      body: <ResumePage continueHref={continueHref} serviceName={current?.name ?? null} start={start} csrf={csrf(request, reply)} />,
    });
  });
  // "Start a new report": the one in progress, and its photos, are deleted.
  app.post('/report/new', access, async (request, reply) => {
    const data = await startData(request.body as Form);
    const old = await loadDraft(db, keyring, request, jurisdictionId);
    if (old) await removeDraftPhotos(db, old.id);
    await startDraft(db, keyring, request, reply, jurisdictionId, data);
    return reply.redirect(firstStep(request, data), 303);
  });

  // ---- Service ----
  const servicePage = async (request: FastifyRequest, reply: FastifyReply, chosen: string | undefined, errors: FieldErrors) =>
    show(request, reply, 'report.service.title', <ServicePage services={(await listServices(db, jurisdictionId)).map((s) => localizeService(s, translate(request).language.code))} chosen={chosen} errors={errors}
      csrf={csrf(request, reply)} fromCheck={fromCheck(request)} />, errors);
  app.get('/report/service', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'service');
    if (draft) return servicePage(request, reply, draft.data.service, {});
  });
  app.post('/report/service', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'service');
    if (!draft) return;
    const code = formText(request.body, 'service');
    if (!code || !(await activeService(code))) return servicePage(request, reply, undefined, { service: translate(request).t('report.service.error') });
    if (code !== draft.data.service) {
      // Another service asks other questions: those answers no longer apply.
      draft.data.service = code;
      delete draft.data.attributes;
      draft.data.detailsDone = false;
    }
    await save(request, reply, draft);
    return next(request, reply, draft, '/report/location');
  });

  // ---- Location ----
  const locationPage = (request: FastifyRequest, reply: FastifyReply, draft: Draft, extra: Partial<LocationView> & { errors?: FieldErrors } = {}) => {
    const errors = extra.errors ?? {};
    return show(request, reply, 'report.location.title', <LocationPage draft={draft.data} bounds={bounds} map={app.site.map} csrf={csrf(request, reply)}
      fromCheck={fromCheck(request)} {...extra} errors={errors} />, errors);
  };
  const search = async (query: string) => {
    const found = await findPlaces(db, jurisdictionId, query, { limit: 10 });
    return { results: found.places.filter((p) => inside(p.lat, p.long)), numberNotFound: found.numberNotFound };
  };
  app.get('/report/location', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'location');
    if (draft) return locationPage(request, reply, draft);
  });
  app.post('/report/location/search', { ...access, config: { ...access.config, rateLimit: perMinute(config.reportRateLimit * 2) } }, async (request, reply) => {
    const draft = await draftFor(request, reply, 'location');
    if (!draft) return;
    const query = formText(request.body, 'q').trim().slice(0, 200);
    if (query === '') return locationPage(request, reply, draft, { errors: { q: translate(request).t('report.location.errorSearch') } });
    return locationPage(request, reply, draft, { query, ...await search(query) });
  });
  app.post('/report/location/place', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'location');
    if (!draft) return;
    const id = parseId(formText(request.body, 'place'));
    const place = id !== null && id > 0 ? await getPlace(db, jurisdictionId, id) : undefined;
    if (!place || !inside(place.lat, place.long)) {
      const query = formText(request.body, 'q').trim().slice(0, 200);
      return locationPage(request, reply, draft, { query, ...(query ? await search(query) : { results: [] }), errors: { place: translate(request).t('report.location.errorPlace') } });
    }
    if (place.kind !== 'address') {
      // A street or an area is a long way from a point: show it on the map and ask for the spot.
      Object.assign(draft.data, { lat: place.lat, long: place.long, placeName: place.name });
      await save(request, reply, draft);
      return locationPage(request, reply, draft, { refine: true, lat: String(place.lat), long: String(place.long) });
    }
    Object.assign(draft.data, { lat: place.lat, long: place.long, placeName: place.name, locationDone: true });
    await save(request, reply, draft);
    return next(request, reply, draft, '/report/nearby');
  });
  app.post('/report/location', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'location');
    if (!draft) return;
    const { t } = translate(request);
    const body = request.body as Form;
    const latText = formText(body, 'lat').trim();
    const longText = formText(body, 'long').trim();
    const note = formText(body, 'note').trim();
    const errors: FieldErrors = {};
    const lat = degrees(latText);
    const long = degrees(longText);
    if (latText !== '' || longText !== '') {
      if (latText === '') errors.lat = t('report.location.errorLatMissing');
      else if (lat === null || Math.abs(lat) > 90) errors.lat = t('report.location.errorLat');
      if (longText === '') errors.long = t('report.location.errorLongMissing');
      else if (long === null || Math.abs(long) > 180) errors.long = t('report.location.errorLong');
      if (Object.keys(errors).length === 0 && !inside(lat!, long!)) errors.lat = t('report.location.errorOutside', { council: app.site.council });
    } else if (note === '') errors.lat = t('report.location.errorNone');
    if ([...note].length > MAX_LOCATION_NOTE) errors.note = t('report.location.errorNoteLong', { limit: MAX_LOCATION_NOTE });
    if (Object.keys(errors).length > 0) return locationPage(request, reply, draft, { errors, lat: latText, long: longText, note });
    const moved = lat !== draft.data.lat || long !== draft.data.long;
    draft.data = { ...draft.data, lat: lat ?? undefined, long: long ?? undefined, locationNote: note || undefined, locationDone: true };
    if (moved || lat === null) delete draft.data.placeName;
    await save(request, reply, draft);
    return next(request, reply, draft, '/report/nearby');
  });

  // ---- Reports nearby: "is this your problem?" ----
  app.get('/report/nearby', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'details');
    if (!draft) return;
    const { service, lat, long } = draft.data;
    const reports = service && lat !== undefined && long !== undefined
      ? await nearbyOpenReports(db, jurisdictionId, { serviceCode: service, lat, long, radiusMetres: NEARBY_METRES, limit: 10 }) : [];
    if (reports.length === 0) return reply.redirect('/report/details', 303);
    const { language } = translate(request);
    // Every report here is of the service chosen: named in the reader's language.
    const chosenName = (await activeService(service!, request))?.name;
    if (chosenName) for (const report of reports) report.serviceName = chosenName;
    const format = new Intl.DateTimeFormat(language.code, { dateStyle: 'medium', timeZone: config.jurisdiction.timeZone });
    return show(request, reply, 'report.nearby.title', <NearbyPage reports={reports} csrf={csrf(request, reply)} when={(iso) => format.format(new Date(iso))} />);
  });

  // ---- Details: the description and the service's questions ----
  const detailsPage = (request: FastifyRequest, reply: FastifyReply, service: Service, typed: Record<string, string | string[]>, description: string, errors: FieldErrors) =>
    show(request, reply, 'report.details.title', <DetailsPage service={service} typed={typed} description={description} descriptionRequired={questionsOf(service).length === 0}
      errors={errors} csrf={csrf(request, reply)} fromCheck={fromCheck(request)} />, errors);
  app.get('/report/details', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'details');
    if (!draft) return;
    const service = await activeService(draft.data.service!, request);
    if (!service) return startAgain(request, reply);
    return detailsPage(request, reply, service, typedFromAnswers(service, draft.data.attributes ?? {}, config.jurisdiction.timeZone), draft.data.description ?? '', {});
  });
  app.post('/report/details', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'details');
    if (!draft) return;
    const service = await activeService(draft.data.service!, request);
    if (!service) return startAgain(request, reply);
    const { t } = translate(request);
    const body = request.body as Form;
    const { given, early, typed } = readAnswers(service, body, config.jurisdiction.timeZone, t);
    const { answers, problems } = checkAnswers(service, given);
    const errors: FieldErrors = {};
    const byCode = new Map(service.attributes.map((a) => [a.code, a]));
    // In the order of the questions on the page, so the error summary reads top to bottom.
    for (const attribute of questionsOf(service)) {
      const problem = problems.find((p) => p.code === attribute.code);
      if (early[attribute.code]) errors[fieldName(attribute.code)] = early[attribute.code]!;
      else if (problem) errors[fieldName(attribute.code)] = describeProblem(problem, byCode.get(problem.code), t);
    }
    const description = formText(body, 'description').trim();
    if (description === '' && questionsOf(service).length === 0) errors.description = t('report.details.errorDescription');
    else if ([...description].length > MAX_DESCRIPTION) errors.description = t('report.details.errorDescriptionLong', { limit: MAX_DESCRIPTION });
    if (Object.keys(errors).length > 0) return detailsPage(request, reply, service, typed, description, errors);
    Object.assign(draft.data, { attributes: answers, description: description || undefined, detailsDone: true });
    await save(request, reply, draft);
    return next(request, reply, draft, '/report/photos');
  });

  // ---- Photos ----
  const photosPage = async (request: FastifyRequest, reply: FastifyReply, draft: Draft, errors: FieldErrors) =>
    show(request, reply, 'report.photos.title', <PhotosPage photos={await draftPhotos(db, draft.id)} max={MAX_PHOTOS} errors={errors}
      csrf={csrf(request, reply)} fromCheck={fromCheck(request)} />, errors);
  const photosAgain = (request: FastifyRequest) => (fromCheck(request) ? '/report/photos?from=check' : '/report/photos');
  app.get('/report/photos', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'photos');
    if (draft) return photosPage(request, reply, draft, {});
  });
  // Only this route reads multipart forms, and only one file of at most 10 MB at a time.
  await app.register(async (scope) => {
    const uploadOf = await acceptUploads(scope, { maxBytes: PHOTO_BYTES, fields: 10 }, { db, forms: { publicUrl: () => config.publicUrl, secure: app.site.secure } });
    scope.post('/report/photos', { ...access, config: { ...access.config, rateLimit: perMinute(config.reportRateLimit * 2) } }, async (request, reply) => {
      const draft = await draftFor(request, reply, 'photos');
      if (!draft) return;
      const { t, known } = translate(request);
      const upload = uploadOf(request);
      if (upload?.truncated) return photosPage(request, reply, draft, { photo: t('report.photos.errorTooBig') });
      if (!upload || upload.bytes.length === 0) return photosPage(request, reply, draft, { photo: t('report.photos.errorNone') });
      if ((await draftPhotos(db, draft.id)).length >= MAX_PHOTOS) return photosPage(request, reply, draft, { photo: t('report.photos.errorTooMany', { max: MAX_PHOTOS }) });
      try {
        // Checked and re-encoded first: nothing is stored unless the whole photo is good.
        await addDraftPhoto(db, jurisdictionId, draft.id, await preparePhoto(upload.bytes));
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'invalid') return photosPage(request, reply, draft, { photo: known(error.message) });
        throw error;
      }
      await save(request, reply, draft);
      return reply.redirect(photosAgain(request), 303);
    });
  });
  app.post('/report/photos/:id/remove', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'photos');
    if (!draft) return;
    await removeDraftPhoto(db, draft.id, (request.params as { id: string }).id);
    return reply.redirect(photosAgain(request), 303);
  });
  app.post('/report/photos/done', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'photos');
    if (!draft) return;
    draft.data.photosDone = true;
    await save(request, reply, draft);
    return next(request, reply, draft, signedInUser(request) === null ? '/report/contact' : '/report/check');
  });

  // ---- Contact details (guests only) ----
  app.get('/report/contact', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'contact');
    if (draft) return show(request, reply, 'report.contact.title', <ContactPage contact={draft.data.contact ?? {}} errors={{}} csrf={csrf(request, reply)} fromCheck={fromCheck(request)} />);
  });
  app.post('/report/contact', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'contact');
    if (!draft) return;
    const { t } = translate(request);
    const body = request.body as Form;
    const contact = { name: formText(body, 'name').trim(), email: formText(body, 'email').trim(), phone: formText(body, 'phone').trim() };
    const errors: FieldErrors = {};
    if (contact.name.length > MAX_CONTACT) errors.name = t('report.contact.errorName', { limit: MAX_CONTACT });
    // The same rules as submitServiceRequest applies, said so a person can act on them.
    if (contact.email && (contact.email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact.email))) errors.email = t('report.contact.errorEmail');
    if (contact.phone && !/^[+0-9 ().-]{3,30}$/.test(contact.phone)) errors.phone = t('report.contact.errorPhone');
    if (Object.keys(errors).length > 0) {
      return show(request, reply, 'report.contact.title', <ContactPage contact={contact} errors={errors} csrf={csrf(request, reply)} fromCheck={fromCheck(request)} />, errors);
    }
    draft.data.contact = { name: contact.name || undefined, email: contact.email || undefined, phone: contact.phone || undefined };
    draft.data.contactDone = true;
    await save(request, reply, draft);
    return reply.redirect('/report/check', 303);
  });

  // ---- Check your answers, and send ----
  const emailOf = async (request: FastifyRequest, draft: Draft): Promise<string | null> => {
    const userId = signedInUser(request);
    if (userId !== null) return (await accountOf(db, keyring, userId)).email;
    return draft.data.contact?.email ?? null;
  };
  app.get('/report/check', access, async (request, reply) => {
    const draft = await draftFor(request, reply, 'check');
    if (!draft) return;
    const service = await activeService(draft.data.service!, request);
    if (!service) return startAgain(request, reply);
    const { lat, long } = draft.data;
    const near = !draft.data.placeName && lat !== undefined && long !== undefined ? await nearestAddress(db, jurisdictionId, { lat, long }) : null;
    return show(request, reply, 'report.check.title', <CheckPage service={service} draft={draft.data} photos={await draftPhotos(db, draft.id)} nearest={near?.place.name ?? null}
      email={await emailOf(request, draft)} signedIn={signedInUser(request) !== null} csrf={csrf(request, reply)} timeZone={config.jurisdiction.timeZone} />);
  });
  app.post('/report/check', { ...access, config: { ...access.config, rateLimit: perMinute(config.reportRateLimit) } }, async (request, reply) => {
    const draft = await loadDraft(db, keyring, request, jurisdictionId);
    // Sent already (a second click), or expired: nothing is sent twice.
    if (!draft) return startAgain(request, reply, true);
    const signedIn = signedInUser(request) !== null;
    if (firstUnanswered(draft.data, signedIn) !== 'check') return reply.redirect(stepPath(firstUnanswered(draft.data, signedIn)), 303);
    const userId = signedInUser(request);
    const data = draft.data;
    const email = await emailOf(request, draft);
    // What the photos are now, checked as the case's photo addresses; the case gets the ones
    // actually attached in the transaction (below), should they change meanwhile.
    const mediaUrls = (await draftPhotos(db, draft.id)).map((p) => photoUrl(config.publicUrl, p.id));
    const [firstName, ...rest] = (data.contact?.name ?? '').split(/\s+/).filter(Boolean);
    const where = [data.placeName, data.locationNote].filter(Boolean).join(' – ') || null;
    const service = await activeService(data.service!);
    if (!service) return startAgain(request, reply);
    let sent;
    try {
      sent = await submitCase(db, { jurisdiction: { id: jurisdictionId, bounds, timeZone: config.jurisdiction.timeZone }, keyring }, 'web', {
        serviceCode: data.service!, description: data.description ?? null, lat: data.lat ?? null, long: data.long ?? null, addressString: where,
        attributes: data.attributes ?? {}, mediaUrls,
        contact: {
          email, firstName: firstName ?? null, lastName: rest.join(' ') || null, phone: data.contact?.phone ?? null,
          accountId: userId === null ? null : String(userId),
        },
      }, {
        actor: { id: userId === null ? 'web' : `user:${userId}` },
        // One draft makes one case: a second, simultaneous click is refused by this key.
        idempotencyKey: `portal-draft:${draft.id}`,
        draftPhotos: { draftId: draft.id, publicUrl: config.publicUrl },
        ...(userId !== null ? { reporterFollowers: [userId] } : {}),
        // Updates about the case are written in the language of the pages it was reported in.
        reporterLanguage: translate(request).language.code,
        // The same acknowledgement as the API's, from the staff-editable template, in the language of the pages.
        ...(email ? { acknowledge: { email, language: translate(request).language.code, sender: { publicUrl: config.publicUrl, council: config.jurisdiction.name } } } : {}),
      });
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'conflict') return startAgain(request, reply, true);
      throw error;
    }
    // The draft has done its work; should this fail, its key keeps it from making a second case.
    await deleteDraft(db, draft.id);
    if (data.counted) await countJourneySent(db, jurisdictionId, data.counted);
    // A signed-in resident's messages about all their reports follow the language they report in.
    if (userId !== null) await rememberLanguage(db, userId, translate(request).language.code);
    clearDraftCookie(request, reply);
    return reply.redirect(`/report/done/${sent.id}${email ? '?email=1' : ''}`, 303);
  });

  app.get('/report/done/:id', access, async (request, reply) => {
    const [report] = await withServiceText(db, jurisdictionId, translate(request).language.code,
      [await getServiceRequest(db, jurisdictionId, (request.params as { id: string }).id)]);
    const emailSent = formText(request.query, 'email') === '1';
    return show(request, reply, 'report.done.title', <DonePage id={report!.id} emailSent={emailSent} trackUrl={`/requests/${report!.id}`} notice={report!.serviceNotice} />);
  });
}
