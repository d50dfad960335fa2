/**
 * Fees: the schedule in force on the day an application is made, applied to its answers. The
 * result is kept on the application as calculated, so a later schedule never changes it.
 */
import { groupItems, type Answers } from './answers.js';
import type { FeeSchedule, FormDefinition } from './definition.js';

export interface FeeLine { label: string; amount: number }
export interface CalculatedFee {
  /** The schedule's first day (YYYY-MM-DD), or null when the service has no fee. */
  schedule: string | null;
  lines: FeeLine[];
  total: number;
}

/** The schedule in force on `day` (YYYY-MM-DD): the latest that started on or before it. */
export function scheduleOn(schedules: FeeSchedule[], day: string): FeeSchedule | null {
  return [...schedules].filter((s) => s.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0] ?? null;
}

export function calculateFee(definition: FormDefinition, answers: Answers, day: string): CalculatedFee {
  const schedule = scheduleOn(definition.fees, day);
  if (!schedule) return { schedule: null, lines: [], total: 0 };
  const lines: FeeLine[] = [];
  const subtotal = () => lines.reduce((sum, line) => sum + line.amount, 0);
  for (const rule of schedule.rules) {
    if (rule.kind === 'fixed') lines.push({ label: rule.label, amount: rule.amount });
    else if (rule.kind === 'per_item') {
      const charged = Math.max(0, groupItems(answers, rule.group).length - (rule.free ?? 0));
      if (charged > 0) lines.push({ label: `${rule.label} × ${charged}`, amount: charged * rule.amount });
    } else if (rule.kind === 'by_choice') {
      const chosen = answers[rule.field];
      const amount = typeof chosen === 'string' && Object.hasOwn(rule.amounts, chosen) ? rule.amounts[chosen]! : 0;
      if (amount > 0) lines.push({ label: rule.label, amount });
    } else {
      const given = answers[rule.field];
      const values = typeof given === 'string' ? [given] : Array.isArray(given) ? given.filter((v): v is string => typeof v === 'string') : [];
      // A concession takes its share off everything before it, rounded down to the penny in the applicant's favour.
      if (values.some((v) => rule.in.includes(v)) && subtotal() > 0) lines.push({ label: rule.label, amount: -Math.ceil((subtotal() * rule.percentOff) / 100) });
    }
  }
  return { schedule: schedule.effectiveFrom, lines, total: Math.max(0, subtotal()) };
}

/** Pence as money for people: "£12.50". */
export const formatMoney = (pence: number, language = 'en'): string =>
  new Intl.NumberFormat(language === 'en' ? 'en-GB' : language, { style: 'currency', currency: 'GBP' }).format(pence / 100);
