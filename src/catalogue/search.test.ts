import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, fold, search, wordMatch } from './search.js';

const services = [
  { name: 'Pothole', keywords: ['hole', 'road', 'tarmac'], description: 'A hole or a sunken patch in a road.', group: 'Streets' },
  { name: 'Graffiti', keywords: ['paint', 'tag'], description: 'Paint or marks on a public wall.', group: 'Streets' },
  { name: 'Street light not working', keywords: ['lamp'], description: 'A light that is out or flickering.', group: 'Streets' },
  { name: 'Missed bin collection', keywords: ['rubbish', 'recycling'], description: 'Your bin was not emptied on the day.', group: 'Waste' },
  { name: 'Bache en la calzada', keywords: ['agujero'], description: 'Un agujero en la vía pública.', group: 'Calles' },
  { name: 'Road sign damaged', keywords: ['sign'], description: 'A sign that is bent, missing or has a pothole next to it.', group: 'Streets' },
];
const names = (query: string) => search(query, services).map((r) => r.item.name);

test('folding removes case, accents and punctuation', () => {
  assert.equal(fold('  Vía  Pública, NÚMERO-3 '), 'via publica numero 3');
  assert.equal(fold('Ñandú'), 'nandu');
});

test('edit distance counts a swap of neighbouring letters as one mistake', () => {
  assert.equal(editDistance('graffiti', 'grafiti'), 1);
  assert.equal(editDistance('pothole', 'pohtole'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.ok(editDistance('abcdefgh', 'zzzzzzzz', 2) > 2);
});

test('mistakes allowed grow with the word: none to 3 letters, 1 to 7, 2 from 8', () => {
  assert.equal(wordMatch('bim', 'bin'), 0);
  assert.ok(wordMatch('bims', 'bins') > 0);
  assert.equal(wordMatch('bxms', 'bins'), 0);
  assert.ok(wordMatch('grafiti', 'graffiti') > 0);
  assert.ok(wordMatch('colection', 'collection') > 0);
  assert.ok(wordMatch('colectoin', 'collection') > 0, 'two mistakes in a long word');
  assert.equal(wordMatch('clectoin', 'collection'), 0, 'three are too many');
});

test('typos, word starts and words written together still find the service', () => {
  assert.equal(names('pothol')[0], 'Pothole');
  assert.equal(names('grafiti')[0], 'Graffiti');
  assert.equal(names('Graffitti')[0], 'Graffiti');
  assert.equal(names('streetlight')[0], 'Street light not working');
  assert.equal(names('street light')[0], 'Street light not working');
  assert.equal(names('missed bim')[0], 'Missed bin collection');
});

test('Spanish accents are folded on both sides', () => {
  assert.equal(names('via publica')[0], 'Bache en la calzada');
  assert.equal(names('BACHÉ')[0], 'Bache en la calzada');
});

test('a name hit ranks above a keyword hit, above a description hit', () => {
  assert.deepEqual(names('pothole'), ['Pothole', 'Road sign damaged']);
  assert.deepEqual(names('road').slice(0, 2), ['Road sign damaged', 'Pothole']);
  assert.deepEqual(names('rubbish'), ['Missed bin collection']);
  assert.deepEqual(names('emptied'), ['Missed bin collection']);
});

test('nothing matches nonsense or an empty query', () => {
  assert.deepEqual(names('zzzz'), []);
  assert.deepEqual(names('   '), []);
  assert.deepEqual(names('xq'), []);
});

test('Arabic folds the letters people write either way, the vowel marks and the article', () => {
  assert.equal(fold('الحفرة'), fold('حفره'));
  assert.equal(fold('حُفْرَة'), 'حفره', 'vowel marks go');
  assert.equal(fold('إشارة'), fold('اشاره'), 'hamza seats and ة/ه');
  assert.equal(fold('مستشفى'), fold('مستشفي'), 'ى/ي');
  assert.equal(fold('حفـــرة'), fold('حفرة'), 'the stretching tatweel');
  assert.equal(fold('ال'), 'ال', 'a word that is only the article stays');
  const arabic = [{ name: 'حفرة أو طريق متضرر', keywords: ['حفرة', 'طريق'], description: 'حفرة أو شق في سطح الطريق.' }, { name: 'مصباح شارع', keywords: ['إنارة'], description: '' }];
  assert.deepEqual(search('الحفره', arabic).map((r) => r.item.name), ['حفرة أو طريق متضرر']);
  assert.deepEqual(search('اناره', arabic).map((r) => r.item.name), ['مصباح شارع']);
});
