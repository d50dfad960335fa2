/**
 * A case's history as staff read it: each action named as the change it made ("Moved from New
 * to Investigating", "Assigned to Sam Ortiz (was nobody)", "Priority changed from Normal to
 * High"), who did it and when, newest first. Built from the case's actions (their details say
 * what changed), with state labels from the workflow and names instead of email addresses.
 */
import type { DB } from '../db/connection.js';
import type { Keyring } from '../platform/crypto.js';
import type { WorkflowDefinition } from '../workflow/types.js';
import type { Department } from './store.js';
import * as store from './store.js';
import { channelLabel, priorityLabel, workingTimeWords } from './words.js';
import { staffAnswerWords } from '../cases/staff-answers.js';

export interface HistoryLine { id: number; at: string; who: string; what: string; text: string | null; detail: string | null; isPublic: boolean }

export interface ActionRecord { id: number; action: string; actor: string; status: string | null; state: string | null; description: string | null; details: string; public: number; created_at: string }

interface Context {
  definition: WorkflowDefinition | undefined;
  departments: Department[];
  formatTime: (iso: string) => string;
  /** Users named elsewhere on the page (the assignee), read with the actors in one query. */
  extraUserIds: number[];
}

const userIdOf = (actor: string) => {
  const match = /^user:(\d{1,15})$/.exec(actor);
  return match ? Number(match[1]) : null;
};

