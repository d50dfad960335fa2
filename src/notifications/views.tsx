/**
 * Resident pages (translated): the choice of messages about reports with the in-app list, and
 * the unsubscribe page. Staff pages (English only): the outbox, one message, the templates.
 */
import { formatDate } from '../i18n/case-words.js';
import { useTranslator } from '../i18n/i18n.js';
import type { NotificationPreferences } from './preferences.js';
import { ErrorSummary, PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import type { Channel } from './defaults.js';
import type { UnsubscribeTarget } from './unsubscribe.js';
import { maskPhone } from './sms.js';

export interface InAppMessage {
  id: number;
  caseId: number | null;
  text: string;
  createdAt: string;
}

function Check({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <div class="checkbox">
      <input type="checkbox" id={name} name={name} value="yes" checked={checked} />
      <label for={name}>{label}</label>
    </div>
  );
}

export function NotificationChoicesPage({ choice, phoneText, csrf, notices, errors, inbox, timeZone }: {
  choice: NotificationPreferences; phoneText: string; csrf: string; notices: string[]; errors: FieldErrors; inbox: InAppMessage[]; timeZone: string;
}) {
  const { t, language } = useTranslator();
  const phoneError = errors.phone;
  return (
    <>
      {notices.length > 0 && <div class="notice" role="status">{notices.map((n) => <p key={n}>{n}</p>)}</div>}
      <ErrorSummary errors={errors} />
      <h1>{t('notifications.title')}</h1>
      <p>{t('notifications.intro')}</p>
      <PostForm action="/account/notifications" csrf={csrf}>
        <fieldset>
          <legend>{t('notifications.emailLegend')}</legend>
          <Check name="onUpdate" label={t('notifications.emailOnUpdate')} checked={choice.email.onUpdate} />
          <Check name="onClose" label={t('notifications.emailOnClose')} checked={choice.email.onClose} />
        </fieldset>
        <fieldset aria-describedby="sms-hint">
          <legend>{t('notifications.smsLegend')}</legend>
          <p class="hint" id="sms-hint">{t('notifications.smsHint')}</p>
          <div class={phoneError ? 'field-error' : undefined}>
            <label for="phone">{t('notifications.phone')}</label>
            <span class="hint" id="phone-hint">{t('notifications.phoneHint')}</span>
            {phoneError && <span class="error-message" id="phone-error">{t('form.errorPrefix')} {phoneError}</span>}
            <input id="phone" name="phone" type="tel" value={phoneText} autocomplete="tel" inputmode="tel" dir="ltr"
              aria-describedby={phoneError ? 'phone-hint phone-error' : 'phone-hint'} aria-invalid={phoneError ? 'true' : undefined} spellcheck={false} />
          </div>
          <Check name="smsOnUpdate" label={t('notifications.smsOnUpdate')} checked={choice.sms.onUpdate} />
          <Check name="smsOnClose" label={t('notifications.smsOnClose')} checked={choice.sms.onClose} />
        </fieldset>
        <button type="submit">{t('notifications.save')}</button>
      </PostForm>
      {choice.sms.phone && !choice.sms.confirmed && (
        <>
          <h2 id="confirm-phone">{t('notifications.confirmTitle')}</h2>
          <p>{t('notifications.confirmText', { phone: maskPhone(choice.sms.phone) })}</p>
          <PostForm action="/account/notifications" csrf={csrf}>
            <input type="hidden" name="_action" value="confirm_phone" />
            <div class={errors.phone_code ? 'field-error' : undefined}>
              <label for="phone_code">{t('notifications.code')}</label>
              {errors.phone_code && <span class="error-message" id="phone_code-error">{t('form.errorPrefix')} {errors.phone_code}</span>}
              <input id="phone_code" name="phone_code" type="text" inputmode="numeric" autocomplete="one-time-code" dir="ltr" size={8} spellcheck={false}
                aria-describedby={errors.phone_code ? 'phone_code-error' : undefined} aria-invalid={errors.phone_code ? 'true' : undefined} />
            </div>
            <button type="submit">{t('notifications.confirmButton')}</button>
          </PostForm>
        </>
      )}
      <h2>{t('notifications.inboxTitle')}</h2>
      {inbox.length === 0 ? <p>{t('notifications.inboxEmpty')}</p> : (
        <ul class="messages">
          {inbox.map((m) => (
            <li key={m.id}>
              <time dateTime={m.createdAt}>{formatDate(m.createdAt, language.code, timeZone, 'short')}</time>{' '}
              {m.caseId !== null ? <a href={`/requests/${m.caseId}`}>{t('notifications.report', { id: m.caseId })}</a> : null}: {m.text}
            </li>
          ))}
        </ul>
      )}
      <p><a href="/account">{t('notifications.back')}</a></p>
    </>
  );
}

export function UnsubscribePage({ target, action }: { target: UnsubscribeTarget; action: string }) {
  const { t } = useTranslator();
  const what = target.kind !== 'account' ? t('notifications.unsubscribeReport', { id: target.caseId })
    : t(target.what === 'update' ? 'notifications.unsubscribeUpdate' : 'notifications.unsubscribeClose');
  return (
    <>
      <h1>{t('notifications.unsubscribeTitle')}</h1>
      <p>{what}</p>
      {/* No CSRF token: the address holds a MAC of what it stops (RFC 8058 one-click). */}
      <form method="post" action={action}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <button type="submit">{t('notifications.unsubscribeButton')}</button>
      </form>
    </>
  );
}

export function UnsubscribedPage({ target }: { target: UnsubscribeTarget }) {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('notifications.unsubscribedTitle')}</h1>
      {target.kind === 'account' && <p><a href="/account/notifications">{t('notifications.unsubscribedAccount')}</a></p>}
      {/* A guest may change their mind: the report's page asks for their address again. */}
      {target.kind === 'guest' && <p><a href={`/requests/${target.caseId}`}>{t('notifications.unsubscribedGuest', { id: target.caseId })}</a></p>}
    </>
  );
}

