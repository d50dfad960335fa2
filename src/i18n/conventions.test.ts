/**
 * One register per language and one English spelling: the Spanish messages and the demo
 * catalogue's Spanish address the resident as "usted" throughout (never "tú"); the base English
 * catalogue and the demo catalogue are spelt the British way, and the en-US override the
 * American way, so a council's choice (TOWNHALL_ENGLISH_SPELLING) gives one spelling, not a mix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoServiceTranslations } from '../demo/catalogue-translations.js';
import { demoServiceGroups, demoServices } from '../demo/catalogue-data.js';
import { translator, useEnglishSpelling } from './i18n.js';
import { english, englishMessages } from './languages.js';
import { en } from './messages/en.js';
import { enUsSpelling } from './messages/en-us.js';
import { es } from './messages/es.js';

/**
 * "Tú" forms: the pronouns and second-person verbs anywhere; the imperatives only where a sentence
 * starts, as "acepta" or "revisa" mid-sentence is the third person ("el servicio acepta").
 */
const tuAnywhere = /(?<![\p{L}])(tú|tu|tus|te|ti|contigo|tuyo|tuya|puedes|tienes|quieres|estás|eres|sabes|necesitas|recibirás|podrás|verás|deberás)(?![\p{L}])/iu;
const tuImperative = /(^|[.:!?¿¡]\s+|<link>)(elige|escribe|introduce|indica|comprueba|pulsa|añade|usa|revisa|haz|pon|selecciona|confirma|llama|dinos|cuéntanos|descarga|activa|sube|borra|elimina|copia|acepta|toca|no toques|pide|vuelve|intenta|inicia|abre|cierra|mira|lee|guarda|envía)(?![\p{L}])/iu;
const tu = { test: (text: string) => tuAnywhere.test(text) || tuImperative.test(text) };

/** American spellings, and the British ones, of the words that differ in these catalogues. */
const american = /\b\w*(color|favor|behavior|neighbor|odor|center|meters?\b(?! box)|recogniz|organiz|authoriz|apologiz|realiz|minimiz|prioritiz|vandaliz|license|canceled|enroll|catalog\b|tire\b|tires\b|curb)\w*/i;
const british = /\b\w*(colour|favour|behaviour|neighbour|odour|centre|metres?|recognis|organis|authoris|apologis|realis|minimis|prioritis|vandalis|licence|cancelled|enrol\b|tyre|kerb)\w*/i;

const spanishOfDemo = (): string[] => Object.values(demoServiceTranslations).flatMap(({ es: text }) => [
  text.name ?? '', text.description ?? '', text.serviceNotice ?? '',
  ...Object.values(text.attributes).flatMap((a) => [a.description ?? '', a.helpText ?? '', ...Object.values(a.values ?? {})]),
]);

test('Spanish addresses the resident as usted throughout: the portal and the demo catalogue', () => {
  const found = [...Object.entries(es), ...spanishOfDemo().map((text, i) => [`demo ${i}`, text] as const)]
    .filter(([, text]) => tu.test(text)).map(([key, text]) => `${key}: ${text}`);
  assert.deepEqual(found, []);
  assert.ok(tu.test('Elige una opción') && !tu.test('Elija una opción'), 'the check itself tells the two apart');
});

test('English is spelt one way: the base and the demo catalogue en-GB, the override en-US', () => {
  const demoEnglish = [
    ...demoServiceGroups.map((g) => g.name),
    ...demoServices.flatMap((s) => [s.name, s.description, s.serviceNotice ?? '', ...s.attributes.flatMap((a) => [a.description, a.helpText ?? '', ...(a.values ?? []).map((v) => v.name)])]),
  ];
  // "Parking meter" is the machine, spelt so on both sides of the Atlantic.
  const americanIn = (text: string) => american.test(text.replace(/(parking |water )?meters?\b/gi, (m) => (/^(parking|water)/i.test(m) ? '' : m)).replace(/\bmeter (box|number)/gi, '').replace(/\bmeter\b(?=, | or| if| is)/gi, ''));
  assert.deepEqual(Object.entries(en).filter(([, text]) => americanIn(text)).map(([key]) => key), [], 'the base catalogue');
  assert.deepEqual(demoEnglish.filter(americanIn), [], 'the demo catalogue');
  assert.deepEqual(Object.entries(enUsSpelling).filter(([, text]) => british.test(text!)).map(([key]) => key), [], 'the en-US override');
  const overridden = englishMessages('en-US');
  assert.deepEqual(Object.entries(overridden).filter(([, text]) => british.test(text)).map(([key]) => key), [], 'en-US leaves no British spelling behind');
});

test('the council\'s spelling applies to every English page, and back', () => {
  try {
    useEnglishSpelling('en-US');
    assert.equal(translator(english).t('report.nearby.meta', { when: 'today', distance: 20 }), 'Reported today, 20 meters away');
    useEnglishSpelling('en-GB');
    assert.equal(translator(english).t('report.nearby.meta', { when: 'today', distance: 20 }), 'Reported today, 20 metres away');
  } finally {
    useEnglishSpelling('en-GB');
  }
});
