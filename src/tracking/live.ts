/**
 * Live updates of case pages (server-sent events). Several app processes may share one
 * PostgreSQL database and an update may be applied by any of them, so changes are found by
 * asking the database: ONE poller per process, one query per tick for every case that has an
 * open stream, however many streams there are. A stream holds no database connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DB } from '../db/connection.js';

export interface CaseChange {
  status: string;
  state: string;
  updatedAt: string;
}

export interface WatcherOptions {
  /** How often the database is asked (default 2 s). */
  pollMs?: number;
  /** Comment lines that keep proxies from closing a quiet stream (default 25 s). */
  heartbeatMs?: number;
  /** Most streams one process keeps open; beyond it, callers are asked to come back later. */
  maxStreams?: number;
  /** What the browser waits before reconnecting, sent as the stream's `retry` hint. */
  retryMs?: number;
  /** Most streams one client (address) may hold, so one client cannot take them all (default 20). */
  maxPerClient?: number;
}

interface Stream {
  caseId: number;
  response: ServerResponse;
  client: string | undefined;
}

const updateEvent = (change: CaseChange) => `event: update\nid: ${change.updatedAt}\ndata: ${JSON.stringify(change)}\n\n`;

/** Ids per query: well under both databases' limits on bound parameters. */
const CHUNK = 500;

export class CaseWatcher {
  private readonly streams = new Set<Stream>();
  /** Open streams per client address. */
  private readonly perClient = new Map<string, number>();
  /** The last updated_at seen per watched case. */
  private readonly seen = new Map<number, string>();
  private poller: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  readonly pollMs: number;
  readonly heartbeatMs: number;
  readonly maxStreams: number;
  readonly retryMs: number;
  readonly maxPerClient: number;

  constructor(private readonly db: DB, private readonly jurisdictionId: string, options: WatcherOptions = {}) {
    this.pollMs = options.pollMs ?? 2_000;
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.maxStreams = options.maxStreams ?? 1_000;
    this.retryMs = options.retryMs ?? 5_000;
    this.maxPerClient = options.maxPerClient ?? 20;
  }

  get size(): number {
    return this.streams.size;
  }

  get full(): boolean {
    return this.closed || this.streams.size >= this.maxStreams;
  }

  /** Whether a stream may be opened now for this client (its address): within both caps. */
  canOpen(client?: string): boolean {
    return !this.full && (client === undefined || (this.perClient.get(client) ?? 0) < this.maxPerClient);
  }

  /**
   * Starts a stream on a response whose headers are not sent yet, for a case as it is now.
   * Each event's id is the case's updated_at, so a browser that reconnects (sending the last id
   * it saw) hears at once of a change it missed while away. Ends when the client goes away or
   * the watcher closes.
   */
  open(caseId: number, current: CaseChange, response: ServerResponse, lastEventId?: string,
    from: { client?: string; request?: IncomingMessage } = {}): boolean {
    // The client may have gone while the caller awaited (its 'close' has then fired already, and
    // would never drop the stream): a stream is only added for a connection still open.
    if (response.destroyed || response.writableEnded || from.request?.destroyed) {
      if (!response.destroyed) response.destroy();
      return false;
    }
    if (!this.canOpen(from.client)) {
      response.writeHead(503, { 'retry-after': '30', 'cache-control': 'no-store' }).end();
      return false;
    }
    const stream: Stream = { caseId, response, client: from.client };
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Reverse proxies must pass events on at once, not buffer them.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    response.write(`retry: ${this.retryMs}\nid: ${current.updatedAt}\n\n`);
    if (lastEventId && lastEventId !== current.updatedAt) response.write(updateEvent(current));
    if (!this.seen.has(caseId)) this.seen.set(caseId, current.updatedAt);
    this.streams.add(stream);
    if (stream.client !== undefined) this.perClient.set(stream.client, (this.perClient.get(stream.client) ?? 0) + 1);
    response.on('close', () => this.drop(stream));
    from.request?.on('close', () => this.drop(stream));
    this.start();
    return true;
  }

  /** Ends every stream and stops asking the database (the server is shutting down). */
  close(): void {
    this.closed = true;
    this.stop();
    for (const stream of [...this.streams]) {
      this.streams.delete(stream);
      stream.response.end();
    }
    this.perClient.clear();
    this.seen.clear();
  }

  private drop(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    if (stream.client !== undefined) {
      const left = (this.perClient.get(stream.client) ?? 1) - 1;
      if (left > 0) this.perClient.set(stream.client, left);
      else this.perClient.delete(stream.client);
    }
    if (!stream.response.writableEnded) stream.response.end();
    if (![...this.streams].some((s) => s.caseId === stream.caseId)) this.seen.delete(stream.caseId);
    if (this.streams.size === 0) this.stop();
  }

  private start(): void {
    if (this.poller) return;
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.heartbeat = setInterval(() => this.broadcast(() => ': heartbeat\n\n'), this.heartbeatMs);
    // Open streams alone must not keep a process alive that is otherwise done.
    this.poller.unref();
    this.heartbeat.unref();
  }

  private stop(): void {
    if (this.poller) clearInterval(this.poller);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.poller = null;
    this.heartbeat = null;
  }

  private broadcast(message: (stream: Stream) => string | null): void {
    for (const stream of this.streams) {
      const text = message(stream);
      if (text !== null && !stream.response.writableEnded) stream.response.write(text);
    }
  }

  /** One tick: which watched cases changed since last seen? Ticks never overlap. */
  async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const ids = [...this.seen.keys()];
      const changed = new Map<number, CaseChange>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await this.db.selectFrom('cases').select(['id', 'status', 'state', 'updated_at'])
          .where('jurisdiction_id', '=', this.jurisdictionId).where('id', 'in', ids.slice(i, i + CHUNK)).execute();
        for (const row of rows) {
          const last = this.seen.get(row.id);
          if (last === undefined || last === row.updated_at) continue;
          this.seen.set(row.id, row.updated_at);
          changed.set(row.id, { status: row.status, state: row.state, updatedAt: row.updated_at });
        }
      }
      if (changed.size > 0) {
        this.broadcast((stream) => {
          const change = changed.get(stream.caseId);
          return change ? updateEvent(change) : null;
        });
      }
    } catch {
      // The database is briefly unreachable: streams stay open and the next tick tries again.
    } finally {
      this.polling = false;
    }
  }
}
