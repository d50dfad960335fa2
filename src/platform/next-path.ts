/**
 * Where to send a person after signing in (`?next=`): only a path on this site, and written so it
 * can go into a Location header. One check for every sign-in route (password, second factor,
 * single sign-on).
 *
 * Refused: other sites ("https://...", "//host", "/\host"), anything with spaces, control
 * characters or backslashes, and anything longer than 500 characters. Characters outside ASCII
 * ("/€") are percent-encoded, as a browser would send them: an HTTP header holds Latin-1 only,
 * and a raw "€" there made the redirect fail after the password (and the second factor) had
 * already been accepted.
 */
const MAX_LENGTH = 500;
const ORIGIN = 'http://next.invalid';

export function sameSitePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return null;
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(value) || /[\s\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Encoding may lengthen it (each € becomes nine characters); the limit holds for what is sent.
  return path.length <= MAX_LENGTH && /^[\x21-\x7e]+$/.test(path) ? path : null;
}
