/**
 * PLACEHOLDER until helper B's fan-out is merged (B's file replaces this one): the approval of an
 * alert calls `startAlertFanOut` in its transaction, and the staff alert page shows
 * `alertDeliveryFigures`. Both do nothing here.
 */
import type { DB } from '../db/connection.js';
import type { Alert } from './types.js';

export async function startAlertFanOut(trx: DB, alert: Alert): Promise<void> {
  void trx; void alert;
}

export interface AlertDeliveryFigures { queued: number; sent: number; failed: number }

export async function alertDeliveryFigures(db: DB, alertId: number): Promise<AlertDeliveryFigures> {
  void db; void alertId;
  return { queued: 0, sent: 0, failed: 0 };
}
