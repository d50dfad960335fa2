/**
 * The demo city for bench/pages.ts's Lighthouse runs: `townhall serve --demo` on a temporary
 * SQLite file (the demo catalogue, gazetteer and about 10,000 historical cases, so /reports
 * has its 500 map points). Map tiles point at this server (they 404 quickly: tiles are not the
 * page's weight and the machine may have no network). Prints "READY <port> <a report id>".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { serve } from '../src/main.js';
import { openDatabase } from '../src/db/connection.js';

const freePort = () => new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

const dir = mkdtempSync(join(tmpdir(), 'townhall-pages-'));
const port = await freePort();
const file = join(dir, 'townhall.db');
const config = loadConfig({
  DATABASE_URL: `sqlite:${file}`, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent',
  MAP_TILE_URL: `http://127.0.0.1:${port}/no-tiles/{z}/{x}/{y}.png`, TOWNHALL_REPORT_RATE_LIMIT: '0',
});
const { stopped } = await serve(config, { demo: true });
// A report marked only by its point, as many are: its page has the map and the nearest address.
const db = openDatabase(config.databaseUrl);
const row = await db.selectFrom('cases').select('id').where('lat', 'is not', null).where('address_string', 'is', null).orderBy('id', 'desc').executeTakeFirst()
  ?? await db.selectFrom('cases').select('id').where('lat', 'is not', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
await db.destroy();
console.log(`READY ${port} ${row.id}`);
await stopped;
rmSync(dir, { recursive: true, force: true });
