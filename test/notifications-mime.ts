/** Reading the emails a test SMTP sink received: headers, and the decoded text and HTML parts. */

/** One header's value (folded lines joined), or null. */
export function headerOf(data: string, name: string): string | null {
  const head = data.slice(0, data.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return match ? match[1]!.trim() : null;
}

function decode(part: string): string {
  const split = part.indexOf('\r\n\r\n');
  const headers = part.slice(0, split);
  const body = part.slice(split + 4);
  if (/content-transfer-encoding:\s*base64/i.test(headers)) return Buffer.from(body, 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  }
  return body;
}

/** The decoded part of this content type (text/plain, text/html), single-part or multipart. */
export function partOf(data: string, type: string): string | null {
  const head = data.slice(0, data.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  if (!boundary) return new RegExp(`content-type:\\s*${type}`, 'i').test(head) || (type === 'text/plain' && !/content-type/i.test(head)) ? decode(data) : null;
  for (const piece of data.split(`--${boundary}`).slice(1)) {
    const part = piece.replace(/^\r\n/, '');
    const found = partOf(part, type);
    if (found !== null) return found;
  }
  return null;
}
