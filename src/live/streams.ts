/**
 * Server-sent event streams on top of the hub: the response headers, the `retry` hint, heartbeat
 * comments, caps on streams per process and per client address, and slow clients. A client that
 * does not read (its unsent output grows past a limit) is dropped; its browser reconnects with
 * Last-Event-ID and hears what it missed, and nobody else waits for it. A stream holds no
 * database connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DB } from '../db/connection.js';
import { closeEventHub, eventHubFor, type EventHub, type HubEvent } from './hub.js';
import { MAX_ID } from '../platform/ids.js';

export interface StreamOptions {
  /** Comment lines that keep proxies from closing a quiet stream (default 25 s). */
  heartbeatMs?: number;
  /** What the browser waits before reconnecting, sent as the `retry` hint (default 5 s). */
  retryMs?: number;
  /** Most streams this process keeps open (default 10,000). */
  maxStreams?: number;
  /** Most streams one client address may hold (default 20). */
  maxPerClient?: number;
  /** Unsent bytes beyond which a client is dropped as too slow (default 256 KiB). */
  maxBufferedBytes?: number;
}

export interface OpenStream {
  topics: readonly string[];
  /** The last event id the client saw (Last-Event-ID), if any. */
  after?: number | undefined;
  /** The client address, for the per-client cap. */
  client?: string | undefined;
  /** How an event is written (each event's text is made once, then shared by every stream). */
  format: (event: HubEvent) => string;
  /** Extra text after the stream's first lines, e.g. "your page is out of date" or "reload". */
  first?: (position: number, tooOld: boolean) => string;
}

interface Stream {
  response: ServerResponse;
  client: string | undefined;
  close: () => void;
}

export class EventStreams {
  private readonly streams = new Set<Stream>();
  private readonly perClient = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;
  readonly heartbeatMs: number;
  readonly retryMs: number;
  readonly maxStreams: number;
  readonly maxPerClient: number;
  readonly maxBufferedBytes: number;
  /** Clients dropped for reading too slowly (for tests and the benchmark). */
  dropped = 0;

  constructor(readonly hub: EventHub, options: StreamOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.retryMs = options.retryMs ?? 5_000;
    this.maxStreams = options.maxStreams ?? 10_000;
    this.maxPerClient = options.maxPerClient ?? 20;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024;
  }

  get size(): number {
    return this.streams.size;
  }

  /** Whether a stream may be opened now for this client address: within both caps. */
  canOpen(client?: string): boolean {
    return !this.closed && this.streams.size < this.maxStreams && (client === undefined || (this.perClient.get(client) ?? 0) < this.maxPerClient);
  }

  /**
   * Starts a stream on a response whose headers are not sent yet (the caller checked canOpen and
   * the caller's rights). Beyond a cap it answers 503. Returns whether the stream opened.
   */
  async open(request: IncomingMessage, response: ServerResponse, options: OpenStream): Promise<boolean> {
    if (request.destroyed || response.destroyed || response.writableEnded) {
      if (!response.destroyed) response.destroy();
      return false;
    }
    if (!this.canOpen(options.client)) {
      response.writeHead(503, { 'retry-after': '30', 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8' })
        .end('Too many live updates are open right now. Reload the page to see the latest.');
      return false;
    }
    let ended = false;
    const stream: Stream = { response, client: options.client, close: () => undefined };
    // Counted at once, so clients arriving together cannot pass the caps while one subscribes.
    this.add(stream);
    let subscription: { close(): void } | null = null;
    const end = () => {
      if (ended) return;
      ended = true;
      subscription?.close();
      this.remove(stream);
      if (!response.writableEnded) response.end();
    };
    stream.close = end;
    response.on('close', end);
    request.on('close', end);
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Reverse proxies must pass events on at once, not buffer them.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    try {
      subscription = await this.hub.subscribe({
        topics: options.topics,
        after: options.after,
        start: (position, tooOld) => {
          this.write(stream, `retry: ${this.retryMs}\nid: ${position}\n\n${options.first?.(position, tooOld) ?? ''}`);
        },
        deliver: (events) => this.write(stream, events.map((event) => textOf(event, options.format)).join('')),
      });
    } catch {
      // The database is unreachable: the browser retries after the hint.
      response.destroy();
      end();
      return false;
    }
    if (ended) subscription.close();
    return !ended;
  }

  /** Ends every stream (the server is shutting down). */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const stream of [...this.streams]) stream.close();
  }

