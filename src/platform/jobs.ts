/**
 * Scheduled jobs (SLA checks, escalations, reminders) run inside the app. Each job runs at most
 * once at a time across every process sharing the database: before running, a process takes the
 * job's lease row in job_leases by a conditional update (free, expired, or already its own), and
 * keeps renewing it while the job runs. A process that dies holding a lease loses it when the
 * lease runs out. After a run the holder keeps the lease until the next run is due, so several
 * processes do not each run the job every interval.
 */
import { randomUUID } from 'node:crypto';
import type { DB } from '../db/connection.js';

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** How long a lease lasts without renewal: how soon another process takes over from one that died. */
  leaseMs?: number;
  /** Who holds leases (default: a random id for this scheduler). */
  holder?: string;
}

const DEFAULT_LEASE_MS = 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Takes the job's lease if it is free, expired, or ours. True: we hold it until `until`. */
export async function takeLease(db: DB, name: string, holder: string, until: number): Promise<boolean> {
  await db.insertInto('job_leases')
    .values({ name, holder: null, lease_until: null, last_started_at: null, last_finished_at: null, last_error: null })
    .onConflict((oc) => oc.column('name').doNothing()).execute();
  const now = iso(Date.now());
  const result = await db.updateTable('job_leases').set({ holder, lease_until: iso(until) })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', 'is', null), eb('holder', '=', holder), eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function renewLease(db: DB, name: string, holder: string, until: number): Promise<void> {
  await db.updateTable('job_leases').set({ lease_until: iso(until) }).where('name', '=', name).where('holder', '=', holder).execute();
}

export function startScheduledJobs(db: DB, jobs: ScheduledJob[], log: JobLog, options: SchedulerOptions = {}): Scheduler {
  const holder = options.holder ?? randomUUID();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopping = false;

  const schedule = (job: ScheduledJob, delayMs: number) => {
    if (stopping) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const attempt = runOnce(job).finally(() => {
        running.delete(attempt);
        schedule(job, job.everyMs);
      });
      running.add(attempt);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  const runOnce = async (job: ScheduledJob): Promise<void> => {
    const started = Date.now();
    try {
      if (!(await takeLease(db, job.name, holder, started + leaseMs))) return;
    } catch (error) {
      if (!stopping) log.error({ err: error, job: job.name }, 'could not take the scheduled job\'s lease; it will be tried again');
      return;
    }
    // Renew while the job runs, so a long run keeps its lease; a process that dies stops renewing.
    const heartbeat = setInterval(() => {
      renewLease(db, job.name, holder, Date.now() + leaseMs).catch((error: unknown) => log.error({ err: error, job: job.name }, 'could not renew a scheduled job\'s lease'));
    }, Math.max(50, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    let failure: string | null = null;
    try {
      await db.updateTable('job_leases').set({ last_started_at: iso(started) }).where('name', '=', job.name).execute();
      await job.run();
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      log.error({ err: error, job: job.name }, 'scheduled job failed; it will run again at its next time');
    } finally {
      clearInterval(heartbeat);
    }
    try {
      // Keep the lease until the next run is due, so other processes skip this interval.
      await db.updateTable('job_leases')
        .set({ last_finished_at: iso(Date.now()), last_error: failure?.slice(0, 1000) ?? null, lease_until: iso(Math.max(Date.now(), started + job.everyMs)) })
        .where('name', '=', job.name).where('holder', '=', holder).execute();
    } catch (error) {
      if (!stopping) log.error({ err: error, job: job.name }, 'could not record a scheduled job\'s run');
    }
  };

  // A random first delay, so processes that start together do not all try at once.
  for (const job of jobs) schedule(job, Math.floor(Math.random() * Math.min(job.everyMs, 5_000)));
  log.info({ jobs: jobs.map((job) => job.name), holder }, 'scheduled jobs started');

  return {
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
      try {
        await db.updateTable('job_leases').set({ holder: null, lease_until: null }).where('holder', '=', holder).execute();
      } catch (error) {
        log.error({ err: error }, 'could not release scheduled job leases; they expire on their own');
      }
    },
  };
}

/** When each job last ran, for operators. */
export async function jobStatus(db: DB) {
  return db.selectFrom('job_leases').selectAll().orderBy('name').execute();
}
