/**
 * The SMS test provider: a real HTTP server shaped like the provider Townhall posts to
 * (`POST <url>/messages` with `{ to, from, body }`), keeping every text it receives. Test support.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SmsTestProvider {
  /** The address to give httpSmsProvider. */
  url: string;
  /** Every text received, in order. */
  texts: Array<{ to: string; body: string }>;
  close(): Promise<void>;
}

export async function startSmsProvider(): Promise<SmsTestProvider> {
  const texts: SmsTestProvider['texts'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => { texts.push(JSON.parse(body) as { to: string; body: string }); response.writeHead(201, { 'content-type': 'application/json' }).end('{}'); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, texts, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
