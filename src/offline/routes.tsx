/**
 * The offline page and its short report form. The service worker (assets/sw.js) keeps a copy of
 * /offline and shows it when a page cannot be reached. With JavaScript, a report written while
 * offline waits on the device (assets/offline.js) and is sent here, as JSON, once the connection
 * returns. Without JavaScript the form is an ordinary form. Either way the report goes through
 * submitServiceRequest, the same checks as every other channel.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listServices } from '../catalogue/catalogue.js';
import type { Service } from '../catalogue/types.js';
import { withinBounds, type Bounds } from '../config.js';
import { translate, useTranslator, type MessageKey } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import { perMinute } from '../platform/rate-limit.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError } from '../platform/errors.js';
import { accountOf } from '../identity/users.js';
import { MAX_DESCRIPTION } from '../cases/validate.js';
import { caseSubmittedWithKey } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import { csrfToken } from '../web/csrf.js';
import { ErrorSummary, Field, formText, type FieldErrors } from '../web/forms.js';
import { renderPage } from '../web/page.js';

const fieldNames = ['service', 'description', 'address', 'lat', 'long', 'email'] as const;
type FieldName = (typeof fieldNames)[number];
type Values = Record<FieldName, string>;
type Problems = Partial<Record<FieldName, MessageKey>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A report's id on the device (offline.js: a random UUID). */
const CLIENT_ID = /^[A-Za-z0-9-]{8,100}$/;

/** The short form's own checks, each tied to its field; the rest is submitServiceRequest's. */
export function checkOfflineReport(values: Values, services: Service[], bounds: Bounds): Problems {
  const problems: Problems = {};
  const service = services.find((s) => s.code === values.service);
  if (!service) problems.service = 'offline.problem.service';
  // A service with questions that must be answered needs the full journey, which asks them.
  else if (service.attributes.some((a) => a.variable && a.required && !a.staffOnly)) problems.service = 'offline.problem.needsMore';
  const description = values.description.trim();
  if (!description) problems.description = 'offline.problem.description';
  else if ([...description].length > MAX_DESCRIPTION) problems.description = 'offline.problem.descriptionLong';
  const lat = values.lat.trim();
  const long = values.long.trim();
  if (lat || long) {
    const [y, x] = [Number(lat), Number(long)];
    if (!lat || !long || !Number.isFinite(y) || !Number.isFinite(x)) problems.lat = 'offline.problem.position';
    else if (!withinBounds(bounds, y, x)) problems.lat = 'offline.problem.outside';
  } else if (!values.address.trim()) problems.address = 'offline.problem.where';
  if (values.address.length > 500) problems.address = 'offline.problem.whereLong';
  const email = values.email.trim();
  if (email && (email.length > 254 || !EMAIL.test(email))) problems.email = 'offline.problem.email';
  return problems;
}

interface FormProps { csrf: string; services: Service[]; values: Values; errors: FieldErrors; boundsText: string }

