/**
 * Starts the web server: migrate, optionally seed the demo, listen, and on SIGTERM or SIGINT
 * stop accepting, finish the requests in flight and close the database.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { describeDatabase, openDatabase } from './db/connection.js';
import { checkpointInBackground } from './db/checkpointer.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoApart } from './demo/seed-worker.js';
import { configuredChannels, startDelivery } from './notifications/delivery.js';
import { webhookDispatchJob, webhookWorker } from './webhooks/worker.js';
import { forwardingChannel } from './forwarding/send.js';
import { forwardingJobs } from './forwarding/fetch-updates.js';
import { EVENT_RETENTION_DAYS, pruneEvents } from './platform/events.js';
import { startScheduledJobs } from './platform/jobs.js';
import { insightsJob } from './insights/rollups.js';
import { surgeJob } from './incidents/surge.js';
import { licenceJobs } from './licences/renewals.js';
import { loadKeys } from './platform/keys.js';
import { slaJobs } from './jobs/escalation.js';
import { anonymiseExpiredReporters } from './jobs/retention.js';
import { diskStorage } from './applications/storage.js';
import { resealApplications } from './applications/applications.js';
import { alertFanOutJob, startFanOutRunner } from './alerts/fan-out.js';
import { pruneUnconfirmedSubscriptions } from './alerts/subscriptions.js';
import { alertChannels } from './alerts/fan-out-delivery.js';

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export interface RunningServer {
  app: FastifyInstance;
  /** Settles when a signal has stopped the server and the database is closed. */
  stopped: Promise<void>;
}

export async function serve(config: Config, options: { demo: boolean }): Promise<RunningServer> {
  const keys = loadKeys(config.databaseUrl);
  const db = openDatabase(config.databaseUrl);
  const app = await buildApp({ config, db, keyring: keys.keyring });
  if (keys.created) app.log.warn(`Created a new encryption key file at ${keys.file}. Back it up, apart from the database: without it, residents' contact details cannot be read. Every app process must use this file or the same TOWNHALL_ENCRYPTION_KEY.`);
  const ran = await migrateToLatest(db);
  if (ran.length > 0) app.log.info({ migrations: ran }, 'database migrated');
  // On SQLite, the log is copied back into the file by a worker thread, not between requests.
  const checkpoints = checkpointInBackground(db);
  // Applications sent before their answers were sealed at rest are sealed now (a no-op once done).
  const sealedApplications = await resealApplications(db, keys.keyring);
  if (sealedApplications > 0) app.log.info({ applications: sealedApplications }, 'sent applications\' answers sealed at rest');
  if (options.demo) {
    const seeded = await seedDemoApart(db, config, keys.keyring);
    if (seeded) app.log.info(seeded, 'demo data loaded into the empty database');
    if (seeded?.people === 0) app.log.warn('Served over https, so the demo accounts (whose password is public) were not created.');
  }
  // Messages leave through the outbox (emails over SMTP or into the development mailbox, which is
  // the default under --demo without SMTP_URL; text messages when configured); otherwise they wait.
  // Webhook deliveries, and the cases of services worked by an outside back office (client mode),
  // leave through the same outbox and loop.
  const workers = [...configuredChannels(config, keys.keyring, app.log, { demo: options.demo }), webhookWorker(db, keys.keyring, config), forwardingChannel(db, keys.keyring, config.outbound),
    // Emergency alerts' messages (src/alerts): their own channels and rate limits, claimed first (priority).
    ...alertChannels(db, keys.keyring, config, app.log, { demo: options.demo })];
  const emailDelivery = startDelivery({ db, keyring: keys.keyring, config, log: app.log }, { demo: options.demo, workers });
  // Retention runs hourly in every process; on PostgreSQL a lock lets only one work at a time.
  const retentionTimer = setInterval(() => {
    anonymiseExpiredReporters(db, config.jurisdiction.id, { applicationDocuments: diskStorage(config.documentsDir) }).then(
      (result) => { if (result.anonymised > 0 || result.guestFollowers > 0 || result.applicationDrafts > 0) app.log.info(result, 'retention: reporters\' contact details, guests\' follows and abandoned application drafts deleted'); },
      (error: unknown) => app.log.error({ err: error }, 'retention run failed; it will be tried again'),
    );
  }, RETENTION_INTERVAL_MS);
  retentionTimer.unref();
  // SLA warnings and escalations every minute; a lease in the database lets one process at a time run them.
  // Live-update events are kept a week: long enough for any browser to catch up after a reconnect.
  const pruneOldEvents = { name: 'prune-events', everyMs: 60 * 60_000, run: () => pruneEvents(db, new Date(Date.now() - EVENT_RETENTION_DAYS * 86_400_000)) };
  const scheduledJobs = startScheduledJobs(db, [
    ...slaJobs({ db, notify: { keyring: keys.keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name }, timeZone: config.jurisdiction.timeZone, log: app.log }),
    pruneOldEvents,
    webhookDispatchJob(db, config),
    ...forwardingJobs({ db, keyring: keys.keyring, jurisdictionId: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone, notify: { keyring: keys.keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name }, outbound: config.outbound, log: app.log }, config.forwardingFetchSeconds * 1000),
    // Staff analytics: the days touched by changed cases counted again every minute (src/insights).
    insightsJob(db, { jurisdictionId: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone }),
    // Unusual numbers of new reports in one place, for emergency officers (src/incidents).
    surgeJob(db, config.jurisdiction.id),
    // Emergency alerts: approved alerts fanned out to their subscribers every two seconds (src/alerts/fan-out.ts).
    alertFanOutJob(db, config.jurisdiction.id),
    { name: 'alert-subscriptions-retention', everyMs: 60 * 60_000, run: () => pruneUnconfirmedSubscriptions(db) },
    ...licenceJobs({ db, ctx: { jurisdictionId: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone, notify: { keyring: keys.keyring, publicUrl: config.publicUrl, council: config.jurisdiction.name } } }),
  ], app.log);
  const stopFanOutRunner = startFanOutRunner(db, config.jurisdiction.id, app.log);
  app.addHook('onClose', async () => {
    clearInterval(retentionTimer);
    await stopFanOutRunner();
    await scheduledJobs.stop();
    await emailDelivery.stop();
    await checkpoints?.stop();
    await db.destroy();
  });

  let closing = false;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => { markStopped = resolve; });
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    app.close().then(
      () => app.log.info('stopped cleanly'),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while stopping');
        process.exitCode = 1;
      },
    ).finally(markStopped);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(`${config.jurisdiction.name} is served at ${config.publicUrl} from the ${describeDatabase(config.databaseUrl)}`);
  return { app, stopped };
}
