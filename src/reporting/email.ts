/**
 * The email that confirms a report was received: plain text, one link, in plain English.
 * It goes to an address nobody has confirmed (a guest types any address), so it carries nothing
 * the sender typed (no description, no "where" note): only the reference, the service's name, the
 * council's own notice and the tracking link. The council's mail server cannot be used to send
 * someone else words of the sender's choosing.
 */
import type { Email, Sender } from '../notifications/email.js';

export function reportReceivedMessage(to: string, sender: Sender, report: { id: string; serviceName: string; notice: string | null }): Email {
  const link = `${sender.publicUrl}/requests/${report.id}`;
  return {
    to,
    subject: `We have received your report (reference ${report.id})`,
    text: [
      `Thank you for reporting a problem to ${sender.council}.`,
      `Your reference number is ${report.id}.\nWhat: ${report.serviceName}`,
      `What happens next: we will look at your report and pass it to the team that deals with it.${report.notice ? ` ${report.notice}` : ''} We will email you when its status changes.`,
      `To see how your report is going, open this link:\n${link}`,
      `${sender.council}\n${sender.publicUrl}\n\nThis email was sent automatically. Replies may not be read.`,
    ].join('\n\n'),
  };
}
