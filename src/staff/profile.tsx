/**
 * The name a member of staff is shown by in the workspace (queues, histories, assignee lists),
 * chosen by the person; administrators can set it too (/admin). Until one is set, the email is shown.
 */
import type { FastifyInstance } from 'fastify';
import { accountOf, DISPLAY_NAME_MAX, setDisplayName } from '../identity/users.js';
import type { RouteDeps } from '../platform/deps.js';
import { DomainError } from '../platform/errors.js';
import { ErrorSummary, formText } from '../web/forms.js';
import { renderPage } from '../web/page.js';
import { staffAccess } from './case-data.js';

function NamePage({ email, name, csrf, error, saved }: { email: string; name: string; csrf: string; error?: string; saved?: boolean }) {
  return (
    <>
      <p><a href="/staff">Back to the queues</a></p>
      <ErrorSummary errors={error ? { display_name: error } : {}} />
      {saved && <div class="notice" role="status"><p>Your name was saved. Colleagues now see “{name || email}”.</p></div>}
      <h1>Your name in the workspace</h1>
      <p>Colleagues see this name in queues, case histories and lists of people to assign cases to, instead of your email address ({email}).</p>
      <form method="post" action="/staff/name" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        <label for="display_name">Name</label>
        <span class="hint" id="display_name-hint">For example “Sam Ortiz”. Leave it empty to be shown by your email address. At most {DISPLAY_NAME_MAX} characters.</span>
        {error && <span class="error-message" id="display_name-error">Error: {error}</span>}
        <input id="display_name" name="display_name" type="text" value={name} maxlength={DISPLAY_NAME_MAX} autocomplete="name"
          aria-describedby={error ? 'display_name-hint display_name-error' : 'display_name-hint'} />
        <button type="submit">Save the name</button>
      </form>
    </>
  );
}

export function profileRoutes(app: FastifyInstance, { db, keyring }: RouteDeps): void {
  app.get('/staff/name', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
    const account = await accountOf(db, keyring, request.person!.userId);
    return renderPage(request, reply, { title: 'Your name in the workspace', englishOnly: true, body: <NamePage email={account.email} name={account.displayName ?? ''} csrf={request.person!.csrfToken} /> });
  });

  app.post('/staff/name', { config: staffAccess, schema: { hide: true } }, async (request, reply) => {
    const person = request.person!;
    const typed = formText(request.body, 'display_name');
    try {
      await setDisplayName(db, person.userId, typed, `user:${person.userId}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const account = await accountOf(db, keyring, person.userId);
      return renderPage(request, reply, {
        title: 'Your name in the workspace', englishOnly: true, status: 400,
        body: <NamePage email={account.email} name={typed.slice(0, 200)} csrf={person.csrfToken} error={error.message} />,
      });
    }
    const account = await accountOf(db, keyring, person.userId);
    return renderPage(request, reply, { title: 'Your name in the workspace', englishOnly: true, body: <NamePage email={account.email} name={account.displayName ?? ''} csrf={person.csrfToken} saved /> });
  });
}
