/**
 * Renewing a licence from the web: the holder opens /apply/renew/<number> through the signed
 * link in their renewal reminder (no account needed) or signed in with the account that applied,
 * sees what will be renewed, and starts the renewal (a POST: a mail scanner following the link
 * starts nothing). The draft, prefilled from the last application, opens on a page that says what
 * was carried over and what could not be.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { translate } from '../i18n/i18n.js';
import { publicAccess } from '../identity/access.js';
import { formatDateIn, lastDayOf } from '../licences/licences.js';
import { checkRenewToken } from '../licences/renew-link.js';
import type { Keyring } from '../platform/crypto.js';
import { forbidden } from '../platform/errors.js';
import { csrfToken } from '../web/csrf.js';
import { formText, PostForm } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { firstIncompletePage } from './answers.js';
import type { Draft } from './applications.js';
import { renewableLicence, startRenewal } from './renewal.js';

export interface RenewalRouteDeps {
  db: DB;
  config: Config;
  keyring: Keyring;
  draftFor: (request: FastifyRequest, id: string) => Promise<Draft>;
  keepGuestDraft: (reply: FastifyReply, id: string) => void;
  userOf: (request: FastifyRequest) => number | null;
}

export async function renewalRoutes(app: FastifyInstance, { db, config, keyring, draftFor, keepGuestDraft, userOf }: RenewalRouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const route = { config: { access: publicAccess }, schema: { hide: true } };

  /** The licence, if this person may renew it: the link's token is for it, or they applied for it with their account. */
  async function holderOf(request: FastifyRequest, source: unknown) {
    const number = (request.params as { number: string }).number;
    const found = await renewableLicence(db, jurisdictionId, number);
    const token = formText(source, 'token');
    const byLink = token !== '' && checkRenewToken(keyring, token) === found.licence.id;
    const userId = userOf(request);
    const byAccount = userId !== null && found.application.user_id === userId;
    if (!byLink && !byAccount) {
      throw forbidden(token ? 'This renewal link does not work: it has expired or was not copied whole. Sign in with the account you applied with, or use the link in your latest reminder.' : 'Sign in with the account you applied with, or use the link in your renewal reminder email.');
    }
    return { ...found, token };
  }

  app.get('/apply/renew/:number', route, async (request, reply) => {
    const { licence, token } = await holderOf(request, request.query);
    const { t, language } = translate(request);
    const title = t('applications.renew.title', { number: licence.number });
    return renderPage(request, reply, {
      title,
      body: (
        <>
          <span class="caption">{licence.service_name}</span>
          <h1>{title}</h1>
          <p>{t('applications.renew.validUntil', { date: formatDateIn(lastDayOf(licence.valid_until), language.code, config.jurisdiction.timeZone) })}</p>
          <p>{t('applications.renew.prefilled')}</p>
          <PostForm action={`/apply/renew/${encodeURIComponent(licence.number)}`} csrf={csrfToken(request, reply, app.site.secure)}>
            {token && <input type="hidden" name="token" value={token} />}
            <button type="submit" class="start">{t('applications.renew.start')}</button>
          </PostForm>
        </>
      ),
    });
  });

  app.post('/apply/renew/:number', route, async (request, reply) => {
    const { licence } = await holderOf(request, request.body);
    const userId = userOf(request);
    const id = await startRenewal(db, keyring, jurisdictionId, licence.number, userId, translate(request).language.code);
    if (userId === null) keepGuestDraft(reply, id);
    return reply.redirect(`/apply/d/${id}/renewal`, 303);
  });

  app.get('/apply/d/:draft/renewal', route, async (request, reply) => {
    const draft = await draftFor(request, (request.params as { draft: string }).draft);
    if (draft.caseId !== null || !draft.renewal) return reply.redirect(`/apply/d/${draft.id}/check`, 303);
    const { t } = translate(request);
    const missing = firstIncompletePage(draft.form.definition, draft.answers, {});
    const next = missing ? `/apply/d/${draft.id}/page/${missing.id}` : draft.contact ? `/apply/d/${draft.id}/check` : `/apply/d/${draft.id}/details`;
    const title = t('applications.renew.title', { number: draft.renewal.number });
    return renderPage(request, reply, {
      title,
      body: (
        <>
          <h1>{title}</h1>
          <p>{t('applications.renew.carried')}</p>
          {draft.renewal.dropped.length > 0 && (
            <div class="notice" role="status">
              <h2>{t('applications.renew.droppedTitle')}</h2>
              <p>{t('applications.renew.droppedText')}</p>
              <ul class="list bullet">{draft.renewal.dropped.map((label) => <li key={label}><bdi>{label}</bdi></li>)}</ul>
            </div>
          )}
          <p>{t('applications.renew.again')}</p>
          <p><a class="button" role="button" href={next}>{t('applications.continue')}</a></p>
        </>
      ),
    });
  });
}
