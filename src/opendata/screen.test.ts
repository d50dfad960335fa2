import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REMOVED, screenText } from './screen.js';

test('screening removes email and web addresses and phone numbers in the ways people write them', () => {
  const cases: Array<[string, string]> = [
    ['Call 0207 946 0958 please', `Call ${REMOVED} please`],
    ['ring +44 20 7946 0958.', `ring ${REMOVED}.`],
    ['phone (415) 555-0199 after 6', `phone ${REMOVED} after 6`],
    ['my cell is 415.555.0199', `my cell is ${REMOVED}`],
    ['email José.O\'Neil+311@mail.example.co.uk now', `email ${REMOVED} now`],
    ['see https://example.org/p?id=1 or www.example.org/x', `see ${REMOVED} or ${REMOVED}`],
    ['card 4111 1111 1111 1111', `card ${REMOVED}`],
  ];
  for (const [text, screened] of cases) assert.equal(screenText(text), screened, text);
});

test('screening keeps what is not contact details: house numbers, short numbers, words', () => {
  for (const text of ['Pothole outside number 12, about 30 cm wide', 'Lamp post 4471 is out', 'Since 2026, every week', 'No email here @ all']) {
    assert.equal(screenText(text), text);
  }
  assert.equal(screenText(null), null);
});
