/**
 * The licence as a PDF (pdf-lib): the council, the number, the holder, what is permitted, its
 * conditions and validity, and a QR code carrying the verify address with the signed token.
 * The QR code is drawn as vector squares, so it stays sharp when printed.
 *
 * Fonts and the order of Arabic words: pdf-text.ts.
 */
import { fill, PDFDict, PDFDocument, PDFName, PDFString, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingRgbColor, StandardFonts, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { formatDateIn, lastDayOf, verifyLinkOf } from './licences.js';
import { arabicFont, drawLine, hasArabic, wrapText, type PdfFonts } from './pdf-text.js';
import type { LicenceRow } from './store.js';

export interface PdfContext {
  council: string;
  publicUrl: string;
  timeZone: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;

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
  doc.setAuthor(ctx.council);
  doc.setSubject(licence.service_name);
  doc.setCreator('Townhall');
  doc.setProducer('Townhall');
  doc.setCreationDate(new Date(licence.issued_at));
  doc.setModificationDate(new Date(licence.issued_at));
  // The signed credential in the document's information, in clear, so `townhall verify licence.pdf` finds it.
  doc.context.lookup(doc.context.trailerInfo.Info, PDFDict).set(PDFName.of('LicenceCredential'), PDFString.of(licence.token));
  let page = doc.addPage([A4.width, A4.height]);
  const conditions = JSON.parse(licence.conditions) as string[];
  const arabic = [ctx.council, licence.service_name, licence.holder_name, licence.permits, ...conditions].some(hasArabic);
  const regular: PdfFonts = { latin: await doc.embedFont(StandardFonts.Helvetica), arabic: arabic ? arabicFont('regular') : null };
  const bold: PdfFonts = { latin: await doc.embedFont(StandardFonts.HelveticaBold), arabic: arabic ? arabicFont('bold') : null };
  const width = A4.width - MARGIN * 2;
  let y = A4.height - MARGIN;
  const write = (text: string, options: { font?: PdfFonts; size?: number; gap?: number } = {}) => {
    const fonts = options.font ?? regular;
    const size = options.size ?? 11;
    const space = fonts.latin.widthOfTextAtSize(' ', size);
    for (const line of wrapText(text, fonts, size, width)) {
      // Long conditions go on to another page rather than off the bottom of this one.
      if (y - size * 1.35 < MARGIN + 20) {
        page = doc.addPage([A4.width, A4.height]);
        y = A4.height - MARGIN;
      }
      y -= size * 1.35;
      drawLine(page, line, { x: MARGIN, y, size, space, color: rgb(0.1, 0.1, 0.1) });
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
    const fonts = index === 0 ? bold : regular;
    for (const line of wrapText(text, fonts, 10, width - qrSize - 20)) {
      drawLine(page, line, { x: MARGIN + qrSize + 20, y: noteY, size: 10, space: fonts.latin.widthOfTextAtSize(' ', 10) });
      noteY -= 14;
    }
  }
  page.drawText('This licence is signed electronically; a printed copy is valid only if the check says so.', { x: MARGIN, y: MARGIN, size: 8, font: regular.latin, color: rgb(0.3, 0.3, 0.3) });
  return doc.save({ useObjectStreams: false });
}
