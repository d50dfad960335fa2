/**
 * The words an alert goes out in, per language (the alert's own `info` in that language, or its
 * English one, or its first): a text message, cell-broadcast texts, and the email.
 *
 * Lengths are counted in characters (Unicode code points), and the rule is the issue's: a text
 * message is at most 160 characters, a cell broadcast at most 90 or at most 360. What 160 means
 * on the air depends on the encoding: in GSM-7 (plain Latin text) it is one SMS; a text with any
 * character GSM-7 lacks (Arabic, most accents outside Western Europe, emoji) is sent in UCS-2,
 * where one SMS holds 70 characters and a longer text is split into parts of 67, so 160
 * characters are three parts. `smsParts` says how many a text takes. Texts are cut between
 * words (never inside one) and always end with the link to the alert's page.
 */
import type { Alert, AlertInfo } from './types.js';

export const SMS_LIMIT = 160;
export const CELL_SHORT_LIMIT = 90;
export const CELL_LONG_LIMIT = 360;

const ELLIPSIS = '…';

/** Characters as people (and the limits) count them: code points, not UTF-16 units. */
export const characters = (text: string): number => [...text].length;

// GSM 03.38 basic set; the extension table's characters take two septets each.
const GSM_BASIC = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà']);
const GSM_EXTENDED = new Set([...'^{}\\[~]|€\f']);

/** GSM-7 when every character has a septet, UCS-2 otherwise. */
export function smsEncoding(text: string): 'gsm7' | 'ucs2' {
  for (const c of text) if (!GSM_BASIC.has(c) && !GSM_EXTENDED.has(c)) return 'ucs2';
  return 'gsm7';
}

/** How many SMS parts a text takes (concatenated parts carry a header: 153 septets or 67 UCS-2 characters each). */
export function smsParts(text: string): number {
  if (smsEncoding(text) === 'gsm7') {
    let septets = 0;
    for (const c of text) septets += GSM_EXTENDED.has(c) ? 2 : 1;
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = text.length;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/**
 * `text` then the link, within `limit` characters: the text is cut after its last whole word
 * that fits (with an ellipsis), never inside a word. The link is kept whatever happens; if the
 * link alone is too long, the answer is the link alone.
 */
export function fitWithLink(text: string, link: string, limit: number): string {
  const whole = text.trim().replace(/\s+/g, ' ');
  const room = limit - characters(link) - 1;
  if (whole === '' || room <= 0) return link;
  if (characters(whole) <= room) return `${whole} ${link}`;
  const words = whole.split(' ');
  let kept = '';
  for (const word of words) {
    const next = kept === '' ? word : `${kept} ${word}`;
    if (characters(next) + characters(ELLIPSIS) > room) break;
    kept = next;
  }
  return kept === '' ? link : `${kept}${ELLIPSIS} ${link}`;
}

const words = {
  en: { update: 'Update', cancel: 'Cancelled', more: 'More:', contact: 'Contact:', cancelled: 'This alert has been cancelled.', why: 'You get this because you subscribed to alerts for', stop: 'Stop these alerts:' },
  es: { update: 'Actualización', cancel: 'Cancelada', more: 'Más:', contact: 'Contacto:', cancelled: 'Esta alerta ha sido cancelada.', why: 'Recibe esto porque se suscribió a las alertas de', stop: 'Dejar de recibir estas alertas:' },
  ar: { update: 'تحديث', cancel: 'أُلغي', more: 'المزيد:', contact: 'للتواصل:', cancelled: 'أُلغي هذا التنبيه.', why: 'وصلك هذا لأنك اشتركت في تنبيهات', stop: 'لإيقاف هذه التنبيهات:' },
} as const;
export type TextLanguage = keyof typeof words;
const wordsFor = (language: string) => words[(language in words ? language : 'en') as TextLanguage];

/** The alert's info in a language: that language's, else English, else the first. */
export function infoIn(alert: Pick<Alert, 'infos'>, language: string): AlertInfo {
  const info = alert.infos.find((i) => i.language === language) ?? alert.infos.find((i) => i.language === 'en') ?? alert.infos[0];
  if (!info) throw new Error('An alert without any info block has no words to send.');
  return info;
}

/** The alert's public page. */
export const alertLink = (publicUrl: string, alertId: number): string => `${publicUrl.replace(/\/+$/, '')}/alerts/${alertId}`;

/** "Update: " or "Cancelled: " before the headline of an Update or Cancel, in the info's language. */
function headlineOf(alert: Pick<Alert, 'msgType'>, info: AlertInfo): string {
  const w = wordsFor(info.language);
  const headline = info.headline.trim() || info.event.trim();
  return alert.msgType === 'Update' ? `${w.update}: ${headline}` : alert.msgType === 'Cancel' ? `${w.cancel}: ${headline}` : headline;
}

/** The short form: the headline, then what to do (or, for a Cancel, that it is over). */
function shortBody(alert: Pick<Alert, 'msgType'>, info: AlertInfo): string {
  const headline = headlineOf(alert, info).replace(/[.!]?$/, '.');
  const rest = alert.msgType === 'Cancel' ? wordsFor(info.language).cancelled : info.instruction.trim() || info.description.trim();
  return `${headline} ${rest}`;
}

export interface AlertTexts {
  language: string;
  sms: string;
  cellShort: string;
  cellLong: string;
  subject: string;
  /** The email's plain text without its last paragraph (why it came and how to stop it), added per subscriber. */
  email: string;
}

/** Every text of an alert in one language (the council's name leads the short forms). */
export function alertTexts(alert: Pick<Alert, 'id' | 'msgType' | 'infos'>, language: string, sender: { publicUrl: string; council: string }): AlertTexts {
  const info = infoIn(alert, language);
  const w = wordsFor(info.language);
  const link = alertLink(sender.publicUrl, alert.id);
  const short = `${sender.council}: ${shortBody(alert, info)}`;
  const subject = headlineOf(alert, info);
  const paragraphs = [
    subject,
    alert.msgType === 'Cancel' ? w.cancelled : null,
    info.description.trim() || null,
    info.instruction.trim() || null,
    `${w.more} ${link}`,
    info.contact?.trim() ? `${w.contact} ${info.contact.trim()}` : null,
  ].filter((p): p is string => p !== null);
  return {
    language: info.language,
    sms: fitWithLink(short, link, SMS_LIMIT),
    cellShort: fitWithLink(shortBody(alert, info), link, CELL_SHORT_LIMIT),
    cellLong: fitWithLink(short, link, CELL_LONG_LIMIT),
    subject: subject.replace(/\s+/g, ' ').slice(0, 200),
    email: paragraphs.join('\n\n'),
  };
}

/** The last paragraph of a subscriber's email: why it came, and the link that stops it. */
export function emailFooter(language: string, placeName: string, unsubscribeUrl: string): string {
  const w = wordsFor(language);
  return `${w.why} ${placeName}. ${w.stop} ${unsubscribeUrl}`;
}
