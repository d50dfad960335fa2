/**
 * The licence as a PDF (pdf-lib): the council, the number, the holder, what is permitted, its
 * conditions and validity, and a QR code carrying the verify address with the signed token.
 * The QR code is drawn as vector squares, so it stays sharp when printed.
 *
 * Fonts: the PDF standard fonts (Helvetica), which cover Western European scripts only. A
 * character they cannot show (Arabic, Cyrillic...) is printed as "?", and the page says the
 * verify page has the full text: embedding a font that covers Arabic needs shaping and
 * right-to-left layout, which pdf-lib does not do.
 */
import { fill, PDFDict, PDFDocument, PDFName, PDFString, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingRgbColor, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { formatDateIn, lastDayOf, verifyLinkOf } from './licences.js';
import type { LicenceRow } from './store.js';

export interface PdfContext {
  council: string;
  publicUrl: string;
  timeZone: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;

/** Windows-1252, what the standard fonts can show. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const showable = (text: string) => [...text].map((c) => {
  const code = c.codePointAt(0)!;
  if (c === '\t' || c === '\n') return ' ';
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(c) ? c : '?';
}).join('');

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of showable(text).split(/\s*\n\s*/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) { line = candidate; continue; }
      if (line) lines.push(line);
      // A word longer than the line is cut.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    if (line) lines.push(line);
  }
  return lines;
}

/**
 * The QR code as one filled path: each run of dark modules in a row is one rectangle, all
 * written as raw operators (a drawRectangle per module costs a second per licence).
 */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 4;
  const cell = size / (count + quiet * 2);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  const operators = [pushGraphicsState(), setFillingRgbColor(0, 0, 0)];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count;) {
      if (!qr.modules.get(row, col)) { col++; continue; }
      let end = col;
      while (end < count && qr.modules.get(row, end)) end++;
      operators.push(rectangle(x + (col + quiet) * cell, y + size - (row + quiet + 1) * cell, (end - col) * cell, cell));
      col = end;
    }
  }
  operators.push(fill(), popGraphicsState());
  page.pushOperators(...operators);
}

export async function licencePdf(licence: LicenceRow, ctx: PdfContext): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Licence ${licence.number}`);
  doc.setAuthor(showable(ctx.council));
  doc.setSubject(showable(licence.service_name));
  doc.setCreator('Townhall');
  doc.setProducer('Townhall');
  doc.setCreationDate(new Date(licence.issued_at));
  doc.setModificationDate(new Date(licence.issued_at));
  // The signed credential in the document's information, in clear, so `townhall verify licence.pdf` finds it.
  doc.context.lookup(doc.context.trailerInfo.Info, PDFDict).set(PDFName.of('LicenceCredential'), PDFString.of(licence.token));
  let page = doc.addPage([A4.width, A4.height]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const width = A4.width - MARGIN * 2;
  let y = A4.height - MARGIN;
  const write = (text: string, options: { font?: PDFFont; size?: number; gap?: number } = {}) => {
    const font = options.font ?? regular;
    const size = options.size ?? 11;
    for (const line of wrap(text, font, size, width)) {
      // Long conditions go on to another page rather than off the bottom of this one.
      if (y - size * 1.35 < MARGIN + 20) {
        page = doc.addPage([A4.width, A4.height]);
        y = A4.height - MARGIN;
      }
      y -= size * 1.35;
      page.drawText(line, { x: MARGIN, y, size, font, color: rgb(0.1, 0.1, 0.1) });
    }
    y -= options.gap ?? 0;
  };
  const date = (iso: string) => formatDateIn(iso, 'en-GB', ctx.timeZone);

  write(ctx.council, { font: bold, size: 14, gap: 4 });
  write(licence.service_name, { font: bold, size: 22, gap: 6 });
  write(`Licence number ${licence.number}`, { font: bold, size: 13, gap: 14 });
  write('Holder', { font: bold, size: 11 });
  write(licence.holder_name, { gap: 10 });
  write('What this licence permits', { font: bold });
  write(licence.permits, { gap: 10 });
  const conditions = JSON.parse(licence.conditions) as string[];
  if (conditions.length > 0) {
    write('Conditions', { font: bold });
    conditions.forEach((condition, index) => write(`${index + 1}. ${condition}`, { gap: 2 }));
    y -= 8;
  }
  write('Valid', { font: bold });
  write(`From ${date(licence.valid_from)} to ${date(lastDayOf(licence.valid_until))} (inclusive).`, { gap: 10 });
  write(`Issued on ${date(licence.issued_at)} by ${ctx.council}.`, { size: 10, gap: 16 });

  const qrSize = 170;
  const verifyUrl = verifyLinkOf(ctx.publicUrl, licence.token);
  if (y - qrSize < MARGIN + 40) {
    page = doc.addPage([A4.width, A4.height]);
    y = A4.height - MARGIN;
  }
  const qrY = Math.min(y - qrSize, 360);
  drawQr(page, verifyUrl, MARGIN, qrY, qrSize);
  const note = [
    'Check this licence',
    'Scan the QR code, or go to',
    `${ctx.publicUrl}/verify`,
    `and enter the licence's code. The page says whether the licence is genuine and whether it is still valid, suspended or revoked.`,
  ];
  let noteY = qrY + qrSize - 14;
  for (const [index, text] of note.entries()) {
    for (const line of wrap(text, index === 0 ? bold : regular, 10, width - qrSize - 20)) {
      page.drawText(line, { x: MARGIN + qrSize + 20, y: noteY, size: 10, font: index === 0 ? bold : regular });
      noteY -= 14;
    }
  }
  page.drawText(showable('This licence is signed electronically; a printed copy is valid only if the check says so.'), { x: MARGIN, y: MARGIN, size: 8, font: regular, color: rgb(0.3, 0.3, 0.3) });
  return doc.save({ useObjectStreams: false });
}
