/**
 * The event hub: one per process per database. Subscribers (event streams) register for topics
 * with the last event id they saw; the hub reads new events from the events table, in order and
 * in batches, with ONE query per wake for all subscribers, and hands each subscriber the events
 * of its topics. What a subscriber missed while away is replayed from the table.
 *
 * Waking: on PostgreSQL a dedicated connection LISTENs for the NOTIFY that publishEvents sends at
 * commit (any process may publish), with a slow poll in case a notification is lost; on SQLite
 * (one process) a short poll plus a nudge from publishEvents in this process.
 */
import type { DB } from '../db/connection.js';
import { dialectOf, postgresClientConfig } from '../db/connection.js';
import { onEventsPublished } from '../platform/events.js';
import { PostgresListener } from './listener.js';

export interface HubEvent {
  id: number;
  topic: string;
  kind: string;
  /** The event's JSON text, as stored. */
  data: string;
  createdAt: string;
}

export interface HubOptions {
  /** How often the table is read without a wake-up (default 250 ms on SQLite, 3 s on PostgreSQL). */
  pollMs?: number;
  /** Events per query (default 500). */
  batchSize?: number;
  /** Most events replayed to a returning subscriber; more than that and it is told to reload (default 1,000). */
  replayLimit?: number;
  /** Where problems are reported (default: nowhere). */
  log?: (message: string, error?: unknown) => void;
}

export interface SubscribeOptions {
  topics: readonly string[];
  /** The last event id the subscriber saw; undefined: only events from now on. */
  after?: number | undefined;
  /**
   * Called once, before any event is delivered: the position the stream starts from (send it as
   * the stream's id) and whether what was missed is too old or too much to replay.
   */
  start(position: number, tooOld: boolean): void;
  /** Events of the subscriber's topics, in id order, each once. */
  deliver(events: HubEvent[]): void;
}

export interface Subscription {
  close(): void;
}

interface Subscriber {
  topics: readonly string[];
  deliver: (events: HubEvent[]) => void;
  lastSent: number;
  /** Live events held back while the replay is read. */
  pending: HubEvent[] | null;
  open: boolean;
}

export class EventHub {
  private readonly byTopic = new Map<string, Set<Subscriber>>();
  private count = 0;
  /** The highest event id read and handed out; null until the first subscriber. */
  private lastRead: number | null = null;
  private ready: Promise<void> | null = null;
  private reading = false;
  private again = false;
  private poller: NodeJS.Timeout | null = null;
  private listener: PostgresListener | null = null;
  private stopNudges: (() => void) | null = null;
  private closed = false;
  readonly pollMs: number;
  readonly batchSize: number;
  readonly replayLimit: number;
  /** Reads of the events table for live delivery (for tests and the benchmark). */
  reads = 0;

  constructor(private readonly db: DB, private readonly options: HubOptions = {}) {
    const postgres = dialectOf(db) === 'postgres';
    this.pollMs = options.pollMs ?? (postgres ? 3_000 : 250);
    this.batchSize = options.batchSize ?? 500;
    this.replayLimit = options.replayLimit ?? 1_000;
  }

  get subscribers(): number {
    return this.count;
  }

  /** The last event id handed out, while the hub runs (null when nobody is subscribed). */
  get position(): number | null {
    return this.count > 0 ? this.lastRead : null;
  }

