/**
 * Settings: open data (/admin/settings/open-data), for system administrators. The licence, the
 * publisher and contact in the catalogue, how often the data changes, its coverage, whether free
 * text is withheld or screened, and how far locations are rounded. Audited (settings.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';
import { PostForm, type FieldErrors } from '../web/forms.js';
import { actorOf, attempt, csrfOf, field, Select, settingsPage, systemAdminOnly, TextField } from '../settings/common.js';
import { checkSettings, frequencies, getOpenDataSettings, licences, saveOpenDataSettings, type FreeText, type OpenDataSettings } from './settings.js';

const hidden = { hide: true };
const PATH = '/admin/settings/open-data';

interface FormValues { licence: string; publisher: string; contactName: string; contactEmail: string; frequency: string; spatial: string; temporalFrom: string; freeText: string; coordinateDecimals: string }

const toForm = (s: OpenDataSettings): FormValues => ({
  licence: s.licence, publisher: s.publisher, contactName: s.contactName, contactEmail: s.contactEmail, frequency: s.frequency,
  spatial: s.spatial, temporalFrom: s.temporalFrom, freeText: s.freeText, coordinateDecimals: s.coordinateDecimals === null ? '' : String(s.coordinateDecimals),
});

export async function openDataSettingsRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const show = (request: FastifyRequest, reply: FastifyReply, values: FormValues, errors: FieldErrors = {}, status?: number) => settingsPage(request, reply, {
    title: 'Open data', errors, status, back: { href: '/admin/settings', label: 'Settings' },
    body: (
      <>
        <h1>Open data</h1>
        {field(request.query, 'saved') && <div class="notice" role="status"><p>Saved. The open data pages, downloads and catalogues use these settings now.</p></div>}
        <p>What the council publishes at <a href="/open-data">/open-data</a>, in the catalogues (<a href="/data.json">data.json</a>, <a href="/catalog.jsonld">DCAT-AP</a>) and through the CKAN API.
          Names, contact details and photos of the people who report problems are never published, whatever you choose here.</p>
        <PostForm action={PATH} csrf={csrfOf(request, reply)}>
          <Select name="freeText" label="What people wrote (descriptions and status notes)" value={values.freeText} error={errors.freeText}
            hint="Screening removes email addresses, web addresses and phone numbers, but cannot catch everything (a name, for example). Withhold it if that risk is too high."
            options={[['withhold', 'Withhold: leave it out'], ['screen', 'Screen: publish it with contact details removed']]} />
          <Select name="coordinateDecimals" label="Round locations" value={values.coordinateDecimals} error={errors.coordinateDecimals}
            hint="Rounding makes it harder to link a report to a home. 3 decimal places is about 110 metres; 4 about 11 metres."
            options={[['', 'Do not round'], ...[0, 1, 2, 3, 4, 5, 6].map((n): [string, string] => [String(n), `${n} decimal place${n === 1 ? '' : 's'}`])]} />
          <Select name="licence" label="Licence" value={values.licence} error={errors.licence} options={licences.map((l): [string, string] => [l.id, l.title])} />
          <TextField name="publisher" label="Publisher" hint="The organisation named as the data's publisher." value={values.publisher} error={errors.publisher} />
          <TextField name="contactName" label="Contact" hint="Who people should contact about the data: a team, not a person." value={values.contactName} error={errors.contactName} />
          <TextField name="contactEmail" label="Contact email address (optional)" hint="A shared mailbox, for example opendata@council.example." value={values.contactEmail} error={errors.contactEmail} />
          <Select name="frequency" label="How often the data is updated" value={values.frequency} error={errors.frequency} options={frequencies.map((f): [string, string] => [f.id, f.label])} />
          <TextField name="spatial" label="Area covered" hint="A place name, or a bounding box as west,south,east,north (longitude and latitude)." value={values.spatial} error={errors.spatial} />
          <TextField name="temporalFrom" label="Covered from (optional)" hint="The first day the data covers, for example 2025-01-31. Leave it empty to use the first report's date." value={values.temporalFrom} error={errors.temporalFrom} />
          <button type="submit">Save open data settings</button>
        </PostForm>
      </>
    ),
  });

  app.get(PATH, { config: systemAdminOnly, schema: hidden }, async (request, reply) => show(request, reply, toForm(await getOpenDataSettings(db, config))));

  app.post(PATH, { config: systemAdminOnly, schema: hidden }, async (request, reply) => {
    const body = request.body;
    const values: FormValues = {
      licence: field(body, 'licence'), publisher: field(body, 'publisher'), contactName: field(body, 'contactName'), contactEmail: field(body, 'contactEmail'),
      frequency: field(body, 'frequency'), spatial: field(body, 'spatial'), temporalFrom: field(body, 'temporalFrom'), freeText: field(body, 'freeText'),
      coordinateDecimals: field(body, 'coordinateDecimals'),
    };
    const decimals = values.coordinateDecimals === '' ? null : /^\d$/.test(values.coordinateDecimals) ? Number(values.coordinateDecimals) : -1;
    const settings = { ...values, coordinateDecimals: decimals, freeText: values.freeText as FreeText } as OpenDataSettings;
    const errors: FieldErrors = {};
    for (const [key, problem] of checkSettings(settings)) errors[key] ??= problem;
    if (Object.keys(errors).length > 0) return show(request, reply, values, errors);
    const saved = await attempt(() => saveOpenDataSettings(db, config, settings, actorOf(request)), 'publisher');
    if (!saved.ok) return show(request, reply, values, saved.errors, saved.status);
    return reply.redirect(`${PATH}?saved=1`, 303);
  });
}
