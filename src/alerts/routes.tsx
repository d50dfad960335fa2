/**
 * The routes of emergency alerts. Public: /alerts (in force, with a map), /alerts/archive,
 * /alerts/{id} and its CAP message /alerts/{id}.cap.xml, /alerts.atom and /alerts.geojson; only
 * Actual alerts of scope Public, approved, are ever served there (anything else is 404). Staff:
 * /staff/alerts (every alert, its CAP message), and for emergency officers and system
 * administrators the drafting, approval and rejection.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { translate } from '../i18n/i18n.js';
import { publicAccess, signedIn } from '../identity/access.js';
import { staffRoles } from '../identity/policy.js';
import { getPlace, listAreas } from '../places/places.js';
import { boxToRing, formatCapPolygon, looksLikeGeoJson } from '../places/geometry.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError, notFound } from '../platform/errors.js';
import { parseId } from '../platform/ids.js';
import { formatInZone, nowIso } from '../platform/time.js';
import { wallClockToUtc } from '../platform/zoned-time.js';
import { userNames } from '../staff/store.js';
import { formText } from '../web/forms.js';
import { alertTexts } from './texts.js';
import { renderPage } from '../web/page.js';
import {
  alertFollowers, alertList, alertRoles, alertStageCounts, approveAlert, currentPublicAlerts, draftAlert, editAlert, findAlert, isPublic,
  publicAlertArchive, rejectAlert, toInput, type AlertActor, type AlertInput,
} from './alerts.js';
import { alertsInForce } from './banner.js';
import { alertsGeoJson, CAP_MEDIA_TYPE, capAtomFeed, capXml, type CapContext } from './cap.js';
import { alertDeliveryFigures } from './fan-out.js';
import type { Alert } from './types.js';
import { AlertForm, AlertPage, AlertsPage, ArchivePage, formLanguages, StaffAlertList, StaffAlertPage, type AlertFormValues, type AlertState } from './views.js';

/** A feed's ?lang=: a plain language code, else English. */
const feedLanguage = (request: FastifyRequest) => { const code = formText(request.query, 'lang'); return /^[a-z]{2,3}$/.test(code) ? code : 'en'; };
const NOT_FOUND = 'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.';
const CAP_SUFFIX = '.cap.xml';

