/** A raw client for server-sent events in tests: what arrived so far, and a wait for a pattern. */
import http from 'node:http';

export interface TestStream {
  status: number;
  contentType: string;
  readonly text: string;
  ended: Promise<void>;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  close(): void;
}

/** Long runs of "x" (the filler of big test events) are kept short, so matching stays fast. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<TestStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      let text = '';
      const waiters: Array<() => void> = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk.replace(/x{100,}/g, 'x…');
        waiters.splice(0).forEach((w) => w());
      });
      response.on('error', () => undefined);
      const ended = new Promise<void>((done) => response.on('close', () => done()));
      resolve({
        status: response.statusCode ?? 0,
        contentType: String(response.headers['content-type'] ?? ''),
        get text() { return text; },
        ended,
        waitFor(pattern, ms = 8_000) {
          return new Promise((found, fail) => {
            const timer = setTimeout(() => fail(new Error(`no ${pattern} in ${JSON.stringify(text.slice(-2000))}`)), ms);
            const check = () => {
              if (pattern.test(text)) {
                clearTimeout(timer);
                found(text);
              } else waiters.push(check);
            };
            check();
          });
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

export async function waitUntil(condition: () => boolean, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
