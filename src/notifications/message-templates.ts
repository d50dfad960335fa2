/**
 * Message templates: the built-in texts (defaults.ts), overridden by those a system administrator
 * saved in message_templates, rendered with {placeholders}. Each save and reset is audited.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { isolateFor } from '../i18n/i18n.js';
import { languageByCode } from '../i18n/languages.js';
import { invalid } from '../platform/errors.js';
import { settingsCache } from '../platform/settings-cache.js';
import { nowIso } from '../platform/time.js';
import { builtInTemplates, type Channel, type TemplateText } from './defaults.js';

export { builtInTemplates, channels, type Channel, type TemplateText } from './defaults.js';

/** Languages messages may be written in (those of the resident portal). */
export const templateLanguages = ['en', 'es', 'ar'] as const;
export const DEFAULT_LANGUAGE = 'en';

export const SUBJECT_MAX = 200;
export const BODY_MAX = 5000;
/** A text message longer than this is split into several by the network, and costs more. */
export const SMS_MAX = 480;

/** The built-in text for an event, channel and language (English when there is none in that language). */
export function builtInText(event: string, channel: Channel, language: string): TemplateText | null {
  const texts = builtInTemplates[event]?.texts[channel];
  return texts?.[language] ?? texts?.[DEFAULT_LANGUAGE] ?? null;
}

/** The text in use: a saved override in this language, else the built-in one in it, else English. Kept until the settings change. */
export const messageTemplateFor = settingsCache(async (db: DB, event: string, channel: Channel, language: string): Promise<TemplateText | null> => {
  const rows = await db.selectFrom('message_templates').select(['language', 'subject', 'body'])
    .where('event', '=', event).where('channel', '=', channel).where('language', 'in', [language, DEFAULT_LANGUAGE]).execute();
  const saved = rows.find((r) => r.language === language);
  if (saved) return { subject: saved.subject ?? undefined, body: saved.body };
  const builtIn = builtInTemplates[event]?.texts[channel]?.[language];
  if (builtIn) return builtIn;
  const english = rows.find((r) => r.language === DEFAULT_LANGUAGE);
  return english ? { subject: english.subject ?? undefined, body: english.body } : builtInText(event, channel, DEFAULT_LANGUAGE);
});

export interface Rendered {
  subject: string;
  text: string;
}

/**
 * Fills the placeholders. A paragraph (between blank lines) with a placeholder that has no value
 * is left out; an unknown placeholder stays as written (saving refuses those).
 */
export function renderText(template: TemplateText, values: Record<string, string | null | undefined>, language?: string): Rendered {
  const written = language === undefined ? undefined : languageByCode(language);
  const value = (name: string) => isolateFor(written, values[name] ?? '');
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? value(name) : whole));
  const empty = (names: string[]) => names.some((name) => name in values && !values[name]?.trim());
  const text = parsed(template).filter((p) => !empty(p.names)).map((p) => fill(p.text)).join('\n\n');
  return { subject: fill(template.subject ?? '').replace(/\s+/g, ' ').trim(), text };
}

/**
 * A template's paragraphs with the placeholders each uses, split once per template (each email
 * renders one; the texts in use are kept until the settings change, the built-in ones for good).
 */
const paragraphsOf = new WeakMap<TemplateText, { body: string; paragraphs: Array<{ text: string; names: string[] }> }>();
function parsed(template: TemplateText): Array<{ text: string; names: string[] }> {
  const kept = paragraphsOf.get(template);
  if (kept?.body === template.body) return kept.paragraphs;
  const paragraphs = template.body.split(/\n{2,}/).map((text) => ({ text, names: [...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!) }));
  paragraphsOf.set(template, { body: template.body, paragraphs });
  return paragraphs;
}

/** Renders an event's message for a channel and language (null: no text for that channel). */
export async function renderMessage(db: DB, event: string, channel: Channel, language: string, values: Record<string, string | null | undefined>): Promise<Rendered | null> {
  const template = await messageTemplateFor(db, event, channel, language);
  return template ? renderText(template, values, language) : null;
}

export interface MessageTemplateEdit {
  event: string;
  channel: Channel;
  language: string;
  subject: string;
  body: string;
}