function OfflineForm({ csrf, services, values, errors, boundsText }: FormProps) {
  const { t, rich } = useTranslator();
  const described = (name: string, hint: boolean) => [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  const ErrorText = ({ name }: { name: string }) => errors[name] ? <span class="error-message" id={`${name}-error`}>{t('form.errorPrefix')} {errors[name]}</span> : null;
  return (
    <form method="post" action="/offline/reports" novalidate data-offline-form="">
      <input type="hidden" name="_csrf" value={csrf} />
      <div class={errors.service ? 'field-error' : undefined}>
        <label for="service">{t('offline.service')}</label>
        <ErrorText name="service" />
        <select id="service" name="service" aria-describedby={described('service', false)} aria-invalid={errors.service ? 'true' : undefined}>
          <option value="">{t('offline.serviceChoose')}</option>
          {services.map((s) => <option key={s.code} value={s.code} selected={s.code === values.service}>{s.name}</option>)}
        </select>
      </div>
      <div class={errors.description ? 'field-error' : undefined}>
        <label for="description">{t('offline.description')}</label>
        <span class="hint" id="description-hint">{t('offline.descriptionHint')}</span>
        <ErrorText name="description" />
        <textarea id="description" name="description" rows={4} aria-describedby={described('description', true)}
          aria-invalid={errors.description ? 'true' : undefined}>{values.description}</textarea>
      </div>
      <Field name="address" label={t('offline.where')} hint={t('offline.whereHint')} value={values.address} error={errors.address} autocomplete="street-address" />
      <fieldset class={errors.lat ? 'offline-position field-error' : 'offline-position'} data-locate="lat,long" data-bounds={boundsText} aria-describedby={described('lat', true)}>
        <legend>{t('offline.position')}</legend>
        <span class="hint" id="lat-hint">{t('offline.positionHint')}</span>
        <ErrorText name="lat" />
        <div class="offline-coordinates">
          <div>
            <label for="lat">{t('offline.lat')}</label>
            <input id="lat" name="lat" type="text" inputmode="decimal" value={values.lat} aria-invalid={errors.lat ? 'true' : undefined} spellcheck={false} />
          </div>
          <div>
            <label for="long">{t('offline.long')}</label>
            <input id="long" name="long" type="text" inputmode="decimal" value={values.long} aria-invalid={errors.lat ? 'true' : undefined} spellcheck={false} />
          </div>
        </div>
      </fieldset>
      <Field name="email" type="email" label={t('offline.email')} hint={t('offline.emailHint')} value={values.email} error={errors.email} autocomplete="email" />
      <button type="submit">{t('offline.send')}</button>
      <p>{rich('offline.fullForm', { link: (chunks) => <a href="/report/new">{chunks}</a> })}</p>
    </form>
  );
}

function OfflinePage(props: FormProps) {
  const { t } = useTranslator();
  return (
    <>
      <ErrorSummary errors={props.errors} />
      <h1>{t('offline.title')}</h1>
      <p>{t('offline.intro')}</p>
      {/* offline.js lists the reports waiting on this device here, and says when one is sent. */}
      <div id="offline-drafts" class="offline-drafts" role="status" aria-live="polite"></div>
      <h2>{t('offline.formHeading')}</h2>
      <OfflineForm {...props} />
    </>
  );
}

function SentPage({ id }: { id: string }) {
  const { t } = useTranslator();
  return (
    <>
      <div class="offline-sent">
        <h1>{t('offline.sentHeading')}</h1>
        <p>{t('offline.reference', { reference: id })}</p>
      </div>
      <p><a href={`/requests/${id}`}>{t('offline.follow')}</a></p>
      <p><a href="/report/new">{t('offline.another')}</a></p>
    </>
  );
}

const wantsJson = (request: FastifyRequest) => (request.headers.accept ?? '').includes('application/json');
const emptyValues = (): Values => ({ service: '', description: '', address: '', lat: '', long: '', email: '' });

export async function offlineRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  // A scope of its own for the rate limit on reports sent from the offline page.
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      onExceeded: (request) => request.log.warn({ event: 'rate_limited', route: request.routeOptions.url }, 'offline report submissions rate-limited'),
    });
    offlinePage(scope, deps);
  });
}

