/** Case statuses, states, history entries and dates in words a resident reads, in their language. */
import { en } from './messages/en.js';
import { formattingLocale, type MessageKey, type Translator } from './i18n.js';

const known = (key: string): key is MessageKey => key in en;

/** "Action scheduled", "Fixed"...: a detailed state the back office sent, made readable. */
export function stateWords({ t }: Translator, state: string): string {
  const key = `track.state.${state}`;
  if (known(key)) return t(key);
  // A state this site has no words for yet: shown as written, "waiting_for_parts" → "Waiting for parts".
  const plain = state.replace(/[_-]+/g, ' ').trim();
  return plain ? plain[0]!.toUpperCase() + plain.slice(1) : t('track.state.open');
}

/** "Open", or "Open: Action scheduled" when the detailed state says more. */
export function statusWords(translator: Translator, status: string, state: string): string {
  const { t } = translator;
  const main = t(status === 'closed' ? 'track.closed' : 'track.open');
  const plainStates = status === 'closed' ? ['closed'] : ['open', 'submitted'];
  return plainStates.includes(state) ? main : t('track.statusWithState', { status: main, state: stateWords(translator, state) });
}

/** A case action in the public timeline: "Reported", "Status changed to Fixed", "Reopened". */
export function actionWords(translator: Translator, action: string, state: string | null): string {
  const { t } = translator;
  if (action === 'submitted') return t('track.event.submitted');
  if (action === 'status_update') return t('track.event.statusUpdate', { state: stateWords(translator, state ?? 'open') });
  if (action === 'reopened' || state === 'reopened' || state === 'reopen') return t('track.event.reopened');
  return t('track.event.other');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A date ("12 March 2027"), a date and time ("12 March 2027 at 14:05"), or the short date and
 * time of lists and account pages ('short': "3 Dec 2026, 14:05"), in the page's language and the
 * council's time zone.
 */
export function formatDate(iso: string, languageCode: string, timeZone: string, withTime: boolean | 'short' = false): string {
  const locale = formattingLocale(languageCode);
  const id = `${locale}|${timeZone}|${withTime}`;
  let format = formatters.get(id);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, withTime === 'short' ? { dateStyle: 'medium', timeStyle: 'short', timeZone }
      : withTime ? { dateStyle: 'long', timeStyle: 'short', timeZone } : { dateStyle: 'long', timeZone });
    formatters.set(id, format);
  }
  return format.format(new Date(iso));
}