  /** Registers a subscriber; replays what it missed (events of its topics after `after`). */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('The event hub is closed.');
    // The last subscriber may leave (stopping the hub) while this one waits: then begin again.
    for (;;) {
      const ready = this.ready ??= this.begin();
      await ready;
      if (this.ready === ready) break;
    }
    if (this.closed) throw new Error('The event hub is closed.');
    const replaying = options.after !== undefined;
    const subscriber: Subscriber = {
      topics: [...new Set(options.topics)], deliver: options.deliver, lastSent: options.after ?? this.lastRead ?? 0,
      pending: replaying ? [] : null, open: true,
    };
    for (const topic of subscriber.topics) {
      let set = this.byTopic.get(topic);
      if (!set) this.byTopic.set(topic, set = new Set());
      set.add(subscriber);
    }
    this.count++;
    const subscription = { close: () => this.remove(subscriber) };
    if (!replaying) {
      options.start(subscriber.lastSent, false);
      return subscription;
    }
    try {
      const after = options.after!;
      const [rows, oldest] = await Promise.all([
        this.db.selectFrom('events').select(['id', 'topic', 'kind', 'data', 'created_at'])
          .where('topic', 'in', subscriber.topics).where('id', '>', after).orderBy('id').limit(this.replayLimit + 1).execute(),
        this.db.selectFrom('events').select((eb) => eb.fn.min('id').as('id')).executeTakeFirst(),
      ]);
      // Events were pruned after the one it saw (or there are too many to replay): it must reload.
      const oldestId = oldest?.id === null || oldest?.id === undefined ? null : Number(oldest.id);
      const tooOld = rows.length > this.replayLimit || (oldestId !== null && oldestId > after + 1 && after < (this.lastRead ?? 0));
      const held = subscriber.pending ?? [];
      subscriber.pending = null;
      if (!subscriber.open) return subscription;
      if (tooOld) {
        subscriber.lastSent = Math.max(this.lastRead ?? 0, after);
        options.start(subscriber.lastSent, true);
      } else {
        options.start(after, false);
        this.send(subscriber, rows.map(toEvent));
      }
      this.send(subscriber, held);
    } catch (error) {
      this.remove(subscriber);
      throw error;
    }
    return subscription;
  }

  /** Read soon (a NOTIFY, a nudge, a poll). Wakes that come during a read cause one more read. */
  wake(): void {
    void this.read();
  }

  /** One read of everything new, in batches, handed to the subscribers. Reads never overlap. */
  async read(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    if (this.count === 0 || this.closed || this.lastRead === null) return;
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          this.reads++;
          const rows = await this.db.selectFrom('events').select(['id', 'topic', 'kind', 'data', 'created_at'])
            .where('id', '>', this.lastRead).orderBy('id').limit(this.batchSize).execute();
          if (rows.length > 0) {
            this.lastRead = Math.max(this.lastRead, rows[rows.length - 1]!.id);
            this.dispatch(rows.map(toEvent));
          }
          if (rows.length < this.batchSize || this.closed) break;
        }
      } while (this.again && !this.closed && this.count > 0);
    } catch (error) {
      // The database is briefly unreachable: the next wake or poll tries again.
      this.options.log?.('reading new events failed', error);
    } finally {
      this.reading = false;
    }
  }

  close(): void {
    this.closed = true;
    this.stop();
    this.byTopic.clear();
    this.count = 0;
  }

  private dispatch(events: HubEvent[]): void {
    const batches = new Map<Subscriber, HubEvent[]>();
    for (const event of events) {
      const set = this.byTopic.get(event.topic);
      if (!set) continue;
      for (const subscriber of set) {
        if (subscriber.pending) subscriber.pending.push(event);
        else {
          const batch = batches.get(subscriber);
          if (batch) batch.push(event);
          else batches.set(subscriber, [event]);
        }
      }
    }
    for (const [subscriber, batch] of batches) this.send(subscriber, batch);
  }

  private send(subscriber: Subscriber, events: HubEvent[]): void {
    const fresh = events.filter((event) => event.id > subscriber.lastSent);
    if (fresh.length === 0 || !subscriber.open) return;
    subscriber.lastSent = fresh[fresh.length - 1]!.id;
    try {
      subscriber.deliver(fresh);
    } catch (error) {
      this.options.log?.('an event subscriber failed', error);
    }
  }

  private remove(subscriber: Subscriber): void {
    if (!subscriber.open) return;
    subscriber.open = false;
    for (const topic of subscriber.topics) {
      const set = this.byTopic.get(topic);
      set?.delete(subscriber);
      if (set?.size === 0) this.byTopic.delete(topic);
    }
    this.count--;
    // Nobody listening: stop reading; the next subscriber starts from the table's end again.
    if (this.count === 0) this.stop();
  }

  /** First subscriber: where the table ends now, and start listening and polling. */
  private async begin(): Promise<void> {
    try {
      const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      this.lastRead = Math.max(this.lastRead ?? 0, Number(row?.id ?? 0));
    } catch (error) {
      this.ready = null;
      throw error;
    }
    this.poller = setInterval(() => this.wake(), this.pollMs);
    this.poller.unref();
    const settings = postgresClientConfig(this.db);
    if (settings) this.listener = new PostgresListener(settings, () => this.wake(), this.options.log);
    else this.stopNudges = onEventsPublished(() => this.wake());
  }

  private stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.listener?.close();
    this.listener = null;
    this.stopNudges?.();
    this.stopNudges = null;
    this.ready = null;
  }
}

const toEvent = (row: { id: number; topic: string; kind: string; data: string; created_at: string }): HubEvent =>
  ({ id: Number(row.id), topic: row.topic, kind: row.kind, data: row.data, createdAt: row.created_at });

const hubs = new WeakMap<DB, EventHub>();

/** The hub of this process for this database (created on first use, with the first caller's options). */
export function eventHubFor(db: DB, options: HubOptions = {}): EventHub {
  let hub = hubs.get(db);
  if (!hub) hubs.set(db, hub = new EventHub(db, options));
  return hub;
}

/** Closes and forgets the hub of this database (the app is closing). */
export function closeEventHub(db: DB): void {
  hubs.get(db)?.close();
  hubs.delete(db);
}