  private write(stream: Stream, text: string): void {
    const { response } = stream;
    if (response.writableEnded || response.destroyed) return;
    // What was written before is still waiting to be sent: this client is not reading. Drop it
    // rather than hold memory for it (one big batch alone does not count against a client that
    // reads); its browser reconnects with the last id it saw.
    if (response.writableLength > this.maxBufferedBytes) {
      this.dropped++;
      response.destroy();
      stream.close();
      return;
    }
    response.write(text);
  }

  private add(stream: Stream): void {
    this.streams.add(stream);
    if (stream.client !== undefined) this.perClient.set(stream.client, (this.perClient.get(stream.client) ?? 0) + 1);
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => {
        for (const open of this.streams) this.write(open, ': heartbeat\n\n');
      }, this.heartbeatMs);
      // Open streams alone must not keep a process alive that is otherwise done.
      this.heartbeat.unref();
    }
  }

  private remove(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    if (stream.client !== undefined) {
      const left = (this.perClient.get(stream.client) ?? 1) - 1;
      if (left > 0) this.perClient.set(stream.client, left);
      else this.perClient.delete(stream.client);
    }
    if (this.streams.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }
}

/** Each event's text per format, made once however many streams it goes to. */
const texts = new WeakMap<HubEvent, Map<(event: HubEvent) => string, string>>();
function textOf(event: HubEvent, format: (event: HubEvent) => string): string {
  let byFormat = texts.get(event);
  if (!byFormat) texts.set(event, byFormat = new Map());
  let text = byFormat.get(format);
  if (text === undefined) byFormat.set(format, text = format(event));
  return text;
}

/** An event as server-sent event text: its id (for Last-Event-ID), its kind, its data. */
/**
 * Answers a request that cannot have a stream (the client does not take event streams, or the
 * process's or this client address's cap is reached) and returns true; false: open the stream.
 */
export function refusedStream(streams: EventStreams, request: FastifyRequest, reply: FastifyReply): boolean {
  if (!(request.headers.accept ?? '').includes('text/event-stream')) {
    void reply.code(406).header('cache-control', 'no-store')
      .send({ error: 'not_acceptable', message: 'This address sends live updates to a browser as server-sent events (text/event-stream).' });
    return true;
  }
  if (!streams.canOpen(request.ip)) {
    void reply.code(503).header('retry-after', '30').header('cache-control', 'no-store')
      .send({ error: 'busy', message: 'Too many live updates are open right now. Reload the page to see the latest.' });
    return true;
  }
  return false;
}

export const sseMessage = (event: HubEvent, kind = event.kind) => `id: ${event.id}\nevent: ${kind}\ndata: ${event.data.replace(/\n/g, '\ndata: ')}\n\n`;

/** The Last-Event-ID header as an event id, if it is one. */
export function lastEventIdOf(request: IncomingMessage): number | undefined {
  const header = request.headers['last-event-id'];
  // 0 is "from the start"; past MAX_ID no event has that number (and the query would fail on PostgreSQL).
  return typeof header === 'string' && /^\d{1,15}$/.test(header) && Number(header) <= MAX_ID ? Number(header) : undefined;
}

const streamsByDb = new WeakMap<DB, EventStreams>();

/** The streams of this process for this database (created on first use, with the first caller's options). */
export function eventStreamsFor(db: DB, options: StreamOptions = {}): EventStreams {
  let streams = streamsByDb.get(db);
  if (!streams) streamsByDb.set(db, streams = new EventStreams(eventHubFor(db), options));
  return streams;
}

/** Ends the streams of this database and its hub, and forgets them (the app is closing). */
export function closeEventStreams(db: DB): void {
  streamsByDb.get(db)?.close();
  streamsByDb.delete(db);
  closeEventHub(db);
}