export function UnsubscribeInvalidPage() {
  const { t } = useTranslator();
  return (
    <>
      <h1>{t('notifications.unsubscribeInvalidTitle')}</h1>
      <p>{t('notifications.unsubscribeInvalidText')}</p>
    </>
  );
}

// ---- Staff (English only) ----

export interface OutboxRow {
  id: number;
  kind: string;
  event: string;
  status: string;
  attempts: number;
  lastError: string | null;
  recipient: string;
  createdAt: string;
  nextAttemptAt: string | null;
  provider: string | null;
}

const statusFilters = ['all', 'queued', 'sending', 'sent', 'failed', 'dead'] as const;

export function MessagesPage({ rows, status, counts, canRetry, csrf, notice }: {
  rows: OutboxRow[]; status: string; counts: Record<string, number>; canRetry: boolean; csrf: string; notice: string | null;
}) {
  return (
    <>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      <h1>Messages to residents</h1>
      <p>Every email and text message leaves through this outbox. Addresses are masked. Failed messages are tried again on their own; dead ones have used every attempt.</p>
      <p><a href="/admin/messages/templates">Edit the message templates</a></p>
      <form method="get" action="/admin/messages">
        <label for="status">Show</label>
        <select id="status" name="status">
          {statusFilters.map((s) => <option key={s} value={s} selected={s === status}>{s === 'all' ? 'All messages' : `${s} (${counts[s] ?? 0})`}</option>)}
        </select>
        <button type="submit">Show</button>
      </form>
      <TableWrap label="Messages">
        <table>
          <caption>{status === 'all' ? 'Latest messages' : `Latest ${status} messages`}, newest first</caption>
          <thead><tr><th scope="col">Id</th><th scope="col">Channel</th><th scope="col">Event</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Queued</th><th scope="col">Action</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td><a href={`/admin/messages/${r.id}`}>{r.id}</a></td><td>{outboxKindName(r.kind)}</td><td>{r.event}</td><td>{r.recipient}</td>
                <td>{r.status}{r.provider ? ` (${r.provider})` : ''}</td><td>{r.attempts}</td><td>{r.lastError ?? ''}</td>
                <td><time dateTime={r.createdAt}>{r.createdAt.slice(0, 16).replace('T', ' ')}</time></td>
                <td>{canRetry && (r.status === 'failed' || r.status === 'dead') ? (
                  <PostForm action={`/admin/messages/${r.id}/retry`} csrf={csrf}><button type="submit">Retry<span class="visually-hidden"> message {r.id}</span></button></PostForm>
                ) : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {rows.length === 0 && <p>No messages.</p>}
    </>
  );
}

/** Each kind of outbox message in plain words (webhooks/dispatch.ts and cases/forwarded.ts name the last two). */
const outboxKindNames: Record<string, string> = { email: 'Email', sms: 'Text message', webhook: 'Webhook delivery', open311_forward: 'Case forwarded to a back office' };
export const outboxKindName = (kind: string): string => outboxKindNames[kind] ?? kind.replace(/_/g, ' ');

export function MessagePage({ row, subject, text, htmlUrl }: { row: OutboxRow; subject: string | null; text: string | null; htmlUrl: string | null }) {
  return (
    <>
      <h1>Message {row.id}</h1>
      <dl>
        <dt>Channel</dt><dd>{outboxKindName(row.kind)}</dd>
        <dt>Event</dt><dd>{row.event}</dd>
        <dt>To</dt><dd>{row.recipient}</dd>
        <dt>Status</dt><dd>{row.status}{row.provider ? ` (by ${row.provider})` : ''}</dd>
        <dt>Attempts</dt><dd>{row.attempts}</dd>
        {row.lastError && <><dt>Last error</dt><dd>{row.lastError}</dd></>}
      </dl>
      {text === null ? <p>The text is shown only for messages kept in the development mailbox: real messages may hold one-time links.</p> : (
        <>
          <h2>{subject ?? 'Text'}</h2>
          <pre class="message-text">{text}</pre>
          {htmlUrl && <p><a href={htmlUrl}>Open the HTML version</a></p>}
        </>
      )}
      <p><a href="/admin/messages">Back to the messages</a></p>
    </>
  );
}

export interface MessageTemplateRow {
  event: string;
  channel: Channel;
  language: string;
  overridden: boolean;
  updatedAt: string | null;
}

export const messageTemplatePath = (r: { event: string; channel: string; language: string }) => `/admin/messages/templates/${r.event}/${r.channel}/${r.language}`;

export function MessageTemplatesPage({ rows, audiences, notice }: { rows: MessageTemplateRow[]; audiences: Record<string, string>; notice: string | null }) {
  return (
    <>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      <h1>Message templates</h1>
      <p>Each message has a built-in text per channel and language. Edit one to use your own words; reset it to go back to the built-in text.</p>
      <TableWrap label="Message templates">
        <table>
          <caption>Message templates by event</caption>
          <thead><tr><th scope="col">Event</th><th scope="col">Sent to</th><th scope="col">Channel</th><th scope="col">Language</th><th scope="col">Text</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.event}/${r.channel}/${r.language}`}>
                <td>{r.event}</td><td>{audiences[r.event] ?? ''}</td><td>{r.channel}</td><td>{r.language}</td>
                <td><a href={messageTemplatePath(r)}>{r.overridden ? 'Edited' : 'Built-in'}<span class="visually-hidden">: edit {r.event} {r.channel} {r.language}</span></a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p><a href="/admin/messages">Back to the messages</a></p>
    </>
  );
}

export function MessageTemplatePage({ event, channel, language, subject, body, placeholders, overridden, preview, errors, csrf }: {
  event: string; channel: Channel; language: string; subject: string; body: string; placeholders: Record<string, string>;
  overridden: boolean; preview: { subject: string; text: string } | null; errors: FieldErrors; csrf: string;
}) {
  const action = messageTemplatePath({ event, channel, language });
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>{event}: {channel}, {language}</h1>
      <p>{overridden ? 'This text has been edited.' : 'This is the built-in text.'} A paragraph with an empty placeholder (for example no note) is left out.</p>
      <h2>Placeholders</h2>
      <dl>{Object.entries(placeholders).map(([name, meaning]) => <><dt key={name}><code>{`{${name}}`}</code></dt><dd>{meaning}</dd></>)}</dl>
      <PostForm action={action} csrf={csrf}>
        {channel === 'email' && (
          <div class={errors.subject ? 'field-error' : undefined}>
            <label for="subject">Subject</label>
            {errors.subject && <span class="error-message" id="subject-error">Error: {errors.subject}</span>}
            <input id="subject" name="subject" type="text" value={subject} aria-invalid={errors.subject ? 'true' : undefined} aria-describedby={errors.subject ? 'subject-error' : undefined} />
          </div>
        )}
        <div class={errors.body ? 'field-error' : undefined}>
          <label for="body">Text</label>
          {errors.body && <span class="error-message" id="body-error">Error: {errors.body}</span>}
          <textarea id="body" name="body" rows={14} dir={language === 'ar' ? 'rtl' : 'ltr'} aria-invalid={errors.body ? 'true' : undefined} aria-describedby={errors.body ? 'body-error' : undefined}>{body}</textarea>
        </div>
        <button type="submit" name="do" value="preview" class="secondary">Preview</button>{' '}
        <button type="submit" name="do" value="save">Save</button>
      </PostForm>
      {preview && (
        <section aria-labelledby="preview-title">
          <h2 id="preview-title">Preview with sample values</h2>
          {channel === 'email' && <p><strong>Subject:</strong> {preview.subject}</p>}
          <pre class="message-text" dir={language === 'ar' ? 'rtl' : 'ltr'}>{preview.text}</pre>
        </section>
      )}
      {overridden && (
        <PostForm action={`${action}/reset`} csrf={csrf}>
          <button type="submit" class="secondary">Reset to the built-in text</button>
        </PostForm>
      )}
      <p><a href="/admin/messages/templates">Back to the message templates</a></p>
    </>
  );
}
