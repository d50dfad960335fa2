/**
 * attribute[code] values a service has no question for. FixMyStreet and other clients send codes
 * of their own with each report (fixmystreet_id, title, report_url, easting...). By default
 * they are refused, as before (the answers' check names each one); a council that sets
 * TOWNHALL_OPEN311_UNKNOWN_ATTRIBUTES=keep has them kept beside the case as extra data instead.
 * The council's external id attribute is never a question, unless the service asks one with
 * that code: it is the request's own id, kept beside the case too.
 */
import { getServiceForReport } from '../catalogue/catalogue.js';
import type { Open311Settings } from '../config.js';
import type { DB } from '../db/connection.js';
import type { AttributeAnswers } from '../cases/types.js';
import { DomainError } from '../platform/errors.js';

export async function separateAttributes(
  db: DB, jurisdictionId: string, serviceCode: string, given: AttributeAnswers, settings: Pick<Open311Settings, 'externalIdAttribute' | 'unknownAttributes'>,
): Promise<{ answers: AttributeAnswers; extra: AttributeAnswers }> {
  const codes = Object.keys(given);
  if (codes.length === 0) return { answers: given, extra: {} };
  let questions: Set<string>;
  try {
    questions = new Set((await getServiceForReport(db, jurisdictionId, serviceCode)).attributes.map((a) => a.code));
  } catch (error) {
    // No such service: the submission says so, with its every other problem.
    if (error instanceof DomainError && error.kind === 'not_found') return { answers: given, extra: {} };
    throw error;
  }
  const answers: AttributeAnswers = {};
  const extra: AttributeAnswers = {};
  for (const code of codes) {
    const value = given[code]!;
    if (questions.has(code)) answers[code] = value;
    else if (code === settings.externalIdAttribute) continue;
    else if (settings.unknownAttributes === 'keep') extra[code] = value;
    else answers[code] = value;
  }
  return { answers, extra };
}
