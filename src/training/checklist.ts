/**
 * The first tasks a new member of staff practises, each ticked from their own actions on
 * training cases (never from what anyone else did, nor from a reset). A task once done stays
 * done: it is also recorded in training_progress, with when it was first done.
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { trainingJurisdiction } from './space.js';
import * as store from './store.js';

interface RecordedAction {
  action: string;
  status: string | null;
  details: Record<string, unknown>;
}

export interface TrainingTask {
  code: 'claim_case' | 'public_update_from_template' | 'close_case';
  title: string;
  howTo: string;
  /** Whether one of the person's actions does this task. */
  doneBy: (action: RecordedAction) => boolean;
}

export const trainingTasks: readonly TrainingTask[] = [
  {
    code: 'claim_case',
    title: 'Claim a case',
    howTo: 'Open a case in your queue and choose "Claim", so it is assigned to you.',
    doneBy: (a) => a.action === 'claim' || a.action === 'claimed',
  },
  {
    code: 'public_update_from_template',
    title: 'Post a public update from a response template',
    howTo: 'On a case you work, pick a response template, check the text and post it as a public update.',
    doneBy: (a) => (a.action === 'public_update' || a.action === 'public_note') && a.details.templateId !== undefined && a.details.templateId !== null,
  },
  {
    code: 'close_case',
    title: 'Close a case',
    howTo: 'Move a case to a closing state (for example "Fixed"), with the note the workflow asks for.',
    doneBy: (a) => a.status === 'closed',
  },
];

export interface TaskProgress {
  code: TrainingTask['code'];
  title: string;
  howTo: string;
  /** When it was first done; null: not yet. */
  doneAt: string | null;
}

const parseDetails = (text: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : {};
  } catch {
    return {};
  }
};

/**
 * Each task with when the person first did it. Newly done tasks are recorded in
 * training_progress, so progress survives a reset of the practice cases.
 */
export async function trainingProgress(db: DB, config: Config, userId: number): Promise<TaskProgress[]> {
  const actions = await store.actionsOnTrainingCases(db, trainingJurisdiction(config.jurisdiction.id), `user:${userId}`);
  const recorded = new Map((await store.progressOf(db, userId)).map((p) => [p.task, p.done_at]));
  const progress: TaskProgress[] = [];
  for (const task of trainingTasks) {
    let doneAt = recorded.get(task.code) ?? null;
    if (!doneAt) {
      const first = actions.find((a) => task.doneBy({ action: a.action, status: a.status, details: parseDetails(a.details) }));
      if (first) {
        doneAt = first.created_at;
        await store.recordProgress(db, userId, task.code, doneAt);
      }
    }
    progress.push({ code: task.code, title: task.title, howTo: task.howTo, doneAt });
  }
  return progress;
}
