/** The service page's section on client mode: forward its new cases to an outside Open311 back office. */
import type { ServiceForwarding } from '../catalogue/forwarding.js';
import { PostForm, type FieldErrors } from '../web/forms.js';
import { Checkbox, TextField } from './common.js';
import { serviceUrl } from './services-views.js';

export interface ForwardingFormValues {
  backOffice: string;
  endpointUrl: string;
  remoteJurisdictionId: string;
  remoteServiceCode: string;
  clearApiKey: boolean;
}

export const forwardingValuesOf = (f: ServiceForwarding | null): ForwardingFormValues => ({
  backOffice: f?.backOffice ?? '', endpointUrl: f?.endpointUrl ?? '', remoteJurisdictionId: f?.remoteJurisdictionId ?? '',
  remoteServiceCode: f?.remoteServiceCode ?? '', clearApiKey: false,
});

export const forwardingUrl = (code: string) => `${serviceUrl(code)}/forwarding`;

export function ForwardingForm({ serviceCode, current, values, errors, csrf }: { serviceCode: string; current: ServiceForwarding | null; values: ForwardingFormValues; errors: FieldErrors; csrf: string }) {
  return (
    <section aria-labelledby="forwarding">
      <h2 id="forwarding">Back office</h2>
      {current
        ? <p>New cases of this service are sent to <strong>{current.backOffice}</strong> (<code>{current.endpointUrl}</code>) as its service <code>{current.remoteServiceCode}</code>. Its updates are fetched back into each case.</p>
        : <p>Townhall works this service's cases itself. To have an outside system that speaks Open311 GeoReport v2 work them instead, fill in its details: each new case is sent to it, and its status changes and public comments are brought back into the case.</p>}
      <PostForm action={forwardingUrl(serviceCode)} csrf={csrf}>
        <TextField name="backOffice" label="Back office name" hint="As staff know it, for example: Highways contractor." value={values.backOffice} error={errors.backOffice} />
        <TextField name="endpointUrl" label="Open311 address" hint="The GeoReport v2 address, up to but not including /requests.json. It usually ends in /open311/v2." value={values.endpointUrl} error={errors.endpointUrl} />
        <TextField name="remoteJurisdictionId" label="jurisdiction_id (optional)" hint="Only if the back office asks for one." value={values.remoteJurisdictionId} error={errors.remoteJurisdictionId} />
        <TextField name="remoteServiceCode" label="The back office's service_code" hint="Its code for this service, from its services list." value={values.remoteServiceCode} error={errors.remoteServiceCode} />
        <ApiKeyField saved={Boolean(current?.apiKeySealed)} error={errors.apiKey} />
        {current?.apiKeySealed && <Checkbox name="clearApiKey" label="Remove the saved API key" checked={values.clearApiKey} />}
        <div class="button-group">
          <button type="submit" name="_action" value="save">{current ? 'Save back office' : 'Send new cases to this back office'}</button>
          {current && <button type="submit" name="_action" value="stop" class="secondary">Stop sending new cases</button>}
        </div>
      </PostForm>
    </section>
  );
}

/** The key is written, never shown: a password field that browsers do not fill with the administrator's own password. */
function ApiKeyField({ saved, error }: { saved: boolean; error?: string }) {
  const hint = saved ? 'A key is saved (it is kept sealed and never shown). Leave empty to keep it.' : 'The key the back office gave for sending requests. Leave empty if it needs none.';
  return (
    <div class={error ? 'field-error' : undefined}>
      <label for="apiKey">API key</label>
      <span class="hint" id="apiKey-hint">{hint}</span>
      {error && <span class="error-message" id="apiKey-error">Error: {error}</span>}
      <input id="apiKey" name="apiKey" type="password" value="" autocomplete="new-password" aria-describedby={error ? 'apiKey-hint apiKey-error' : 'apiKey-hint'} aria-invalid={error ? 'true' : undefined} spellcheck={false} />
    </div>
  );
}
