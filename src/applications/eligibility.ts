/** The eligibility check before the form: "you need this", "you do not need this, because ...", or another service. */
import type { EligibilityOutcome, FormDefinition } from './definition.js';

export type EligibilityResult =
  | { kind: 'needed' }
  | { kind: 'unanswered'; questionId: string }
  | Exclude<EligibilityOutcome, { kind: 'continue' }>;

/** Goes through the questions in order: the first answer that ends the check decides. */
export function checkEligibility(definition: FormDefinition, answers: Record<string, string>): EligibilityResult {
  for (const question of definition.eligibility) {
    const chosen = question.options.find((o) => o.value === answers[question.id]);
    if (!chosen) return { kind: 'unanswered', questionId: question.id };
    if (chosen.outcome.kind !== 'continue') return chosen.outcome;
  }
  return { kind: 'needed' };
}
