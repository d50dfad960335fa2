/**
 * The HTML part of an email, made from its plain text: the council's name on its colour, the
 * paragraphs, links made clickable, and the unsubscribe link. Everything from the text is
 * escaped; styles are inline because mail programs drop style sheets.
 */
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A paragraph with its web addresses as links (the address itself is the link text, so it reads the same as the plain part). */
function paragraph(text: string): string {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  const html = parts.map((part, i) => (i % 2 === 1 ? `<a href="${escape(part)}" style="color:#1d70b8">${escape(part)}</a>` : escape(part))).join('');
  return `<p style="margin:0 0 16px;line-height:1.5">${html.replace(/\n/g, '<br>')}</p>`;
}

export interface HtmlBranding {
  council: string;
  /** #rrggbb, dark enough for white text (config checks it); default near-black. */
  colour: string | null;
  language?: string;
  unsubscribeUrl?: string;
  /** The words of the unsubscribe link, in the message's language. */
  unsubscribeText?: string;
}

const rtl = new Set(['ar', 'he', 'fa', 'ur']);

export function htmlEmail(subject: string, text: string, brand: HtmlBranding): string {
  const language = brand.language ?? 'en';
  const colour = brand.colour && /^#[0-9a-f]{6}$/i.test(brand.colour) ? brand.colour : '#0b0c0c';
  const footer = brand.unsubscribeUrl
    ? `<p style="margin:16px 0 0;font-size:14px;color:#505a5f"><a href="${escape(brand.unsubscribeUrl)}" style="color:#505a5f">${escape(brand.unsubscribeText ?? 'Stop these emails')}</a></p>`
    : '';
  return [
    '<!doctype html>',
    `<html lang="${escape(language)}" dir="${rtl.has(language) ? 'rtl' : 'ltr'}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f3f2f1;font-family:Arial,Helvetica,sans-serif;color:#0b0c0c">',
    `<div role="banner" style="background:${colour};color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold">${escape(brand.council)}</div>`,
    '<div role="main" style="background:#ffffff;padding:24px;max-width:600px;font-size:16px">',
    ...text.split(/\n{2,}/).map(paragraph),
    footer,
    '</div>',
    '</body></html>',
  ].join('\n');
}
