/**
 * A dedicated PostgreSQL connection that LISTENs on the events channel, so every process hears
 * at once when any process commits an event. Not from the pool: it is held for as long as
 * anyone is subscribed. Reconnects after an error, and wakes its hub then (notifications sent
 * while it was away are lost; the read finds their events).
 */
import type pg from 'pg';
import { loadPg } from '../db/connection.js';
import { EVENTS_CHANNEL } from '../platform/events.js';

const MAX_BACKOFF_MS = 30_000;

export class PostgresListener {
  private client: pg.Client | null = null;
  private closed = false;
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly settings: pg.ClientConfig, private readonly wake: () => void,
    private readonly log?: (message: string, error?: unknown) => void) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new (loadPg().Client)(this.settings);
    this.client = client;
    client.on('notification', () => this.wake());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      if (this.closed) {
        void client.end().catch(() => undefined);
        return;
      }
      this.failures = 0;
      this.wake();
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    if (error) this.log?.('the events listener lost its database connection; reconnecting', error);
    void client.end().catch(() => undefined);
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++) * (0.5 + Math.random() / 2);
    this.retry = setTimeout(() => void this.connect(), delay);
    this.retry.unref();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    if (client) void client.end().catch(() => undefined);
  }
}
