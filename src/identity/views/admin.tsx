/** Administration pages: the people who can sign in, and a subject access export. */
import { ErrorSummary, Field, PostForm, type FieldErrors, TableWrap } from '../../web/forms.js';
import type { CreatedUser, UserSummary } from '../users.js';
import { roleName } from './account.js';

export function UsersPage({ users, csrf, grantable, created, notice, errors, canExport }: {
  users: UserSummary[]; csrf: string; grantable: readonly string[]; created?: CreatedUser; notice?: string; errors: FieldErrors; canExport: boolean;
}) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>Administration</h1>
      <p><a href="/admin/settings">Settings: services, workflows, departments, calendars and response templates</a></p>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      {created && (
        <div class="notice" role="status">
          <h2>Account created for {created.email}</h2>
          <p>Give them this one-time link to choose a password. It works once, for 72 hours, and is not shown again:</p>
          <p><code>{created.setPasswordLink}</code></p>
          {created.totpUri && <p>They will set up their authenticator app the first time they sign in.</p>}
        </div>
      )}
      <h2>People who can sign in</h2>
      <TableWrap label="People who can sign in">
        <table>
          <thead><tr><th scope="col">Email</th><th scope="col">Name shown to colleagues</th><th scope="col">Role</th><th scope="col">Department</th><th scope="col">Status</th><th scope="col">Second factor</th><th scope="col"><span class="hint">Actions</span></th></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>
                  <PostForm action={`/admin/users/${u.id}/name`} csrf={csrf}>
                    <label for={`name-${u.id}`} class="visually-hidden">Name of {u.email}</label>
                    {errors[`name-${u.id}`] && <span class="error-message" id={`name-${u.id}-error`}>Error: {errors[`name-${u.id}`]}</span>}
                    <input id={`name-${u.id}`} name="display_name" type="text" value={u.displayName ?? ''} maxlength={80} autocomplete="off" aria-describedby={errors[`name-${u.id}`] ? `name-${u.id}-error` : undefined} />
                    <button type="submit" class="secondary">Save<span class="skip-link"> the name of {u.email}</span></button>
                  </PostForm>
                </td>
                <td>{roleName(u.role)}</td><td>{u.department ?? ''}</td><td>{u.status}</td><td>{u.secondFactor}</td>
                <td>{u.status === 'active' && (
                  <>
                    <PostForm action={`/admin/users/${u.id}/disable`} csrf={csrf}>
                      <button type="submit" class="secondary">Disable<span class="skip-link"> {u.email}</span></button>
                    </PostForm>
                    <PostForm action={`/admin/users/${u.id}/sign-out`} csrf={csrf}>
                      <button type="submit" class="secondary">Sign out everywhere<span class="skip-link"> {u.email}</span></button>
                    </PostForm>
                    {u.secondFactor === 'enrolled' && (
                      <PostForm action={`/admin/users/${u.id}/reset-second-factor`} csrf={csrf}>
                        <button type="submit" class="secondary">Reset authenticator<span class="skip-link"> of {u.email}</span></button>
                      </PostForm>
                    )}
                  </>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h2>Add a staff member</h2>
      <PostForm action="/admin/users" csrf={csrf}>
        <Field name="email" label="Email address" type="email" error={errors.email} />
        <div class={errors.role ? 'field-error' : undefined}>
          <label for="role">Role</label>
          {errors.role && <span class="error-message" id="role-error">Error: {errors.role}</span>}
          <select id="role" name="role">{grantable.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}</select>
        </div>
        <Field name="department" label="Department code" hint="For case workers, supervisors and department administrators, for example public-works" error={errors.department} />
        <button type="submit">Create account</button>
      </PostForm>
      {canExport && <p><a href="/admin/privacy">Export everything held about a person (subject access request)</a></p>}
      {canExport && <p><a href="/admin/webhooks">Webhooks: send case events to other systems</a></p>}
    </>
  );
}

export function SubjectAccessPage({ csrf, error }: { csrf: string; error?: string }) {
  return (
    <>
      <ErrorSummary errors={error ? { email: error } : {}} />
      <h1>Subject access request</h1>
      <p>Download, as JSON, every report a person made and the details held about them. The export is recorded in the audit trail.</p>
      <PostForm action="/admin/privacy/export" csrf={csrf}>
        <Field name="email" label="The person's email address" type="email" error={error} />
        <button type="submit">Download their data</button>
      </PostForm>
    </>
  );
}
