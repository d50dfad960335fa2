/** The webhook pages for system administrators (English only, like the other administration pages). */
import { ErrorSummary, Field, PostForm, TableWrap, type FieldErrors } from '../web/forms.js';
import { webhookEventLabels, type DeliverySummary, type Subscription } from './subscriptions.js';

const when = (iso: string | null) => (iso ? <time dateTime={iso}>{iso.slice(0, 16).replace('T', ' ')} UTC</time> : '');
const listed = (values: string[]) => (values.length === 0 ? 'all' : values.join(', '));

export interface SubscriptionForm {
  name: string; url: string; eventTypes: string[]; caseKinds: string[]; serviceCodes: string; departmentCodes: string; contactEmail: string;
}

function Checks({ name, legend, hint, options, chosen, labels = {} }: { name: string; legend: string; hint: string; options: readonly string[]; chosen: string[]; labels?: Record<string, string> }) {
  return (
    <fieldset class="choices" aria-describedby={`${name}-hint`}>
      <legend>{legend}</legend>
      <span class="hint" id={`${name}-hint`}>{hint}</span>
      {options.map((option, index) => {
        const id = index === 0 ? name : `${name}-${index + 1}`;
        return (
          <div class="choice" key={option}>
            <input type="checkbox" id={id} name={name} value={option} checked={chosen.includes(option)} />
            <label for={id}>{labels[option] ?? option.replace(/_/g, ' ')}</label>
          </div>
        );
      })}
    </fieldset>
  );
}

