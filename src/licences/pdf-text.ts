/**
 * Text on the licence PDF in Latin and Arabic script. The PDF standard fonts (Helvetica) cover
 * Western European text. Arabic words are shaped by fontkit with Noto Sans Arabic (joined letter
 * forms, marks in place) and drawn as the glyphs' outlines: pdf-lib's embedded fonts lose the
 * shaped glyphs' positions. A word drawn so cannot be selected as text; the verify page has it.
 * Words are put in visual order on the line by a simplified form of the Unicode bidirectional
 * algorithm: runs of right-to-left words are reversed, and in a paragraph that starts with an
 * Arabic letter the runs themselves go right to left. Other scripts print as "?".
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import type * as Fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import type { PDFFont, PDFPage, RGB } from 'pdf-lib';

const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]/u;
const ARABIC_RUNS = /([\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc\u200c-\u200f]+)/u;

/** Windows-1252, what the standard fonts can show. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export const showable = (text: string): string => [...text].map((c) => {
  const code = c.codePointAt(0)!;
  if (c === '\t' || c === '\n') return ' ';
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c) ? c : '?';
}).join('');

export const hasArabic = (text: string): boolean => ARABIC.test(text);

export interface PdfFonts { latin: PDFFont; arabic: Font | null }

const require = createRequire(import.meta.url);
// Loaded on first use: evaluating fontkit takes about a second of CPU, which every process that
// imports the app (each server start, each test process) would otherwise pay for no licence.
let fontkit: typeof Fontkit | undefined;
const fonts = new Map<string, Font>();

/** Noto Sans Arabic, regular or bold, read once per process. */
export function arabicFont(weight: 'regular' | 'bold'): Font {
  let font = fonts.get(weight);
  if (!font) {
    const file = `noto-sans-arabic-arabic-${weight === 'bold' ? 700 : 400}-normal.woff`;
    fontkit ??= require('@pdf-lib/fontkit') as typeof Fontkit;
    font = fontkit.create(sfntOfWoff(readFileSync(require.resolve(`@fontsource/noto-sans-arabic/files/${file}`))));
    fonts.set(weight, font);
  }
  return font;
}

/**
 * A WOFF 1.0 font unpacked to the plain OpenType file it wraps, once: fontkit would inflate its
 * tables again at each use, with a JavaScript inflater (seconds per licence).
 */
