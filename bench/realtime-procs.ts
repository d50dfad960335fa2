/**
 * The processes bench/realtime.ts starts (each its own, so load does not share an event loop):
 *   townhall        the real app on SQLite; publishes an event (in a transaction) when told
 *   bare            a bare node http server that writes the same message to every open stream
 *   clients N URL   N server-sent event streams (raw sockets); records publish-to-delivery times
 * They talk to the parent over IPC.
 */
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

type Message = { type: string; [key: string]: unknown };
const send = (message: Message) => process.send?.(message);
const mode = process.argv[2];

if (mode === 'townhall') {
  const { buildApp } = await import('../src/app.js');
  const { createApiKey } = await import('../src/apikeys/apikeys.js');
  const { loadConfig } = await import('../src/config.js');
  const { openDatabase } = await import('../src/db/connection.js');
  const { migrateToLatest } = await import('../src/db/migrate.js');
  const { loadKeys } = await import('../src/platform/keys.js');
  const { seedDemoCatalogue } = await import('../src/demo/seed.js');
  const { eventStreamsFor } = await import('../src/live/streams.js');
  const { publishEvents, topics } = await import('../src/platform/events.js');
  const dir = mkdtempSync(join(tmpdir(), 'townhall-bench-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'townhall.db')}`, LOG_LEVEL: 'silent', TOWNHALL_API_RATE_LIMIT: '0', TOWNHALL_REPORT_RATE_LIMIT: '0' });
  const db = openDatabase(config.databaseUrl);
  const { keyring } = loadKeys(config.databaseUrl);
  await migrateToLatest(db);
  await seedDemoCatalogue(db, config.jurisdiction.id);
  const { key } = await createApiKey(db, { name: 'bench' }, 'bench');
  // Every bench client connects from 127.0.0.1: lift the per-address cap (the process cap stays).
  const streams = eventStreamsFor(db, { maxStreams: 25_000, maxPerClient: 25_000 });
  const app = await buildApp({ config, db, keyring, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const posted = await fetch(`${base}/open311/v2/requests.json`, {
    method: 'POST',
    body: new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '37.7749', long: '-122.4194', description: 'bench', 'attribute[size]': 'large' }),
  });
  const caseId = Number(((await posted.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id);
  process.on('message', (message: Message) => {
    if (message.type === 'publish') {
      void db.transaction().execute((trx) => publishEvents(trx, [{ topic: topics.publicCase(caseId), kind: 'update', data: { sentAt: Date.now() } }]));
    } else if (message.type === 'size') send({ type: 'size', size: streams.size, dropped: streams.dropped });
  });
  send({ type: 'ready', url: `${base}/requests/${caseId}/events` });
} else if (mode === 'bare') {
  const open = new Set<http.ServerResponse>();
  let id = 0;
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    response.write('retry: 5000\n\n');
    open.add(response);
    response.on('close', () => open.delete(response));
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    send({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events` });
  });
  process.on('message', (message: Message) => {
    if (message.type === 'publish') {
      const text = `id: ${++id}\nevent: update\ndata: {"sentAt":${Date.now()}}\n\n`;
      for (const response of open) response.write(text);
    } else if (message.type === 'size') send({ type: 'size', size: open.size, dropped: 0 });
  });
} else if (mode === 'clients') {
  const count = Number(process.argv[3]);
  const url = new URL(process.argv[4]!);
  const latencies: number[] = [];
  let connected = 0;
  let failed = 0;
  const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\naccept: text/event-stream\r\n\r\n`;
  const pattern = /"sentAt":(\d+)/g;
  const connect = () => new Promise<void>((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let rest = '';
    let opened = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      const now = Date.now();
      if (!opened) {
        opened = true;
        if (chunk.startsWith('HTTP/1.1 200')) connected++;
        else failed++;
        resolve();
      }
      // Messages end with a blank line; a message split between chunks waits for its end.
      const text = rest + chunk;
      const end = text.lastIndexOf('\n\n');
      if (end < 0) {
        rest = text;
        return;
      }
      rest = text.slice(end + 2);
      for (const match of text.slice(0, end).matchAll(pattern)) latencies.push(now - Number(match[1]));
    });
    socket.on('error', () => {
      if (!opened) {
        opened = true;
        failed++;
        resolve();
      }
    });
  });
  // A few hundred connects at a time, so the server's accept queue never overflows.
  let next = 0;
  await Promise.all(Array.from({ length: 200 }, async () => {
    while (next < count) {
      next++;
      await connect();
    }
  }));
  send({ type: 'connected', connected, failed });
  process.on('message', (message: Message) => {
    if (message.type === 'report') send({ type: 'report', latencies });
    else if (message.type === 'count') send({ type: 'count', count: latencies.length });
    else if (message.type === 'reset') latencies.length = 0;
  });
} else {
  console.error('usage: realtime-procs.ts townhall|bare|clients N URL');
  process.exit(2);
}
