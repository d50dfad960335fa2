/**
 * The step between pressing a consequential button and the change: closing a case (fixed, not
 * ours, closed), merging it into another, and any step that needs words first (a reason, an
 * update for residents). The page says what will happen, asks for what the step needs, and acts
 * only when the person confirms. Plain forms: it works without JavaScript.
 */
import { ErrorSummary, type FieldErrors } from '../web/forms.js';
import type { CaseActionInput, WorkflowDefinition } from '../workflow/types.js';
import { TrainingBanner } from './views.js';

export interface CaseStep {
  caseId: number;
  kind: 'transition' | 'merge';
  /** The button's words ("Mark as fixed"). */
  label: string;
  /** What will happen, in a sentence or two. */
  consequence: string;
  transition?: string;
  needsReason: boolean;
  needsPublicNote: boolean;
  /** A closing step may carry an update for residents even when it does not need one. */
  offersPublicNote: boolean;
  mergeInto?: number;
}

/** Whether an action must be confirmed (or completed) on its own page before it is done; null when it acts at once. */
export function stepFor(definition: WorkflowDefinition | undefined, caseId: number, currentState: string, input: CaseActionInput, mergeTarget?: { service: string; address: string | null }): CaseStep | null {
  if (input.kind === 'merge') {
    const target = mergeTarget ? ` (${mergeTarget.service}${mergeTarget.address ? `, ${mergeTarget.address}` : ''})` : '';
    return {
      caseId, kind: 'merge', label: 'Merge into that case', mergeInto: input.intoCaseId, needsReason: false, needsPublicNote: false, offersPublicNote: false,
      consequence: `Case #${caseId} will close as a duplicate of case #${input.intoCaseId}${target}. Its reporter and followers will follow case #${input.intoCaseId} instead.`,
    };
  }
  if (input.kind !== 'transition' || !definition) return null;
  const transition = definition.transitions.find((t) => t.code === input.transition);
  if (!transition) return null;
  const target = definition.states.find((s) => s.code === transition.to);
  const from = definition.states.find((s) => s.code === currentState)?.label ?? currentState;
  const closing = target?.publicStatus === 'closed';
  const needsReason = transition.requires.includes('reason');
  const needsPublicNote = transition.requires.includes('public_note');
  if (!closing && ((!needsReason || input.reason) && (!needsPublicNote || input.publicNote))) return null;
  const told = target?.onEntry.some((e) => e.do === 'notify_reporter') ? ' The reporter is told.' : '';
  return {
    caseId, kind: 'transition', label: transition.label, transition: transition.code, needsReason, needsPublicNote, offersPublicNote: closing,
    consequence: `Case #${caseId} will move from ${from} to ${target?.label ?? transition.to}${closing ? ' and close' : ''}. Residents will see “${target?.publicLabel ?? transition.to}”.${told}`,
  };
}

export function StepPage({ step, csrf, idempotencyKey, values, errors, training }: {
  step: CaseStep; csrf: string; idempotencyKey: string; values: { reason: string; publicNote: string }; errors: FieldErrors; training: boolean;
}) {
  const field = (name: string) => (errors[name] ? `${name}-error` : undefined);
  return (
    <>
      {training && <TrainingBanner />}
      <p><a href={`/staff/requests/${step.caseId}`}>Back to case #{step.caseId}</a></p>
      <ErrorSummary errors={errors} />
      <h1>{step.label}: case #{step.caseId}</h1>
      <p>{step.consequence}</p>
      <form method="post" action={`/staff/requests/${step.caseId}/actions`} novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="idempotency_key" value={idempotencyKey} />
        <input type="hidden" name="action" value={step.kind} />
        <input type="hidden" name="confirmed" value="1" />
        {step.transition && <input type="hidden" name="transition" value={step.transition} />}
        {step.mergeInto !== undefined && <input type="hidden" name="merge_reference" value={String(step.mergeInto)} />}
        {step.needsReason && (
          <>
            <label for="reason">Reason (internal)</label>
            {errors.reason && <span class="error-message" id="reason-error">Error: {errors.reason}</span>}
            <textarea id="reason" name="reason" rows={3} aria-describedby={field('reason')}>{values.reason}</textarea>
          </>
        )}
        {(step.needsPublicNote || step.offersPublicNote) && (
          <>
            <label for="public_note">Update for residents{step.needsPublicNote ? '' : ' (optional)'}</label>
            <span class="hint">Shown on the public page and sent to the reporter and followers.</span>
            {errors.public_note && <span class="error-message" id="public_note-error">Error: {errors.public_note}</span>}
            <textarea id="public_note" name="public_note" rows={4} aria-describedby={field('public_note')}>{values.publicNote}</textarea>
          </>
        )}
        <button type="submit">{step.label}</button>
        <a class="button secondary" href={`/staff/requests/${step.caseId}`}>Cancel</a>
      </form>
    </>
  );
}
