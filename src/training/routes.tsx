/**
 * The training space's pages, for staff only: what it is and the checklist (GET /staff/training),
 * and switching in and out of it with a cookie the workspace reads (space.ts). Staff pages are
 * in English for now.
 */
import type { FastifyInstance } from 'fastify';
import { staffRoles } from '../identity/policy.js';
import { signedIn } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { formatForPeople } from '../platform/time.js';
import { csrfToken } from '../web/csrf.js';
import { setCookie } from '../platform/cookies.js';
import { renderPage } from '../web/page.js';
import { trainingProgress } from './checklist.js';
import { createTrainingCases, ensureTrainingSpace, madeFor, PRACTICE_CASES_PER_PERSON, resetPracticeCases } from './seed.js';
import { inTraining, TRAINING_COOKIE, trainingJurisdiction } from './space.js';
import { openPracticeCases } from './store.js';
import { TrainingPage } from './views.js';

/** Messages after a button, by a fixed code: the address never carries text to show. */
const notices: Record<string, string> = {
  stopped: 'You have left the training space. The workspace shows real cases again.',
  reset: 'Your practice cases were closed and you have fresh ones.',
};

export async function trainingRoutes(app: FastifyInstance, { db, config, keyring }: RouteDeps): Promise<void> {
  const staff = { access: signedIn(staffRoles) };
  const jurisdictionId = trainingJurisdiction(config.jurisdiction.id);
  const ownCases = (userId: number) => openPracticeCases(db, jurisdictionId, userId, madeFor(userId));

  app.get('/staff/training', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const progress = await trainingProgress(db, config, person.userId);
    const noticeCode = (request.query as Record<string, unknown> | undefined)?.notice;
    return renderPage(request, reply, {
      title: 'Training space', englishOnly: true,
      body: <TrainingPage csrf={csrfToken(request, reply, app.site.secure)} active={inTraining(request)} progress={progress}
        ownOpenCases={(await ownCases(person.userId)).length} notice={typeof noticeCode === 'string' ? notices[noticeCode] : undefined}
        formatTime={(iso) => formatForPeople(iso, config.jurisdiction.timeZone)} />,
    });
  });

  app.post('/staff/training/start', { config: staff, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    await ensureTrainingSpace(db, config, keyring, `user:${person.userId}`);
    if ((await ownCases(person.userId)).length === 0) {
      await createTrainingCases(db, config, keyring, { count: PRACTICE_CASES_PER_PERSON, forUserId: person.userId });
    }
    setCookie(reply, TRAINING_COOKIE, '1', { secure: app.site.secure });
    // The department's queue shows the practice cases waiting to be claimed (the first task).
    return reply.redirect(person.department ? '/staff?queue=department' : '/staff', 303);
  });

  app.post('/staff/training/stop', { config: staff, schema: { hide: true } }, async (_request, reply) => {
    setCookie(reply, TRAINING_COOKIE, '', { secure: app.site.secure, maxAge: 0 });
    return reply.redirect('/staff/training?notice=stopped', 303);
  });

  app.post('/staff/training/reset', { config: staff, schema: { hide: true } }, async (request, reply) => {
    await resetPracticeCases(db, config, keyring, request.person!.userId);
    return reply.redirect('/staff/training?notice=reset', 303);
  });
}
