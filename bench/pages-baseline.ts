/**
 * The baseline bench/pages.ts compares Townhall's status page with: bare Fastify answering every
 * request with the same fixed HTML string, of the size given as the first argument (bytes).
 * Prints "READY <port>" when listening.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const size = Number(process.argv[2] ?? 10_000);
const html = `<!doctype html><html><head><title>Baseline</title></head><body>${'x'.repeat(Math.max(0, size - 80))}</body></html>`;
const app = Fastify({ logger: false });
app.get('/requests/:id', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(html));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${(app.server.address() as AddressInfo).port}`);
