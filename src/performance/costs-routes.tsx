/**
 * Settings: what a transaction costs on each channel, for the published cost per transaction.
 * System administrators only; every change is audited (costs.ts). English, as the other
 * administration pages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';
import { PostForm, type FieldErrors } from '../web/forms.js';
import { actorOf, csrfOf, field, settingsPage, systemAdminOnly, TextField } from '../settings/common.js';
import { channelCosts, costChannels, parseCosts, saveChannelCosts, type CostChannel } from './costs.js';
import { publishedFigures } from './figures.js';

const COSTS_PATH = '/admin/settings/performance';
const channelNames: Record<CostChannel, string> = { web: 'Website', api: 'Apps and other systems (API)', phone: 'Phone', email: 'Email', counter: 'At a counter, in person' };

export async function performanceCostRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const jurisdictionId = config.jurisdiction.id;
  const show = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldErrors = {}) => settingsPage(request, reply, {
    title: 'Costs per transaction', errors, back: { href: '/admin/settings', label: 'Settings' },
    body: (
      <>
        <h1>Costs per transaction</h1>
        {field(request.query, 'saved') && <div class="notice" role="status"><p>Saved. The performance page shows the new costs within a few minutes.</p></div>}
        <p>What dealing with one report costs the council on each channel, on average. The public performance page
          (<a href="/performance">How we are doing</a>) publishes the cost per transaction worked out from these and the number of
          reports on each channel. Leave a channel empty if you do not know its cost: the page then says the costs are not published.</p>
        <PostForm action={COSTS_PATH} csrf={csrfOf(request, reply)}>
          <TextField name="currency" label="Currency" hint="Its three-letter code, for example GBP, EUR or USD." value={values.currency} error={errors.currency} />
          {costChannels.map((channel) => (
            <TextField key={channel} name={channel} label={channelNames[channel]} hint="The cost of one report, for example 4.50." value={values[channel]} error={errors[channel]} />
          ))}
          <button type="submit">Save costs</button>
        </PostForm>
      </>
    ),
  });

  app.get(COSTS_PATH, { config: systemAdminOnly, schema: { hide: true } }, async (request, reply) => {
    const current = await channelCosts(db, jurisdictionId);
    const values: Record<string, string> = { currency: current.currency };
    for (const channel of costChannels) {
      const minor = current.costs[channel];
      values[channel] = minor === undefined ? '' : (minor / 100).toFixed(2);
    }
    return show(request, reply, values);
  });

  app.post(COSTS_PATH, { config: systemAdminOnly, schema: { hide: true } }, async (request, reply) => {
    const values: Record<string, string> = { currency: field(request.body, 'currency') };
    for (const channel of costChannels) values[channel] = field(request.body, channel);
    const parsed = parseCosts(values);
    if (!parsed.ok) return show(request, reply, values, parsed.errors);
    await saveChannelCosts(db, jurisdictionId, parsed, actorOf(request));
    // This process shows the new costs at once; others within the figures' few minutes.
    publishedFigures.clear();
    return reply.redirect(`${COSTS_PATH}?saved=1`, 303);
  });
}
