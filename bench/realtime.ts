/**
 * Real-time benchmark (npm run bench:realtime):
 *  (a) many server-sent event streams on ONE Townhall process (SQLite): events published in a
 *      transaction, and the time from publish to delivery at every subscriber (p50/p99), beside
 *      a bare node http server fanning the same message out to as many streams in the same run;
 *  (b) outbox enqueue rate in transactions of 100 on SQLite, beside a plain insert of the same rows.
 * The open-files limit caps the streams one process can hold (each is a socket): the default is
 * that limit less 1,000. Env: BENCH_SUBSCRIBERS, BENCH_EVENTS (6), BENCH_EVENT_GAP_MS (1000), BENCH_CLIENT_PROCESSES (3),
 * BENCH_OUTBOX_MESSAGES (20000).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { enqueue, enqueueMany } from '../src/platform/outbox.js';

const procs = fileURLToPath(new URL('./realtime-procs.ts', import.meta.url));
const openFilesLimit = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 1024);
const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? Math.max(100, Math.min(19_000, openFilesLimit - 1_000)));
const events = Number(process.env.BENCH_EVENTS ?? 6);
const gapMs = Number(process.env.BENCH_EVENT_GAP_MS ?? 1_000);
const clientProcesses = Number(process.env.BENCH_CLIENT_PROCESSES ?? 3);
let outboxMessages = Number(process.env.BENCH_OUTBOX_MESSAGES ?? 20_000);

type Message = { type: string; [key: string]: unknown };

function start(args: string[]): ChildProcess {
  return fork(procs, args, { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
function next(child: ChildProcess, type: string, ms = 120_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', listener);
      child.off('exit', exited);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${type}" from a bench process within ${ms} ms`));
    }, ms);
    const listener = (message: Message) => {
      if (message.type !== type) return;
      done();
      resolve(message);
    };
    const exited = (code: number | null) => {
      done();
      reject(new Error(`a bench process exited (${code}) before "${type}"`));
    };
    child.on('message', listener);
    child.on('exit', exited);
  });
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

interface FanOut { connected: number; failed: number; connectSeconds: number; expected: number; delivered: number; p50: number; p99: number; max: number; dropped: number }

async function fanOut(mode: 'townhall' | 'bare'): Promise<FanOut> {
  const server = start([mode]);
  const clients: ChildProcess[] = [];
  try {
    const { url } = await next(server, 'ready') as { url: string } & Message;
    const began = Date.now();
    const share = Math.ceil(subscribers / clientProcesses);
    for (let i = 0; i < clientProcesses; i++) clients.push(start(['clients', String(Math.min(share, subscribers - i * share)), url]));
    const counts = await Promise.all(clients.map((c) => next(c, 'connected', 300_000))) as Array<{ connected: number; failed: number } & Message>;
    const connectSeconds = (Date.now() - began) / 1000;
    const connected = counts.reduce((n, c) => n + c.connected, 0);
    const failed = counts.reduce((n, c) => n + c.failed, 0);
    await sleep(1_000);
    clients.forEach((c) => c.send({ type: 'reset' }));
    for (let i = 0; i < events; i++) {
      server.send({ type: 'publish' });
      await sleep(gapMs);
    }
    // Wait until every subscriber has every event (or a deadline): latencies of the late ones count.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const counted = await Promise.all(clients.map((c) => {
        const answer = next(c, 'count');
        c.send({ type: 'count' });
        return answer;
      })) as Array<{ count: number } & Message>;
      if (counted.reduce((n, c) => n + c.count, 0) >= connected * events || Date.now() > deadline) break;
      await sleep(500);
    }
    const reports = await Promise.all(clients.map((c) => {
      const report = next(c, 'report');
      c.send({ type: 'report' });
      return report;
    })) as Array<{ latencies: number[] } & Message>;
    server.send({ type: 'size' });
    const { dropped } = await next(server, 'size') as { dropped: number } & Message;
    const all = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
    return { connected, failed, connectSeconds, expected: connected * events, delivered: all.length, p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all[all.length - 1] ?? NaN, dropped };
  } finally {
    clients.forEach((c) => c.kill('SIGKILL'));
    server.kill('SIGKILL');
  }
}

async function outbox(): Promise<{ outboxRate: number; bareRate: number; manyRate: number; bareManyRate: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-bench-outbox-'));
  const db = openDatabase(`sqlite:${join(dir, 'outbox.db')}`);
  try {
    await migrateToLatest(db);
    await sql`create table bench_plain (id integer primary key autoincrement, kind text not null, payload text not null, created_at text not null)`.execute(db);
    const payload = (n: number) => ({ to: `resident${n}@example.org`, subject: `Your report ${n} was updated`, text: 'The council has an update on your report.', caseId: n });
    const batch = 100;
    const timeIt = async (write: (trx: typeof db, n: number) => Promise<unknown>) => {
      const began = process.hrtime.bigint();
      for (let i = 0; i < outboxMessages; i += batch) {
        await db.transaction().execute(async (trx) => {
          for (let n = i; n < Math.min(outboxMessages, i + batch); n++) await write(trx, n);
        });
      }
      return outboxMessages / (Number(process.hrtime.bigint() - began) / 1e9);
    };
    // Warm up both paths (statement caches, JIT), then measure.
    const full = outboxMessages;
    outboxMessages = Math.min(2_000, full);
    await timeIt((trx, n) => enqueue(trx, 'email', payload(n), { idempotencyKey: `warm-${n}` }));
    await timeIt((trx, n) => sql`insert into bench_plain (kind, payload, created_at) values (${'email'}, ${JSON.stringify(payload(n))}, ${new Date().toISOString()})`.execute(trx));
    outboxMessages = full;
    const outboxRate = await timeIt((trx, n) => enqueue(trx, 'email', payload(n), { idempotencyKey: `bench-${n}` }));
    // The same rows into a table with no outbox logic, through the same driver.
    const bareRate = await timeIt((trx, n) => sql`insert into bench_plain (kind, payload, created_at) values (${'email'}, ${JSON.stringify(payload(n))}, ${new Date().toISOString()})`.execute(trx));
    // A change with many recipients queues them in one statement (enqueueMany): the same rows,
    // 100 a transaction, beside a plain multi-row insert.
    const rowsOf = (from: number) => Array.from({ length: Math.min(batch, outboxMessages - from) }, (_, k) => from + k);
    const timeBatches = async (write: (trx: typeof db, ns: number[]) => Promise<unknown>) => {
      const began = process.hrtime.bigint();
      for (let i = 0; i < outboxMessages; i += batch) await db.transaction().execute((trx) => write(trx, rowsOf(i)));
      return outboxMessages / (Number(process.hrtime.bigint() - began) / 1e9);
    };
    const manyRate = await timeBatches((trx, ns) => enqueueMany(trx, ns.map((n) => ({ kind: 'email', payload: payload(n), idempotencyKey: `many-${n}` }))));
    const bareManyRate = await timeBatches((trx, ns) => sql`insert into bench_plain (kind, payload, created_at) values ${sql.join(ns.map((n) => sql`(${'email'}, ${JSON.stringify(payload(n))}, ${new Date().toISOString()})`))}`.execute(trx));
    return { outboxRate, bareRate, manyRate, bareManyRate };
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`open files limit per process: ${openFilesLimit} (ulimit -Hn); subscribers: ${subscribers} over ${clientProcesses} client processes; ${events} events, ${gapMs} ms apart`);
const townhall = await fanOut('townhall');
const bare = await fanOut('bare');
const line = (name: string, f: FanOut) => console.log(`${name.padEnd(9)} streams ${f.connected} (refused ${f.failed}) opened in ${f.connectSeconds.toFixed(1)} s; delivered ${f.delivered}/${f.expected}; latency p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms; slow clients dropped ${f.dropped}`);
line('townhall', townhall);
line('bare', bare);
console.log(`p99 latency: townhall ${townhall.p99} ms vs bare ${bare.p99} ms (target <= 2000 ms): ${townhall.p99 <= 2000 ? 'met' : 'NOT met'}`);
const { outboxRate, bareRate, manyRate, bareManyRate } = await outbox();
console.log(`outbox enqueue: ${Math.round(outboxRate)} messages/s in transactions of 100 (target >= 8000: ${outboxRate >= 8000 ? 'met' : 'NOT met'}); plain insert ${Math.round(bareRate)}/s; ratio ${(outboxRate / bareRate).toFixed(2)}`);
console.log(`outbox enqueueMany: ${Math.round(manyRate)} messages/s, 100 a statement and a transaction (target >= 8000: ${manyRate >= 8000 ? 'met' : 'NOT met'}); plain multi-row insert ${Math.round(bareManyRate)}/s; ratio ${(manyRate / bareManyRate).toFixed(2)}`);
