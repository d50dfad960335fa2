import { test } from 'node:test';
import assert from 'node:assert/strict';
import { languages } from '../i18n/languages.js';
import { performanceWords, wordsFor } from './words.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('the performance pages have every word, with the same placeholders, in every language the portal offers', () => {
  const english = performanceWords.en as Record<string, string>;
  for (const language of languages) {
    const words = (performanceWords as Record<string, Record<string, string>>)[language.code];
    assert.ok(words, `${language.code} has the performance pages' words`);
    assert.deepEqual(Object.keys(words).sort(), Object.keys(english).sort(), language.code);
    for (const [key, text] of Object.entries(words)) {
      assert.ok(text.trim().length > 0, `${language.code}.${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(english[key]!), `${language.code}.${key} placeholders`);
    }
  }
  assert.equal(wordsFor('ar')('reports', { count: '٣' }), '٣ بلاغ');
  assert.equal(wordsFor('xx')('councilTitle'), 'How we are doing', 'a language without these words gets English');
});
