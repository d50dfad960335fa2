import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { passwordProblem } from '../identity/passwords.js';
import { emailProblem, LinkNotUsable } from '../identity/resident-accounts.js';
import { formatDate } from './case-words.js';
import { compile, fromAcceptLanguage, languageFor, languages, translator, useEnglishSpelling, type MessageKey } from './i18n.js';
import { en } from './messages/en.js';

interface Node { type: number; value?: string; options?: Record<string, { value: Node[] }>; children?: Node[] }
const kinds: Record<number, string> = { 1: 'argument', 2: 'number', 3: 'date', 4: 'time', 5: 'select', 6: 'plural', 8: 'tag' };

/** Every placeholder and tag in a message, with its kind: "count:plural", "link:tag", "email:argument". */
function placeholders(nodes: Node[], found = new Set<string>()): Set<string> {
  for (const node of nodes) {
    if (kinds[node.type]) found.add(`${node.value}:${kinds[node.type]}`);
    for (const option of Object.values(node.options ?? {})) placeholders(option.value, found);
    if (node.children) placeholders(node.children, found);
  }
  return found;
}

const keys = Object.keys(en) as MessageKey[];

describe('message files', () => {
  for (const language of languages) {
    test(`${language.code} has exactly the English keys`, () => {
      assert.deepEqual(Object.keys(language.messages).sort(), [...keys].sort());
    });
    test(`${language.code}: every message compiles and has the English placeholders and tags`, () => {
      for (const key of keys) {
        const format = compile(language, key);
        const reference = placeholders(compile(languages[0]!, key).getAst() as Node[]);
        assert.deepEqual([...placeholders(format.getAst() as Node[])].sort(), [...reference].sort(), `${language.code} ${key}`);
        assert.ok(language.messages[key].trim() !== '', `${language.code} ${key} is empty`);
      }
    });
  }

  test('plurals follow each language', () => {
    const [english, spanish, arabic] = languages.map(translator);
    assert.equal(english!.t('duration.minutes', { count: 1 }), '1 minute');
    assert.equal(english!.duration(60 * 24 * 7), '7 days');
    assert.equal(spanish!.duration(60), '1 hora');
    assert.match(arabic!.duration(15), /دقيقة/);
    assert.match(arabic!.t('duration.minutes', { count: 2 }), /دقيقتين/);
    assert.match(arabic!.t('duration.days', { count: 7 }), /أيام/);
    assert.equal(english!.t('account.ended', { count: 1 }), 'Signed out of one other session.');
    assert.equal(english!.t('account.ended', { count: 3 }), 'Signed out of 3 other sessions.');
  });

  test('English sentences written by domain code are known, so they are translated', () => {
    const sentences = [
      emailProblem('')!, emailProblem('not an email')!, passwordProblem('short', {})!, passwordProblem('x'.repeat(300), {})!,
      passwordProblem('password', {})!, passwordProblem('rosa@example.org', { email: 'rosa@example.org' })!, new LinkNotUsable().message,
    ];
    for (const language of languages.slice(1)) {
      const { known } = translator(language);
      for (const sentence of sentences) assert.notEqual(known(sentence), sentence, `${language.code}: "${sentence}" is not translated`);
    }
    assert.equal(translator(languages[1]!).known('Something nobody wrote down'), 'Something nobody wrote down');
  });
});

const request = (options: { query?: Record<string, string>; cookie?: string; acceptLanguage?: string }) => ({
  query: options.query ?? {},
  headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.acceptLanguage ? { 'accept-language': options.acceptLanguage } : {}) },
}) as unknown as FastifyRequest;

describe('languageFor', () => {
  test('the ?lang= query comes first, then the remembered cookie, then Accept-Language, then English', () => {
    const all = { query: { lang: 'ar' }, cookie: 'townhall_lang=es', acceptLanguage: 'en' };
    assert.equal(languageFor(request(all)).code, 'ar');
    assert.equal(languageFor(request({ ...all, query: {} })).code, 'es');
    assert.equal(languageFor(request({ acceptLanguage: 'es' })).code, 'es');
    assert.equal(languageFor(request({})).code, 'en');
  });

  test('unsupported choices are passed over', () => {
    assert.equal(languageFor(request({ query: { lang: 'xx' }, cookie: 'townhall_lang=es' })).code, 'es');
    assert.equal(languageFor(request({ cookie: 'townhall_lang=zz', acceptLanguage: 'ar' })).code, 'ar');
    assert.equal(languageFor(request({ query: { lang: 'fr' }, acceptLanguage: 'fr' })).code, 'en');
  });

  test('Accept-Language: the best supported match, by quality then order', () => {
    assert.equal(fromAcceptLanguage('es-MX,es;q=0.9,en;q=0.5')?.code, 'es');
    assert.equal(fromAcceptLanguage('fr-FR,fr;q=0.9,ar;q=0.8,en;q=0.7')?.code, 'ar');
    assert.equal(fromAcceptLanguage('en;q=0.4, es;q=0.8')?.code, 'es');
    assert.equal(fromAcceptLanguage('es;q=0, ar')?.code, 'ar');
    assert.equal(fromAcceptLanguage('AR-eg')?.code, 'ar');
    assert.equal(fromAcceptLanguage('fr, de'), undefined);
    assert.equal(fromAcceptLanguage('*')?.code, 'en');
    assert.equal(fromAcceptLanguage(''), undefined);
  });
});

describe('formatDate', () => {
  test('times as people read them: the council\'s time zone, the page\'s language, English as the council spells it', () => {
    const at = '2026-12-03T22:05:00.000Z'; // 14:05 in Los Angeles
    assert.equal(formatDate(at, 'en', 'America/Los_Angeles', 'short'), '3 Dec 2026, 14:05');
    assert.equal(formatDate(at, 'es', 'America/Los_Angeles', 'short'), '3 dic 2026, 14:05');
    assert.match(formatDate(at, 'ar', 'America/Los_Angeles', 'short'), /^03.?\/12.?\/2026، 2:05 م$/u, 'Arabic pages: the Arabic order and "م" (afternoon)');
    assert.equal(formatDate(at, 'en', 'Europe/London', 'short'), '3 Dec 2026, 22:05');
    assert.equal(formatDate(at, 'en', 'America/Los_Angeles'), '3 December 2026');
    useEnglishSpelling('en-US');
    try {
      assert.equal(formatDate(at, 'en', 'America/Los_Angeles', 'short'), 'Dec 3, 2026, 2:05 PM');
    } finally {
      useEnglishSpelling('en-GB');
    }
  });
});
