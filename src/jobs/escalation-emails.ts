/**
 * The emails supervisors get about SLA clocks: plain words, one link to the case. No resident's
 * personal data: just the case number, service and times.
 */
import type { Email, Sender } from '../notifications/email.js';
import { formatInZone } from '../platform/time.js';

export interface ClockAlert {
  caseId: number;
  serviceName: string;
  clock: 'resolution' | 'statutory';
  dueAt: string;
  timeZone: string;
}

const clockName = (clock: ClockAlert['clock']) => (clock === 'statutory' ? 'statutory deadline' : 'time limit for resolving it');
const when = (alert: ClockAlert) => formatInZone(alert.dueAt, alert.timeZone).slice(0, 16).replace('T', ' at ');
const caseLink = (sender: Sender, caseId: number) => `${sender.publicUrl}/staff/requests/${caseId}`;
const footer = (sender: Sender) => `${sender.council} case workspace\n\nYou get this email because you are a supervisor in the case's department.`;

export function slaWarningMessage(to: string, sender: Sender, alert: ClockAlert): Email {
  return {
    to,
    subject: `Case ${alert.caseId} is close to its ${alert.clock === 'statutory' ? 'statutory deadline' : 'time limit'}`,
    text: [
      `Case ${alert.caseId} (${alert.serviceName}) has used most of the ${clockName(alert.clock)}.`,
      `It is due by ${when(alert)}.`,
      'Check that someone is working on it:',
      caseLink(sender, alert.caseId),
      footer(sender),
    ].join('\n\n'),
  };
}

export function slaBreachMessage(to: string, sender: Sender, alert: ClockAlert, reassigned: boolean): Email {
  return {
    to,
    subject: `Case ${alert.caseId} has missed its ${alert.clock === 'statutory' ? 'statutory deadline' : 'time limit'}`,
    text: [
      `Case ${alert.caseId} (${alert.serviceName}) was due by ${when(alert)} and is still open.`,
      reassigned
        ? 'It has been given to the supervisor in your department with the fewest open cases.'
        : 'No active supervisor could be found to give it to, so its assignee has not changed.',
      caseLink(sender, alert.caseId),
      footer(sender),
    ].join('\n\n'),
  };
}

/** The internal note added to the case when its clock runs out. */
export function breachNote(alert: ClockAlert, reassigned: boolean): string {
  return `The ${clockName(alert.clock)} ran out (due by ${when(alert)}). `
    + (reassigned ? 'The case was given automatically to the department\'s supervisor with the fewest open cases.' : 'No active supervisor was found, so the assignee was not changed.');
}
