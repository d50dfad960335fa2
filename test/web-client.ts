/**
 * A browser without JavaScript, for tests of server-rendered pages: keeps cookies, follows no
 * redirects by itself (tests check them), and sends forms with the CSRF token of the page
 * they came from, as a real browser would.
 */
export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  /** The `_csrf` value of the last page that had a form. */
  csrf = '';

  constructor(readonly baseUrl: string, readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0') {}

  async get(path: string): Promise<PageResponse> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form; `_csrf` is the last page's token unless the fields give one (or null to leave it out). */
  async post(path: string, fields: Record<string, string | null> = {}, headers: Record<string, string> = {}): Promise<PageResponse> {
    const body = new URLSearchParams();
    const all: Record<string, string | null> = { _csrf: this.csrf, ...fields };
    for (const [name, value] of Object.entries(all)) if (value !== null) body.set(name, value);
    return this.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  }

  /** Posts a multipart form (a file upload), with the last page's `_csrf` (in the address and the body) unless the fields give one (or null to leave it out). */
  async postMultipart(path: string, fields: Record<string, string | null>, files: Record<string, { bytes: Buffer; filename: string; type: string }> = {}): Promise<PageResponse> {
    const body = new FormData();
    const all: Record<string, string | null> = { _csrf: this.csrf, ...fields };
    for (const [name, value] of Object.entries(all)) if (value !== null) body.set(name, value);
    for (const [name, file] of Object.entries(files)) body.set(name, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.filename);
    // As the page's form does: an upload's token rides in its address, checked before the body is read.
    const token = all._csrf;
    return this.send(token === null || token === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}`, { method: 'POST', body });
  }

  /** GET, then follow redirects on this site, as a browser does after a form. */
  async follow(response: PageResponse, limit = 5): Promise<PageResponse> {
    let current = response;
    for (let i = 0; i < limit && current.location; i++) current = await this.get(current.location.replace(this.baseUrl, ''));
    return current;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private async send(path: string, init: { method: string; body?: URLSearchParams | FormData; headers?: Record<string, string> }): Promise<PageResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init, redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml', 'user-agent': this.userAgent, ...(cookie ? { cookie } : {}), ...init.headers },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, headers: response.headers, html, location: response.headers.get('location') };
  }
}