export async function alertRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const timeZone = config.jurisdiction.timeZone;
  const capContext = (): CapContext => ({ publicUrl: config.publicUrl, council: config.jurisdiction.name, timeZone });
  const mapSettings = () => ({ ...app.site.map, bounds: config.jurisdiction.bounds });
  const open = { access: publicAccess };
  const staff = { access: signedIn(staffRoles) };
  const officers = { access: signedIn(alertRoles) };
  const actorOf = (request: FastifyRequest): AlertActor => ({ userId: request.person!.userId, role: request.person!.role });

  /** The id in /alerts/{id} or /alerts/{id}.cap.xml, and which was asked for. */
  const idOf = (request: FastifyRequest) => {
    const text = (request.params as { id: string }).id;
    const cap = text.endsWith(CAP_SUFFIX);
    return { id: parseId(cap ? text.slice(0, -CAP_SUFFIX.length) : text), cap };
  };
  const sendCap = async (reply: FastifyReply, alert: Alert) => {
    const earlier = alert.referencesId !== null ? await findAlert(db, alert.referencesId) : null;
    return reply.type(`${CAP_MEDIA_TYPE}; charset=utf-8`).send(capXml(alert, earlier, capContext()));
  };

  // ---- public ----

  app.get('/alerts', { config: open, schema: { hide: true } }, async (request, reply) => {
    const { t, language } = translate(request);
    return renderPage(request, reply, { title: t('alerts.title'), body: <AlertsPage alerts={await alertsInForce(db)} language={language.code} timeZone={timeZone} map={mapSettings()} /> });
  });

  app.get('/alerts/archive', { config: open, schema: { hide: true } }, async (request, reply) => {
    const { t, language } = translate(request);
    return renderPage(request, reply, { title: t('alerts.archiveTitle'), body: <ArchivePage alerts={await publicAlertArchive(db)} language={language.code} timeZone={timeZone} /> });
  });

  app.get('/alerts.atom', { config: open, schema: { tags: ['Alerts'], summary: 'The public alerts in force (Atom, OASIS CAP feed conventions), Cancels included' } }, async (request, reply) => {
    const language = feedLanguage(request);
    const alerts = await currentPublicAlerts(db, { includeCancels: true });
    return reply.header('cache-control', 'public, max-age=30').type('application/atom+xml; charset=utf-8').send(capAtomFeed(alerts, capContext(), language));
  });

  app.get('/alerts.geojson', { config: open, schema: { tags: ['Alerts'], summary: 'The areas of the public alerts in force (GeoJSON FeatureCollection)' } }, async (request, reply) => {
    const language = feedLanguage(request);
    return reply.header('cache-control', 'public, max-age=30').type('application/geo+json').send(alertsGeoJson(await alertsInForce(db), capContext(), language));
  });

  app.get('/alerts/:id', { config: open, schema: { hide: true } }, async (request, reply) => {
    const { id, cap } = idOf(request);
    const alert = id !== null ? await findAlert(db, id).catch(() => null) : null;
    if (!alert || !isPublic(alert)) throw notFound(NOT_FOUND);
    if (cap) return sendCap(reply, alert);
    const followers = (await alertFollowers(db, alert.id)).filter((f) => f.stage === 'approved');
    const latest = followers[followers.length - 1];
    const state: AlertState = alert.msgType === 'Cancel' || latest?.msg_type === 'Cancel' ? 'cancelled' : latest ? 'replaced' : alert.expires <= nowIso() ? 'expired' : 'current';
    const { language } = translate(request);
    const info = alert.infos.find((i) => i.language === language.code) ?? alert.infos.find((i) => i.language === 'en') ?? alert.infos[0]!;
    return renderPage(request, reply, {
      title: info.headline,
      body: <AlertPage alert={alert} language={language.code} timeZone={timeZone} map={mapSettings()} state={state} latestId={latest && latest.msg_type !== 'Cancel' ? latest.id : null} />,
    });
  });

  // ---- staff ----

  const mayAuthor = (request: FastifyRequest) => alertRoles.includes(request.person!.role);

  app.get('/staff/alerts', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const alerts = await alertList(db);
    const figures = new Map(await Promise.all(alerts.filter((a) => a.stage === 'approved').map(async (a) => [a.id, await alertDeliveryFigures(db, a.id)] as const)));
    return renderPage(request, reply, {
      title: 'Emergency alerts', englishOnly: true, wide: true,
      body: <StaffAlertList alerts={alerts} figures={figures} counts={await alertStageCounts(db)} timeZone={timeZone} mayAuthor={mayAuthor(request)} />,
    });
  });

  const localTime = (iso: string | null) => (iso ? formatInZone(iso, timeZone).slice(0, 16) : '');
  /** A datetime-local value in the council's time as UTC; '' when empty; an unreadable one stays unreadable. */
  const utcOf = (text: string): string => {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(text.trim());
    if (!text.trim()) return '';
    if (!m) return 'not a time';
    return new Date(wallClockToUtc(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])), timeZone)).toISOString();
  };

  const emptyValues = (): AlertFormValues => ({
    msgType: 'Alert', status: 'Actual', scope: 'Public', referencesId: '', areaPlace: '', areaDescription: '', polygons: '', circles: '',
    onset: '', expires: localTime(new Date(Date.now() + 24 * 3_600_000).toISOString()), categories: [], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', infos: {},
  });

  const valuesOf = (alert: Alert): AlertFormValues => {
    const input = toInput(alert);
    const first = alert.infos[0]!;
    return {
      msgType: alert.msgType, status: alert.status, scope: alert.scope, referencesId: alert.referencesId === null ? '' : String(alert.referencesId), areaPlace: '',
      areaDescription: alert.areaDescription, polygons: input.polygons.join('\n'), circles: input.circles.join('\n'), onset: localTime(alert.onset), expires: localTime(alert.expires),
      categories: first.categories, urgency: first.urgency, severity: first.severity, certainty: first.certainty,
      infos: Object.fromEntries(alert.infos.map((i) => [i.language, { event: i.event, headline: i.headline, description: i.description, instruction: i.instruction, web: i.web ?? '', contact: i.contact ?? '' }])),
    };
  };

  const readForm = (body: unknown): AlertFormValues => {
    const list = (name: string) => { const v = (body as Record<string, unknown> | undefined)?.[name]; return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string'); };
    const text = (name: string) => formText(body, name).slice(0, 20_000);
    return {
      msgType: text('msgType'), status: text('status'), scope: text('scope'), referencesId: text('referencesId').trim(), areaPlace: text('areaPlace'),
      areaDescription: text('areaDescription'), polygons: text('polygons'), circles: text('circles'), onset: text('onset'), expires: text('expires'),
      categories: list('categories').slice(0, 20), urgency: text('urgency'), severity: text('severity'), certainty: text('certainty'),
      infos: Object.fromEntries(formLanguages.map(({ code }) => [code, {
        event: text(`${code}-event`), headline: text(`${code}-headline`), description: text(`${code}-description`),
        instruction: text(`${code}-instruction`), web: text(`${code}-web`), contact: text(`${code}-contact`),
      }])),
    };
  };

  /** The form as the domain's input: a named area becomes its box as a polygon; an empty language is left out. */
  const inputOf = async (values: AlertFormValues): Promise<AlertInput> => {
    // GeoJSON pasted whole is one entry; CAP polygons are one a line.
    const polygons = looksLikeGeoJson(values.polygons) ? [values.polygons.trim()] : values.polygons.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    let areaDescription = values.areaDescription.trim();
    const placeId = parseId(values.areaPlace);
    if (placeId !== null) {
      const place = await getPlace(db, config.jurisdiction.id, placeId);
      if (place?.bounds) {
        polygons.unshift(formatCapPolygon(boxToRing(place.bounds)));
        if (!areaDescription) areaDescription = place.name;
      }
    }
    const referencesId = values.referencesId ? parseId(values.referencesId) ?? -1 : null;
    return {
      msgType: values.msgType, status: values.status, scope: values.scope, referencesId, areaDescription, polygons,
      circles: values.circles.split(/\r?\n/).map((l) => l.trim()).filter(Boolean), onset: utcOf(values.onset) || null, expires: utcOf(values.expires),
      infos: formLanguages.flatMap(({ code }) => {
        const v = values.infos[code]!;
        const written = [v.event, v.headline, v.description, v.instruction].some((x) => x.trim());
        return code === 'en' || written ? [{ language: code, categories: values.categories, urgency: values.urgency, severity: values.severity, certainty: values.certainty, ...v }] : [];
      }),
    };
  };

  const showForm = async (request: FastifyRequest, reply: FastifyReply, form: { action: string; heading: string; values: AlertFormValues; problems?: string[] }) => {
    const areas = (await listAreas(db, config.jurisdiction.id)).filter((a) => a.bounds).map((a) => ({ id: a.id, name: a.name }));
    return renderPage(request, reply, {
      title: form.problems?.length ? `Error: ${form.heading}` : form.heading, englishOnly: true, wide: true, status: form.problems?.length ? 400 : 200,
      body: <AlertForm action={form.action} heading={form.heading} csrf={request.person!.csrfToken} values={form.values} problems={form.problems ?? []} areas={areas} map={mapSettings()} />,
    });
  };

  /** Runs a change; an invalid form comes back with every problem. */
  const saving = async (request: FastifyRequest, reply: FastifyReply, form: { action: string; heading: string; values: AlertFormValues }, save: (input: AlertInput) => Promise<Alert>) => {
    try {
      const alert = await save(await inputOf(form.values));
      return reply.redirect(`/staff/alerts/${alert.id}`, 303);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return showForm(request, reply, { ...form, problems: error.problems });
      throw error;
    }
  };

  app.get('/staff/alerts/new', { config: officers, schema: { hide: true } }, async (request, reply) => {
    const follows = parseId(formText(request.query, 'follows'));
    const type = formText(request.query, 'type') === 'Cancel' ? 'Cancel' : 'Update';
    if (follows === null) return showForm(request, reply, { action: '/staff/alerts', heading: 'Draft an alert', values: emptyValues() });
    const earlier = await findAlert(db, follows);
    return showForm(request, reply, { action: '/staff/alerts', heading: `Draft ${type === 'Cancel' ? 'a Cancel' : 'an Update'} of alert ${earlier.id}`, values: { ...valuesOf(earlier), msgType: type, referencesId: String(earlier.id) } });
  });

  app.post('/staff/alerts', { config: officers, schema: { hide: true } }, async (request, reply) =>
    saving(request, reply, { action: '/staff/alerts', heading: 'Draft an alert', values: readForm(request.body) },
      (input) => draftAlert(db, input, actorOf(request), { sender: config.jurisdiction.id })));

  const staffAlert = async (request: FastifyRequest, reply: FastifyReply, alert: Alert, problems: string[] = []) => {
    const references = alert.referencesId !== null ? await findAlert(db, alert.referencesId) : null;
    const names = await userNames(db, keyring, [alert.draftedBy, ...(alert.approvedBy !== null ? [alert.approvedBy] : [])]);
    return renderPage(request, reply, {
      title: `Alert ${alert.id}`, englishOnly: true, wide: true, status: problems.length ? 400 : 200,
      body: <StaffAlertPage alert={alert} references={references} followers={await alertFollowers(db, alert.id)} figures={await alertDeliveryFigures(db, alert.id)}
        timeZone={timeZone} csrf={request.person!.csrfToken} viewer={{ userId: request.person!.userId, mayAuthor: mayAuthor(request) }} problems={problems} names={names}
        texts={alert.infos.map((info) => alertTexts(alert, info.language, { publicUrl: config.publicUrl, council: config.jurisdiction.name }))} />,
    });
  };

  app.get('/staff/alerts/:id', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const { id, cap } = idOf(request);
    if (id === null) throw notFound(NOT_FOUND);
    const alert = await findAlert(db, id);
    return cap ? sendCap(reply, alert) : staffAlert(request, reply, alert);
  });

  // The figures the officer's page keeps current while the messages go out (assets/alert-deliveries.js).
  app.get('/staff/alerts/:id/deliveries.json', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const alert = await findAlert(db, idParam(request));
    return reply.header('cache-control', 'no-store').send(await alertDeliveryFigures(db, alert.id));
  });

  const idParam = (request: FastifyRequest) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === null) throw notFound(NOT_FOUND);
    return id;
  };

  app.get('/staff/alerts/:id/edit', { config: officers, schema: { hide: true } }, async (request, reply) => {
    const alert = await findAlert(db, idParam(request));
    return showForm(request, reply, { action: `/staff/alerts/${alert.id}`, heading: `Change the draft of alert ${alert.id}`, values: valuesOf(alert) });
  });

  app.post('/staff/alerts/:id', { config: officers, schema: { hide: true } }, async (request, reply) => {
    const id = idParam(request);
    return saving(request, reply, { action: `/staff/alerts/${id}`, heading: `Change the draft of alert ${id}`, values: readForm(request.body) },
      (input) => editAlert(db, id, input, actorOf(request)));
  });

  const deciding = (decide: (request: FastifyRequest, id: number) => Promise<Alert>) => async (request: FastifyRequest, reply: FastifyReply) => {
    const id = idParam(request);
    try {
      await decide(request, id);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return staffAlert(request, reply, await findAlert(db, id), error.problems);
      throw error;
    }
    return reply.redirect(`/staff/alerts/${id}`, 303);
  };
  app.post('/staff/alerts/:id/approve', { config: officers, schema: { hide: true } }, deciding((request, id) => approveAlert(db, id, actorOf(request))));
  app.post('/staff/alerts/:id/reject', { config: officers, schema: { hide: true } }, deciding((request, id) => rejectAlert(db, id, formText(request.body, 'reason'), actorOf(request))));
}