export function WebhooksPage({ subscriptions, csrf, form, errors, eventTypes, caseKinds }: {
  subscriptions: Subscription[]; csrf: string; form: SubscriptionForm; errors: FieldErrors; eventTypes: readonly string[]; caseKinds: readonly string[];
}) {
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1>Webhooks</h1>
      <p>A webhook sends case events to another system as they happen: signed CloudEvents, tried again for a while when the system is down, then kept as dead letters you can send again. A webhook that keeps failing is turned off and its contact emailed.</p>
      {subscriptions.length === 0 ? <p>No webhooks yet.</p> : (
      <TableWrap label="Webhooks">
        <table>
          <caption>Webhooks</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">Failures in a row</th></tr></thead>
          <tbody>
            {subscriptions.map((s) => (
              <tr key={s.id}>
                <td><a href={`/admin/webhooks/${s.id}`}>{s.name}</a></td><td>{s.url}</td><td>{listed(s.eventTypes)}</td>
                <td>{s.status === 'active' ? 'On' : 'Off'}</td><td>{s.consecutiveFailures}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      )}
      <h2>Add a webhook</h2>
      <PostForm action="/admin/webhooks" csrf={csrf}>
        <Field name="name" label="Name" hint="Who receives the events, for example Highways contractor" value={form.name} error={errors.name} />
        <Field name="url" label="Address the events are sent to" hint="Starting with https://" value={form.url} error={errors.url} />
        <Checks name="eventTypes" legend="Events" hint="Leave all unticked to send every event." options={eventTypes} chosen={form.eventTypes} labels={webhookEventLabels} />
        <Checks name="caseKinds" legend="Kinds of case" hint="Leave all unticked for every kind." options={caseKinds} chosen={form.caseKinds} />
        <Field name="serviceCodes" label="Services (optional)" hint="Service codes separated by commas; empty for every service" value={form.serviceCodes} error={errors.serviceCodes} />
        <Field name="departmentCodes" label="Departments (optional)" hint="Department codes separated by commas; empty for every department" value={form.departmentCodes} error={errors.departmentCodes} />
        <Field name="contactEmail" label="Contact email (optional)" type="email" hint="Told when the webhook is turned off after failing; yours if empty" value={form.contactEmail} error={errors.contactEmail} />
        <button type="submit">Add webhook</button>
      </PostForm>
      <p><a href="/admin">Back to administration</a></p>
    </>
  );
}

export function WebhookCreatedPage({ subscription, secret }: { subscription: Subscription; secret: string }) {
  return (
    <>
      <div class="notice" role="status"><p>Webhook "{subscription.name}" was added.</p></div>
      <h1>Copy the signing secret now</h1>
      <p>Give this secret to the people who run the receiving system. It is shown only this once: Townhall keeps it sealed and cannot show it again.</p>
      <p><code class="secret">{secret}</code></p>
      <p>Each delivery carries the headers webhook-id, webhook-timestamp and webhook-signature ("v1," and the base64 HMAC-SHA256 of "id.timestamp.body" under the secret's bytes after "whsec_"), as the Standard Webhooks convention describes.</p>
      <p><a href={`/admin/webhooks/${subscription.id}`}>Go to the webhook</a></p>
    </>
  );
}

export function WebhookPage({ subscription, deliveries, csrf, notice, errors }: {
  subscription: Subscription; deliveries: DeliverySummary[]; csrf: string; notice: string | null; errors: FieldErrors;
}) {
  const s = subscription;
  return (
    <>
      {notice && <div class="notice" role="status"><p>{notice}</p></div>}
      <ErrorSummary errors={errors} />
      <h1>Webhook: {s.name}</h1>
      <dl>
        <dt>Address</dt><dd>{s.url}</dd>
        <dt>Status</dt><dd>{s.status === 'active' ? 'On' : `Off since ${s.disabledAt?.slice(0, 16).replace('T', ' ') ?? ''} UTC: ${s.disabledReason ?? ''}`}</dd>
        <dt>Events</dt><dd>{listed(s.eventTypes)}</dd>
        <dt>Kinds of case</dt><dd>{listed(s.caseKinds)}</dd>
        <dt>Services</dt><dd>{listed(s.serviceCodes)}</dd>
        <dt>Departments</dt><dd>{listed(s.departmentCodes)}</dd>
        <dt>Failed deliveries in a row</dt><dd>{s.consecutiveFailures}{s.failingSince ? <> (failing since {when(s.failingSince)})</> : null}</dd>
        <dt>Made by</dt><dd>{s.owner}</dd>
      </dl>
      <PostForm action={`/admin/webhooks/${s.id}/status`} csrf={csrf}>
        <input type="hidden" name="active" value={s.status === 'active' ? 'no' : 'yes'} />
        <button type="submit">{s.status === 'active' ? 'Turn off' : 'Turn back on'}</button>
      </PostForm>
      <h2>Send dead-lettered deliveries again</h2>
      <PostForm action={`/admin/webhooks/${s.id}/replay`} csrf={csrf}>
        <Field name="since" label="Dead-lettered since" hint="A time in UTC, for example 2026-05-01T09:00" value="" error={errors.since} />
        <button type="submit">Send again</button>
      </PostForm>
      <TableWrap label="Deliveries">
        <table>
          <caption>Latest deliveries, newest first</caption>
          <thead><tr><th scope="col">Delivery</th><th scope="col">Event</th><th scope="col">Case</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last response</th><th scope="col">Next try</th><th scope="col">Action</th></tr></thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td>{d.id}</td><td>{d.eventType.replace(/_/g, ' ')}</td><td><a href={`/staff/requests/${d.caseId}`}>{d.caseId}</a></td>
                <td>{d.status === 'dead' ? 'dead-lettered' : d.status}</td><td>{d.attempts}</td>
                <td>{d.lastResponseCode ?? (d.lastError ?? '')}</td><td>{d.status === 'failed' || d.status === 'queued' ? when(d.nextAttemptAt) : ''}</td>
                <td>{(d.status === 'failed' || d.status === 'dead') && s.status === 'active' ? (
                  <PostForm action={`/admin/webhooks/${s.id}/replay`} csrf={csrf}>
                    <input type="hidden" name="deliveryId" value={String(d.id)} />
                    <button type="submit">Send again<span class="visually-hidden"> delivery {d.id}</span></button>
                  </PostForm>
                ) : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {deliveries.length === 0 && <p>No deliveries yet.</p>}
      <p><a href="/admin/webhooks">Back to the webhooks</a></p>
    </>
  );
}
