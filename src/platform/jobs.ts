/**
 * Scheduled jobs (SLA checks, escalations, reminders) run inside the app. CONTRACT STUB: the
 * SLA helper implements it: each job runs at most once at a time across every process sharing
 * the database (a lease row in job_leases, taken by a conditional update).
 */
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

export function startScheduledJobs(_db: DB, _jobs: ScheduledJob[], _log: JobLog): Scheduler {
  return { stop: async () => {} };
}