/** Problems with an edit, by field, in words a person can act on. */
export function checkMessageTemplate(edit: MessageTemplateEdit): Record<string, string> {
  const problems: Record<string, string> = {};
  const known = builtInTemplates[edit.event]?.placeholders ?? {};
  const unknownIn = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!).filter((name) => !(name in known));
  if (edit.channel === 'email') {
    if (!edit.subject.trim()) problems.subject = 'Enter a subject';
    else if (edit.subject.length > SUBJECT_MAX) problems.subject = `The subject must be ${SUBJECT_MAX} characters or fewer; it has ${edit.subject.length}`;
    else if (unknownIn(edit.subject).length > 0) problems.subject = `The subject uses {${unknownIn(edit.subject)[0]}}, which this message does not have. Use one of: ${Object.keys(known).map((k) => `{${k}}`).join(', ')}`;
  }
  const max = edit.channel === 'sms' ? SMS_MAX : BODY_MAX;
  if (!edit.body.trim()) problems.body = 'Enter the text of the message';
  else if (edit.body.length > max) problems.body = `The text must be ${max} characters or fewer; it has ${edit.body.length}`;
  else if (unknownIn(edit.body).length > 0) problems.body = `The text uses {${unknownIn(edit.body)[0]}}, which this message does not have. Use one of: ${Object.keys(known).map((k) => `{${k}}`).join(', ')}`;
  return problems;
}

/** Saves an override (checked first: throws invalid with the problems). Audited in the same transaction. */
export async function saveMessageTemplate(db: DB, edit: MessageTemplateEdit, actor: string): Promise<void> {
  const problems = checkMessageTemplate(edit);
  if (Object.keys(problems).length > 0) throw invalid(Object.values(problems)[0]!, Object.values(problems));
  const values = { subject: edit.channel === 'email' ? edit.subject.trim() : null, body: edit.body.replace(/\r\n/g, '\n'), updated_by: actor, updated_at: nowIso() };
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('message_templates').select(['subject', 'body']).where('event', '=', edit.event).where('channel', '=', edit.channel).where('language', '=', edit.language).executeTakeFirst();
    await trx.insertInto('message_templates').values({ event: edit.event, channel: edit.channel, language: edit.language, ...values })
      .onConflict((oc) => oc.columns(['event', 'channel', 'language']).doUpdateSet(values)).execute();
    await appendAudit(trx, { actor, action: 'message_template.saved', entityType: 'message_template', entityId: `${edit.event}/${edit.channel}/${edit.language}`, before: before ?? null, after: { subject: values.subject, body: values.body } });
  });
}

/** Removes an override, so the built-in text is used again. Returns false when there was none. */
export async function resetMessageTemplate(db: DB, key: Pick<MessageTemplateEdit, 'event' | 'channel' | 'language'>, actor: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('message_templates').select(['subject', 'body']).where('event', '=', key.event).where('channel', '=', key.channel).where('language', '=', key.language).executeTakeFirst();
    if (!before) return false;
    await trx.deleteFrom('message_templates').where('event', '=', key.event).where('channel', '=', key.channel).where('language', '=', key.language).execute();
    await appendAudit(trx, { actor, action: 'message_template.reset', entityType: 'message_template', entityId: `${key.event}/${key.channel}/${key.language}`, before, after: null });
    return true;
  });
}

/** Every event, channel and language that has a built-in text or an override, with whether it is overridden. */
export async function listMessageTemplates(db: DB): Promise<Array<{ event: string; channel: Channel; language: string; overridden: boolean; updatedAt: string | null }>> {
  const saved = await db.selectFrom('message_templates').select(['event', 'channel', 'language', 'updated_at']).execute();
  const rows: Array<{ event: string; channel: Channel; language: string; overridden: boolean; updatedAt: string | null }> = [];
  for (const [event, templates] of Object.entries(builtInTemplates)) {
    for (const [channel, byLanguage] of Object.entries(templates.texts) as Array<[Channel, Record<string, TemplateText>]>) {
      for (const language of templateLanguages) {
        if (!byLanguage[language] && language !== DEFAULT_LANGUAGE) continue;
        const row = saved.find((s) => s.event === event && s.channel === channel && s.language === language);
        rows.push({ event, channel, language, overridden: row !== undefined, updatedAt: row?.updated_at ?? null });
      }
    }
  }
  return rows;
}
