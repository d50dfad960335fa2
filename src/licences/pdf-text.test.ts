import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { arabicFont, drawLine, sfntOfWoff, visualOrder, wrapText, type PdfFonts } from './pdf-text.js';

const require = createRequire(import.meta.url);

async function fonts(): Promise<PdfFonts> {
  const doc = await PDFDocument.create();
  return { latin: await doc.embedFont(StandardFonts.Helvetica), arabic: arabicFont('regular') };
}

/** The words of a laid-out line as the reader sees them from left to right. */
const seen = (text: string, f: PdfFonts) => wrapText(text, f, 11, 1000).map((line) => visualOrder(line).map((word) => word.pieces.map((p) => ('text' in p ? p.text : 'ARABIC')).join('')).join(' '));

test('the WOFF font unpacks to an OpenType file with every glyph of the original', () => {
  const file = require.resolve('@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff');
  const sfnt = sfntOfWoff(readFileSync(file));
  assert.equal(Buffer.from(sfnt).readUInt32BE(0), 0x00010000, 'a TrueType outline font');
  assert.ok(arabicFont('regular').numGlyphs > 1000);
  assert.throws(() => sfntOfWoff(Buffer.from('not a font at all, just words')), /not a WOFF file/);
});

test('Arabic words are shaped: joined letters use other glyphs than the letters alone', () => {
  const font = arabicFont('regular');
  const word = 'رخصة';
  const shaped = font.layout(word).glyphs.map((g) => g.id);
  const alone = [...word].map((c) => font.glyphForCodePoint(c.codePointAt(0)!).id);
  assert.notDeepEqual(shaped, [...alone].reverse());
});

test('words go in visual order: Latin runs keep theirs inside an Arabic paragraph, Arabic runs are reversed', async () => {
  const f = await fonts();
  assert.deepEqual(seen('Holder name here', f), ['Holder name here']);
  // An Arabic paragraph: its first word is drawn rightmost, a Latin number keeps its order.
  assert.deepEqual(seen('رخصة TX 2026 سائق', f), ['ARABIC TX 2026 ARABIC']);
  const rtl = wrapText('رخصة TX 2026 سائق', f, 11, 1000)[0]!;
  assert.equal(rtl.rtl, true);
  const [first, , , last] = rtl.words;
  assert.deepEqual(visualOrder(rtl), [last, rtl.words[1], rtl.words[2], first]);
  // A Latin paragraph with Arabic words: the Arabic run is reversed, the rest stays.
  const ltr = wrapText('Fatima فاطمة الزهراء Ali', f, 11, 1000)[0]!;
  assert.equal(ltr.rtl, false);
  assert.deepEqual(visualOrder(ltr), [ltr.words[0], ltr.words[2], ltr.words[1], ltr.words[3]]);
  // Brackets face the other way inside an Arabic word; scripts the fonts lack print as "?" (here left of it: the paragraph is Arabic).
  assert.deepEqual(seen('(الفئة) Привет', f), ['?????? (ARABIC)']);
});

test('long Arabic text wraps within the width, and a drawn line places every word', async () => {
  const f = await fonts();
  const text = 'قيادة سيارة أجرة مرخصة في المدينة '.repeat(12);
  const lines = wrapText(text, f, 11, 300);
  assert.ok(lines.length > 3);
  for (const line of lines) assert.ok(line.words.reduce((sum, w) => sum + w.width, 0) <= 300);
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  const drawn: string[] = [];
  const record = page as unknown as { drawSvgPath: (path: string) => void; drawText: (text: string) => void };
  record.drawSvgPath = (path) => { drawn.push(path); };
  record.drawText = (text) => { drawn.push(text); };
  drawLine(page, lines[0]!, { x: 0, y: 0, size: 11, space: 3 });
  assert.equal(drawn.length, lines[0]!.words.length);
  for (const path of drawn) assert.match(path, /^M-?\d+ -?\d+/);
});
