import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { htmlEmail } from '../notifications/html.js';
import { alertTexts, CELL_LONG_LIMIT, CELL_SHORT_LIMIT, characters, fitWithLink, SMS_LIMIT, smsEncoding, smsParts } from './texts.js';
import type { Alert, AlertInfo } from './types.js';

const sender = { publicUrl: 'https://council.example', council: 'City of Port Alder' };

const info = (language: string, headline: string, instruction: string, description = 'A water main burst on Elm Street.'): AlertInfo => ({
  language, categories: ['Health'], event: 'Boil water', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed',
  headline, description, instruction, web: null, contact: '311',
});

const alertWith = (infos: AlertInfo[], msgType: Alert['msgType'] = 'Alert'): Pick<Alert, 'id' | 'msgType' | 'infos'> => ({ id: 42, msgType, infos });

// Words of Latin, Arabic and mixed letters, with the odd very long one.
const word = fc.oneof(
  fc.stringMatching(/^[A-Za-z]{1,12}$/),
  fc.stringMatching(/^[\u0621-\u064A]{1,10}$/),
  fc.stringMatching(/^[a-z]{30,80}$/),
);
const sentence = fc.array(word, { minLength: 0, maxLength: 80 }).map((ws) => ws.join(' '));

describe('alert texts', () => {
  test('fitWithLink: within the limit, ends with the link, cuts between words only', () => {
    fc.assert(fc.property(sentence, fc.constantFrom(SMS_LIMIT, CELL_SHORT_LIMIT, CELL_LONG_LIMIT), fc.integer({ min: 1, max: 99999 }), (text, limit, id) => {
      const link = `https://council.example/alerts/${id}`;
      const out = fitWithLink(text, link, limit);
      assert.ok(characters(out) <= limit, `${characters(out)} > ${limit}`);
      assert.ok(out.endsWith(link));
      const body = out.slice(0, out.length - link.length).trim().replace(/…$/, '');
      const given = text.split(' ').filter(Boolean);
      const kept = body.split(' ').filter(Boolean);
      // Every kept word is the input's word at that position: nothing cut inside a word.
      kept.forEach((w, i) => assert.equal(w, given[i]));
    }), { numRuns: 500 });
  });

  test('every text of every language keeps to its limit and carries the link', () => {
    fc.assert(fc.property(sentence, sentence, fc.constantFrom('en', 'es', 'ar', 'fr'), fc.constantFrom<Alert['msgType']>('Alert', 'Update', 'Cancel'), (headline, instruction, language, msgType) => {
      const alert = alertWith([info('en', headline || 'Boil water', instruction), info('es', headline || 'Hervir agua', instruction), info('ar', headline || 'اغلِ الماء', instruction)], msgType);
      const t = alertTexts(alert, language, sender);
      assert.ok(characters(t.sms) <= SMS_LIMIT);
      assert.ok(characters(t.cellShort) <= CELL_SHORT_LIMIT);
      assert.ok(characters(t.cellLong) <= CELL_LONG_LIMIT);
      for (const text of [t.sms, t.cellShort, t.cellLong, t.email]) assert.ok(text.includes('https://council.example/alerts/42'));
    }), { numRuns: 300 });
  });

  test('a language the alert lacks falls back to English', () => {
    const alert = alertWith([info('es', 'Hierva el agua', 'Hierva el agua un minuto.'), info('en', 'Boil your water', 'Boil water for one minute.')]);
    assert.equal(alertTexts(alert, 'fr', sender).language, 'en');
    assert.match(alertTexts(alert, 'es', sender).sms, /Hierva el agua/);
  });

  test('Arabic goes in UCS-2: 160 characters are three parts', () => {
    const arabic = alertTexts(alertWith([info('ar', 'اغلوا الماء قبل شربه', 'اغلوا الماء لمدة دقيقة واحدة على الأقل قبل الشرب أو الطهي أو تنظيف الأسنان، حتى إشعار آخر من البلدية')]), 'ar', sender);
    assert.equal(smsEncoding(arabic.sms), 'ucs2');
    assert.ok(smsParts(arabic.sms) <= 3);
    const english = alertTexts(alertWith([info('en', 'Boil water', 'Boil water for one minute before you drink it.')]), 'en', sender);
    assert.equal(smsEncoding(english.sms), 'gsm7');
    assert.equal(smsParts(english.sms), 1);
  });

  test('Update and Cancel say so; the email goes through the branded HTML', () => {
    const cancel = alertTexts(alertWith([info('en', 'Boil water', 'Boil it.')], 'Cancel'), 'en', sender);
    assert.match(cancel.subject, /^Cancelled: Boil water/);
    assert.match(cancel.sms, /cancelled/);
    const html = htmlEmail(cancel.subject, cancel.email, { council: sender.council, colour: null, language: 'en' });
    assert.match(html, /href="https:\/\/council\.example\/alerts\/42"/);
    const update = alertTexts(alertWith([info('ar', 'اغلوا الماء', 'اغلوا الماء.')], 'Update'), 'ar', sender);
    assert.match(update.subject, /^تحديث: /);
  });
});
