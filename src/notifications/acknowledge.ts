/**
 * The acknowledgement a reporter gets when a request arrives with an email address (any
 * channel): request_received with the reference and the tracking link, queued in the
 * transaction that creates the case, once per case.
 */
import type { DB } from '../db/connection.js';
import { lookupHash, type Keyring } from '../platform/crypto.js';
import { queueEmail, type Sender } from './email.js';
import { DEFAULT_LANGUAGE, renderMessage } from './message-templates.js';

export async function acknowledgeRequest(trx: DB, deps: Sender & { keyring: Keyring; language?: string }, about: { caseId: number; serviceName: string }, email: string): Promise<number | null> {
  const to = email.trim();
  if (!to || to.toLowerCase().endsWith('@invalid')) return null;
  const { caseId, serviceName } = about;
  const language = deps.language ?? DEFAULT_LANGUAGE;
  const rendered = await renderMessage(trx, 'request_received', 'email', language, {
    council: deps.council, site: deps.publicUrl, reference: String(caseId), service: serviceName, link: `${deps.publicUrl}/requests/${caseId}`,
  });
  if (!rendered) return null;
  return queueEmail(trx, deps.keyring, 'report_received', { to, subject: rendered.subject, text: rendered.text, language },
    { event: 'request_received', idempotencyKey: `case:${caseId}:received:email:${lookupHash(deps.keyring, 'recipient', to).slice(0, 24)}` });
}
