/** Routing. CONTRACT STUB: the SLA/routing helper implements these (signatures fixed). */
import type { DB } from '../db/connection.js';

/**
 * The department that should work a new case: the first routing rule (by position) whose
 * service matches (or is any) and, for area rules, whose department's area holds the point;
 * else the service's own department; else null.
 */
export async function routeCase(_db: DB, _jurisdictionId: string, _where: { serviceCode: string; lat: number | null; long: number | null }): Promise<number | null> {
  throw new Error('not implemented yet');
}

/** Who in the department gets a new case by its assignment rule (round-robin or least loaded); null: nobody (rule "none" or no one active). */
export async function pickAssignee(_db: DB, _departmentId: number): Promise<number | null> {
  throw new Error('not implemented yet');
}