export function sfntOfWoff(woff: Buffer): Uint8Array {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('The licence font is not a WOFF file.');
  const count = woff.readUInt16BE(12);
  const tables = Array.from({ length: count }, (_, n) => {
    const at = 44 + n * 20;
    const [offset, compressed, length] = [woff.readUInt32BE(at + 4), woff.readUInt32BE(at + 8), woff.readUInt32BE(at + 12)];
    const stored = woff.subarray(offset, offset + compressed);
    return { tag: woff.subarray(at, at + 4), checksum: woff.readUInt32BE(at + 16), data: compressed < length ? inflateSync(stored) : stored };
  });
  const entrySelector = Math.floor(Math.log2(count));
  const searchRange = 2 ** entrySelector * 16;
  let offset = 12 + count * 16;
  const out = Buffer.alloc(offset + tables.reduce((sum, t) => sum + Math.ceil(t.data.length / 4) * 4, 0));
  woff.copy(out, 0, 4, 8);
  out.writeUInt16BE(count, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(count * 16 - searchRange, 10);
  tables.forEach((table, n) => {
    const at = 12 + n * 16;
    table.tag.copy(out, at);
    out.writeUInt32BE(table.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(table.data.length, at + 12);
    table.data.copy(out, offset);
    offset += Math.ceil(table.data.length / 4) * 4;
  });
  return out;
}

/** Part of a word in one font: text in a PDF font, or the outline of shaped Arabic glyphs (SVG path, font units). */
type Piece = { text: string; font: PDFFont; width: number } | { outline: string; scale: number; width: number };
interface Word { pieces: Piece[]; rtl: boolean; width: number }

const MIRRORED: Record<string, string> = { '(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<' };

interface Outline { commands: { command: string; args: number[] }[] }
const svgCommands: Record<string, string> = { moveTo: 'M', lineTo: 'L', quadraticCurveTo: 'Q', bezierCurveTo: 'C', closePath: 'Z' };

/** The shaped run as one SVG path, glyphs placed by their positions, y downwards as SVG has it. */
function outlineOf(font: Font, text: string): { outline: string; advance: number } {
  const run = font.layout(text);
  let pen = 0;
  const parts: string[] = [];
  run.glyphs.forEach((glyph, n) => {
    const position = run.positions[n]!;
    const [dx, dy] = [pen + position.xOffset, position.yOffset];
    for (const { command, args } of (glyph.path as unknown as Outline).commands) {
      const points: string[] = [];
      for (let i = 0; i < args.length; i += 2) points.push(`${Math.round(args[i]! + dx)} ${Math.round(-(args[i + 1]! + dy))}`);
      parts.push(`${svgCommands[command] ?? ''}${points.join(' ')}`);
    }
    pen += position.xAdvance;
  });
  return { outline: parts.join(''), advance: pen };
}

/** A word cut into pieces of one font each, in visual order. */
function wordOf(word: string, fonts: PdfFonts, size: number): Word {
  const rtl = fonts.arabic !== null && hasArabic(word);
  const pieces: Piece[] = word.split(ARABIC_RUNS).filter(Boolean).map((part) => {
    if (fonts.arabic && hasArabic(part)) {
      const scale = size / fonts.arabic.unitsPerEm;
      const { outline, advance } = outlineOf(fonts.arabic, part);
      return { outline, scale, width: advance * scale };
    }
    const text = showable(part);
    return { text, font: fonts.latin, width: fonts.latin.widthOfTextAtSize(text, size) };
  });
  // Right to left, brackets face the other way (Unicode's mirrored characters).
  if (rtl) pieces.reverse().forEach((piece) => { if ('text' in piece) piece.text = piece.text.replace(/[()[\]{}<>]/g, (c) => MIRRORED[c] ?? c); });
  return { pieces, rtl, width: pieces.reduce((sum, piece) => sum + piece.width, 0) };
}

export interface Line { words: Word[]; rtl: boolean }

/** Wraps a text (paragraphs split at new lines) into lines no wider than `width`. */
export function wrapText(text: string, fonts: PdfFonts, size: number, width: number): Line[] {
  const space = fonts.latin.widthOfTextAtSize(' ', size);
  const lines: Line[] = [];
  for (const paragraph of text.split(/\s*\n\s*/)) {
    const words = paragraph.split(/\s+/).filter(Boolean);
    // The paragraph's direction is that of its first letter (as in the bidirectional algorithm).
    const firstLetter = words.join(' ').match(/[\p{L}]/u)?.[0] ?? '';
    const rtl = fonts.arabic !== null && hasArabic(firstLetter);
    let line: Word[] = [];
    let lineWidth = 0;
    for (const raw of words) {
      for (const word of cutToWidth(wordOf(raw, fonts, size), raw, fonts, size, width)) {
        const extra = line.length > 0 ? space + word.width : word.width;
        if (line.length > 0 && lineWidth + extra > width) {
          lines.push({ words: line, rtl });
          line = [];
          lineWidth = 0;
        }
        lineWidth += line.length > 0 ? space + word.width : word.width;
        line.push(word);
      }
    }
    if (line.length > 0) lines.push({ words: line, rtl });
  }
  return lines;
}

/** A Latin word longer than the line is cut; an Arabic one is left whole (cutting breaks its letter forms). */
function cutToWidth(word: Word, raw: string, fonts: PdfFonts, size: number, width: number): Word[] {
  if (word.width <= width || word.rtl) return [word];
  const parts: Word[] = [];
  let rest = showable(raw);
  const measure = (s: string) => fonts.latin.widthOfTextAtSize(s, size);
  while (measure(rest) > width) {
    let cut = rest.length - 1;
    while (cut > 1 && measure(rest.slice(0, cut)) > width) cut--;
    parts.push(wordOf(rest.slice(0, cut), fonts, size));
    rest = rest.slice(cut);
  }
  parts.push(wordOf(rest, fonts, size));
  return parts;
}

/** The line's words in visual order: each run of one direction kept together, right-to-left runs reversed. */
export function visualOrder(line: Line): Word[] {
  const runs: Word[][] = [];
  for (const word of line.words) {
    const last = runs[runs.length - 1];
    if (last && last[0]!.rtl === word.rtl) last.push(word);
    else runs.push([word]);
  }
  if (line.rtl) runs.reverse();
  return runs.flatMap((run) => (run[0]!.rtl ? [...run].reverse() : run));
}

/** Draws a line from the left edge `x`. */
export function drawLine(page: PDFPage, line: Line, options: { x: number; y: number; size: number; color?: RGB; space: number }): void {
  let x = options.x;
  const color = options.color ? { color: options.color } : {};
  for (const [index, word] of visualOrder(line).entries()) {
    if (index > 0) x += options.space;
    for (const piece of word.pieces) {
      if ('outline' in piece) page.drawSvgPath(piece.outline, { x, y: options.y, scale: piece.scale, borderWidth: 0, ...color });
      else page.drawText(piece.text, { x, y: options.y, size: options.size, font: piece.font, ...color });
      x += piece.width;
    }
  }
}
