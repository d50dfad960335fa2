/** The training space's page: what it is, the checklist of first tasks, and its three buttons. */
import { PostForm } from '../web/forms.js';
import type { TaskProgress } from './checklist.js';

export interface TrainingPageProps {
  csrf: string;
  active: boolean;
  progress: TaskProgress[];
  /** Open practice cases that are the person's (made for them or assigned to them). */
  ownOpenCases: number;
  notice?: string | undefined;
  formatTime: (iso: string) => string;
}

export function TrainingPage({ csrf, active, progress, ownOpenCases, notice, formatTime }: TrainingPageProps) {
  const done = progress.filter((p) => p.doneAt !== null).length;
  return (
    <>
      <h1>Training space</h1>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      <p>
        The training space is a copy of the workspace with invented cases, for practising before you work on
        real ones. The services, departments, workflows and your rights are the same as in the real workspace.
      </p>
      <ul>
        <li>Practice cases are invented: no resident reported them and they hold no one's personal details.</li>
        <li>Nothing you do here is sent to residents: no emails or text messages, and practice cases never appear on the public website, in Open311 or in the statistics.</li>
        <li>Your actions are recorded in the audit trail as yours, as in the real workspace.</li>
      </ul>
      <p>
        You are <strong>{active ? 'in the training space now' : 'in the real workspace now'}</strong>.
        {active ? ' Every case list in the workspace shows practice cases until you leave.' : ' Start training to switch the workspace to practice cases.'}
      </p>

      <h2 id="checklist-title">Your first tasks</h2>
      <p id="checklist-progress">{done} of {progress.length} done.</p>
      <ol class="checklist" aria-labelledby="checklist-title" aria-describedby="checklist-progress">
        {progress.map((task) => (
          <li key={task.code}>
            <strong>{task.title}</strong>: {task.doneAt ? `done on ${formatTime(task.doneAt)}.` : 'not done yet.'}
            {!task.doneAt && <><br /><span class="hint">{task.howTo}</span></>}
          </li>
        ))}
      </ol>
      {done === progress.length && <p>You have done every first task. You can keep practising, or leave the training space.</p>}

      <h2>Your practice cases</h2>
      <p>{ownOpenCases === 0 ? 'You have no open practice cases of your own.' : `You have ${ownOpenCases} open practice ${ownOpenCases === 1 ? 'case' : 'cases'} of your own.`}</p>

      <PostForm action="/staff/training/start" csrf={csrf}>
        <button type="submit">{active ? 'Go to the practice cases' : 'Start training'}</button>
      </PostForm>
      {active && (
        <PostForm action="/staff/training/stop" csrf={csrf}>
          <button type="submit" class="secondary">Leave training</button>
        </PostForm>
      )}
      <h2>Start again</h2>
      <p>Closes your open practice cases and gives you fresh ones. The tasks you have done stay ticked.</p>
      <PostForm action="/staff/training/reset" csrf={csrf}>
        <button type="submit" class="warning">Reset my practice cases</button>
      </PostForm>
    </>
  );
}
