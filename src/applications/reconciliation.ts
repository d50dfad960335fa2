/**
 * The daily reconciliation report: for one day in the council's time zone, by service, the
 * fees of the applications made that day, the payments taken (online and at the counter) and
 * the refunds done, with a totals line, as finance checks them against the provider's and the
 * till's own statements. As a table for the page and as CSV (safe to open in a spreadsheet).
 */
import type { DB } from '../db/connection.js';
import { csvDocument } from '../platform/csv.js';
import { invalid } from '../platform/errors.js';
import { dayInZone, isCalendarDate } from '../platform/time.js';
import * as store from './store.js';

export interface ReconciliationLine {
  serviceCode: string;
  serviceName: string;
  /** Applications made that day with a fee to pay, and those fees as calculated. */
  applications: number;
  fees: number;
  payments: number;
  paidOnline: number;
  paidAtCounter: number;
  refunds: number;
  refunded: number;
}

export interface Reconciliation {
  day: string;
  timeZone: string;
  /** The UTC instants the day runs between: [from, to). */
  from: string;
  to: string;
  lines: ReconciliationLine[];
  totals: Omit<ReconciliationLine, 'serviceCode' | 'serviceName'>;
}

/** The report for one day (YYYY-MM-DD, the council's calendar). */
export async function reconcileDay(db: DB, jurisdictionId: string, day: string, timeZone: string): Promise<Reconciliation> {
  if (!isCalendarDate(day)) throw invalid('Give the day as a date written YYYY-MM-DD, for example 2026-04-01.');
  const { from, to } = dayInZone(day, timeZone);
  const byService = new Map<string, ReconciliationLine>();
  const lineOf = (code: string, name: string) => {
    let line = byService.get(code);
    if (!line) byService.set(code, line = { serviceCode: code, serviceName: name, applications: 0, fees: 0, payments: 0, paidOnline: 0, paidAtCounter: 0, refunds: 0, refunded: 0 });
    return line;
  };
  for (const fee of await store.feesCalculatedBetween(db, jurisdictionId, from, to)) {
    if (fee.fee_pence <= 0) continue;
    const line = lineOf(fee.service_code, fee.service_name);
    line.applications += 1;
    line.fees += fee.fee_pence;
  }
  for (const payment of await store.paymentsFinishedBetween(db, jurisdictionId, from, to)) {
    const line = lineOf(payment.service_code, payment.service_name);
    line.payments += 1;
    if (payment.channel === 'counter') line.paidAtCounter += payment.amount_pence;
    else line.paidOnline += payment.amount_pence;
  }
  for (const refund of await store.refundsFinishedBetween(db, jurisdictionId, from, to)) {
    const line = lineOf(refund.service_code, refund.service_name);
    line.refunds += 1;
    line.refunded += refund.amount_pence;
  }
  const lines = [...byService.values()].sort((a, b) => a.serviceCode.localeCompare(b.serviceCode));
  const sum = (pick: (line: ReconciliationLine) => number) => lines.reduce((total, line) => total + pick(line), 0);
  return {
    day, timeZone, from, to, lines,
    totals: {
      applications: sum((l) => l.applications), fees: sum((l) => l.fees), payments: sum((l) => l.payments), paidOnline: sum((l) => l.paidOnline),
      paidAtCounter: sum((l) => l.paidAtCounter), refunds: sum((l) => l.refunds), refunded: sum((l) => l.refunded),
    },
  };
}

/** Pence as pounds for a spreadsheet: "95.00", "-12.50". */
export const pounds = (pence: number): string => `${pence < 0 ? '-' : ''}${Math.floor(Math.abs(pence) / 100)}.${String(Math.abs(pence) % 100).padStart(2, '0')}`;

export const CSV_COLUMNS = ['date', 'service_code', 'service', 'applications_with_fee', 'fees_calculated', 'payments', 'paid_online', 'paid_at_counter', 'paid_total', 'refunds', 'refunded', 'net_received'] as const;

/** The report as CSV: a header, a line per service, and a totals line (service_code TOTAL). Amounts in pounds. */
export function reconciliationCsv(report: Reconciliation): string {
  const row = (code: string, name: string, l: Reconciliation['totals']) => [
    report.day, code, name, l.applications, pounds(l.fees), l.payments, pounds(l.paidOnline), pounds(l.paidAtCounter), pounds(l.paidOnline + l.paidAtCounter),
    l.refunds, pounds(l.refunded), pounds(l.paidOnline + l.paidAtCounter - l.refunded),
  ];
  return csvDocument([
    [...CSV_COLUMNS],
    ...report.lines.map((l) => row(l.serviceCode, l.serviceName, l)),
    row('TOTAL', 'All services', report.totals),
  ]);
}
