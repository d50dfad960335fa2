/** What a process runs for webhooks: the dispatch job (events to deliveries) and the outbox channel that sends them. */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import type { ChannelWorker } from '../notifications/delivery.js';
import type { Keyring } from '../platform/crypto.js';
import type { ScheduledJob } from '../platform/jobs.js';
import { webhookChannel } from './delivery.js';
import { dispatchCaseEvents } from './dispatch.js';

/** Every two seconds, in one process at a time (its lease), events become deliveries. */
export const webhookDispatchJob = (db: DB, config: Config): ScheduledJob => ({
  name: 'webhook-dispatch', everyMs: 2_000,
  run: () => dispatchCaseEvents(db, { publicUrl: config.publicUrl, jurisdictionId: config.jurisdiction.id }),
});

export const webhookWorker = (db: DB, keyring: Keyring, config: Config): ChannelWorker => webhookChannel(db, keyring, {
  ...config.notifications.webhooks, outbound: config.outbound, sender: { publicUrl: config.publicUrl, council: config.jurisdiction.name },
});