/** What a connected system sent that Townhall has no field for (its own id, attribute codes the council keeps), for staff. */
function sentAlongsideWords(sent: unknown): string | null {
  if (typeof sent !== 'object' || sent === null) return null;
  const { externalId, attributes, ...rest } = sent as { externalId?: unknown; attributes?: unknown };
  const pairs = Object.entries({ ...(typeof attributes === 'object' && attributes !== null ? attributes : {}), ...rest })
    .map(([code, value]) => `${code}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  const parts = [...(typeof externalId === 'string' ? [`Their reference: ${externalId}`] : []), ...(pairs.length > 0 ? [`Also sent: ${pairs.join('; ')}`] : [])];
  return parts.length > 0 ? parts.join('. ') : null;
}

const clockName = (clock: unknown) => (clock === 'statutory' ? 'Statutory deadline clock' : 'Resolution clock');

export async function timeline(db: DB, keyring: Keyring, actions: ActionRecord[], context: Context): Promise<{ lines: HistoryLine[]; names: Map<number, string> }> {
  const ids: number[] = [...context.extraUserIds];
  const parsed = actions.map((a) => {
    let details: Record<string, unknown> = {};
    try { details = JSON.parse(a.details) as Record<string, unknown>; } catch { /* an unreadable detail hides nothing else */ }
    for (const key of ['from', 'assignee', 'assigneeBefore']) if (typeof details[key] === 'number' && a.action !== 'set_priority' && a.action !== 'move_department' && details.undone !== 'set_priority') ids.push(details[key]);
    if (a.action === 'move_department' && typeof details.assigneeBefore === 'number') ids.push(details.assigneeBefore);
    const actorId = userIdOf(a.actor);
    if (actorId !== null) ids.push(actorId);
    return { ...a, details };
  });
  const names = await store.userNames(db, keyring, ids);
  const person = (id: unknown) => (typeof id === 'number' ? names.get(id) ?? `staff member ${id}` : 'nobody');
  const stateLabel = (code: unknown) => {
    const text = typeof code === 'string' ? code : '';
    return context.definition?.states.find((s) => s.code === text)?.label ?? (text ? text.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) : 'unknown');
  };
  const departmentName = (id: unknown) => context.departments.find((d) => d.id === id)?.name ?? 'another department';
  const who = (actor: string) => {
    const id = userIdOf(actor);
    if (id !== null) return person(id);
    if (actor.startsWith('system')) return 'Townhall (automatic)';
    // Client mode: an outside back office's update, by its name.
    if (actor.startsWith('back_office:')) return actor.slice('back_office:'.length);
    return actor.startsWith('api_key') ? 'a connected system' : 'the reporter';
  };

  let previousState: string | null = null;
  const lines = parsed.map((a): HistoryLine => {
    const d = a.details;
    const moved = (from: unknown, to: unknown) => `from ${stateLabel(from)} to ${stateLabel(to)}`;
    // The state before this action: the details say so for workflow actions; otherwise the last one seen.
    const stateChange = a.state && previousState && a.state !== previousState ? moved(previousState, a.state) : null;
    let what: string;
    let detail: string | null = null;
    switch (a.action) {
      case 'created': case 'submitted': what = `Reported${typeof d.channel === 'string' ? ` ${channelLabel(d.channel)}` : ''}`; detail = sentAlongsideWords(d.sentAlongside); break;
      case 'claim': case 'claimed': what = `Taken by ${who(a.actor)}${typeof d.from === 'number' ? ` (was ${person(d.from)})` : ''}`; break;
      case 'assign': case 'assigned':
        what = d.assignee === null ? `Unassigned (was ${person(d.from)})` : `Assigned to ${person(d.assignee)} (was ${person(d.from ?? null)})`; break;
      case 'transition': what = `Moved ${moved(d.from ?? previousState, d.to ?? a.state)}`; detail = typeof d.reason === 'string' ? `Reason: ${d.reason}` : null; break;
      case 'set_priority': case 'priority_set': what = `Priority changed from ${priorityLabel(String(d.from ?? ''))} to ${priorityLabel(String(d.to ?? ''))}`; break;
      case 'public_update': what = 'Update sent to residents'; break;
      case 'note': what = 'Internal note'; break;
      case 'merge': case 'merged': what = `Merged into case #${String(d.into)}, ${moved(d.from ?? previousState, d.to ?? a.state)}`; break;
      case 'move_department': what = `Moved to ${departmentName(d.to)} (was ${departmentName(d.from)})`; detail = typeof d.reason === 'string' ? `Reason: ${d.reason}` : null; break;
      case 'suspend_clock': what = `${clockName(d.clock)} paused`; detail = typeof d.reason === 'string' ? `Reason: ${d.reason}` : null; break;
      case 'resume_clock': what = `${clockName(d.clock)} restarted`; break;
      case 'extend_clock': what = `${clockName(d.clock)} extended by ${workingTimeWords(Number(d.minutes) || 0)}`; detail = typeof d.reason === 'string' ? `Reason: ${d.reason}` : null; break;
      case 'undo':
        what = d.undone === 'set_priority' ? `Undone: priority back from ${priorityLabel(String(d.from ?? ''))} to ${priorityLabel(String(d.to ?? ''))}`
          : d.undone === 'transition' ? `Undone: moved back ${moved(d.from, d.to)}`
            : `Undone: assigned back to ${person(d.assignee ?? null)} (was ${person(d.from ?? null)})`;
        break;
      case 'attachment_added': what = 'File attached'; break;
      case 'staff_answer': what = staffAnswerWords(d); break;
      case 'reopened': what = `Reopened${stateChange ? `, ${stateChange}` : ''}`; break;
      case 'forwarded': what = `Sent to ${String(d.backOffice)} as ${String(d.externalId ?? `token ${String(d.token)}`)}`; break;
      case 'status_update': what = `Status update${stateChange ? `: ${stateChange}` : ''}`; break;
      case 'resident_comment':
        what = 'Comment from a resident, passed on by a connected system';
        detail = typeof d.reportedStatus === 'string' ? `The system gave the status as ${d.reportedStatus.replace(/_/g, ' ')}; the case's status was not changed.` : null;
        break;
      default: what = `${a.action.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())}${stateChange ? `: ${stateChange}` : ''}`;
    }
    if (a.action !== 'submitted' && a.action !== 'created' && detail === null) detail = sentAlongsideWords(d.sentAlongside);
    if (a.state) previousState = a.state;
    return { id: a.id, at: context.formatTime(a.created_at), who: who(a.actor), what, text: a.description, detail, isPublic: a.public === 1 };
  });
  // Newest first: the latest change is what a person opening the case needs.
  return { lines: lines.reverse(), names };
}