function offlinePage(app: FastifyInstance, { db, config, keyring }: RouteDeps): void {
  const jurisdiction = { id: config.jurisdiction.id, bounds: config.jurisdiction.bounds, timeZone: config.jurisdiction.timeZone };
  const b = jurisdiction.bounds;
  const boundsText = `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}`;

  /** The case a device's report id was already made into, and whether that was within a day. */
  const sentBefore = async (key: string) => {
    const earlier = await caseSubmittedWithKey(db, key);
    return earlier ? { caseId: earlier.caseId, recent: earlier.at >= new Date(Date.now() - 86_400_000).toISOString() } : undefined;
  };

  /**
   * Who sends the report, by the journey's rule: a resident who has finished signing in reports as
   * their account (followed, and emailed at the account's address). Anyone else, staff and people
   * half-way through signing in included, reports as a guest, with the email typed in the form.
   */
  const reporterOf = async (request: FastifyRequest, values: Values): Promise<{ userId: number | null; email: string | null }> => {
    const person = request.person;
    if (person && person.secondFactorDone && person.role === 'resident') {
      const userId = Number(person.userId);
      return { userId, email: (await accountOf(db, keyring, userId)).email };
    }
    return { userId: null, email: values.email.trim() || null };
  };

  const showForm = async (request: FastifyRequest, reply: FastifyReply, values: Values, errors: FieldErrors, status = 200) => {
    const services = await listServices(db, jurisdiction.id);
    const { t } = translate(request);
    return renderPage(request, reply, {
      title: Object.keys(errors).length > 0 ? `${t('form.errorPrefix')} ${t('offline.title')}` : t('offline.title'), status,
      body: <OfflinePage csrf={csrfToken(request, reply, request.server.site.secure)} services={services} values={values} errors={errors} boundsText={boundsText} />,
    });
  };

  // Not `cacheable`: the form carries this browser's CSRF token, which no shared cache may hand to
  // someone else. The service worker keeps its own copy on the device.
  // Asked for without any cookie (the service worker fetches it so: credentials 'omit'), the page is
  // a guest's and holds nothing personal (its form token matches no one's cookie): it is marked
  // no-cache so the service worker may keep it. Anyone else's copy stays no-store.
  app.get('/offline', {
    config: { access: publicAccess }, schema: { hide: true },
    onSend: async (request, reply, payload) => {
      if (!request.headers.cookie && !request.person && reply.statusCode === 200) reply.header('cache-control', 'no-cache');
      return payload;
    },
  }, async (request, reply) => showForm(request, reply, emptyValues(), {}));

  app.post('/offline/reports', { config: { access: publicAccess, rateLimit: perMinute(config.reportRateLimit) }, schema: { hide: true } }, async (request, reply) => {
    const values = Object.fromEntries(fieldNames.map((name) => [name, formText(request.body, name)])) as Values;
    const { t, known } = translate(request);
    const services = await listServices(db, jurisdiction.id);
    const problems = checkOfflineReport(values, services, jurisdiction.bounds);
    let errors: FieldErrors = Object.fromEntries(Object.entries(problems).map(([field, key]) => [field, t(key)]));
    if (Object.keys(errors).length === 0) {
      const service = services.find((s) => s.code === values.service)!;
      const sent = (id: string) => {
        const url = `/requests/${id}`;
        if (wantsJson(request)) return reply.code(201).header('cache-control', 'no-store').send({ id, url });
        return renderPage(request, reply, { title: t('offline.sentTitle'), body: <SentPage id={id} /> });
      };
      // The draft's id on the device: the same report sent twice (an answer lost on the way, two
      // tabs) within a day is answered with the case already made, not made into a second case.
      const clientId = formText(request.body, 'client_id').trim();
      const key = CLIENT_ID.test(clientId) ? `offline:${jurisdiction.id}:${clientId}` : null;
      const earlier = key ? await sentBefore(key) : undefined;
      if (earlier?.recent) return sent(String(earlier.caseId));
      try {
        const reporter = await reporterOf(request, values);
        const userId = reporter.userId;
        const email = reporter.email;
        const where = values.address.trim() || null;
        const created = await submitCase(db, { jurisdiction, keyring }, 'web', {
          serviceCode: service.code, description: values.description, addressString: where,
          lat: values.lat.trim() ? Number(values.lat) : null, long: values.long.trim() ? Number(values.long) : null,
          attributes: {}, mediaUrls: [], contact: { email, accountId: userId === null ? null : String(userId) },
        }, {
          actor: { id: userId === null ? 'web' : `user:${userId}` },
          // The device's id is kept as the idempotency key of the case's first action (unique: of
          // two sendings at once, the second is refused and answered with the first's case).
          ...(key && !earlier ? { idempotencyKey: key } : {}),
          // As the full report journey does: the reporter follows their case and is told it arrived.
          ...(userId !== null ? { reporterFollowers: [userId] } : {}),
          reporterLanguage: translate(request).language.code,
          ...(email ? { acknowledge: { email, language: translate(request).language.code, sender: { publicUrl: config.publicUrl, council: config.jurisdiction.name } } } : {}),
        }).catch(async (error: unknown) => {
          const first = key && (!(error instanceof DomainError) || error.kind === 'conflict') ? await sentBefore(key) : undefined;
          if (first?.recent) return { id: String(first.caseId) };
          throw error;
        });
        return sent(created.id);
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
        errors = { service: known(error.message) };
      }
    }
    if (wantsJson(request)) {
      return reply.code(400).header('cache-control', 'no-store').send({ error: 'invalid', problems: Object.entries(errors).map(([field, message]) => ({ field, message })) });
    }
    return showForm(request, reply, values, errors, 400);
  });
}
