/**
 * Reading and writing cookies, small enough to own: Townhall sets a session cookie, a CSRF cookie
 * for forms shown before sign-in, a short-lived cookie during single sign-on, and the chosen
 * language (src/i18n); always HttpOnly and SameSite=Lax, and over https Secure (with a __Host- or
 * __Secure- prefix, except the language preference, which holds nothing secret).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_.~-]{1,4096}$/.test(value) ? value : undefined;
  }
  return undefined;
}

export interface CookieOptions {
  /** Over https: Secure, and the __Host- prefix was chosen by the caller. */
  secure: boolean;
  path?: string;
  /** Seconds; omitted: ends with the browser. 0 deletes. */
  maxAge?: number;
}

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  // Fastify appends to the Set-Cookie list already on the reply (it never replaces it).
  reply.header('set-cookie', parts.join('; '));
}

/** `__Host-` binds the cookie to this exact host over https; plain http (local use) cannot carry it. */
export const cookieName = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);
