/**
 * /staff/insights: the staff analytics page, and each of its tables as CSV
 * (/staff/insights/<figure>.csv with the same filters). Analysts and system administrators see
 * every department's figures; supervisors and department administrators their own department's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signedIn } from '../identity/access.js';
import { insightsRoles } from '../identity/policy.js';
import { translate } from '../i18n/i18n.js';
import { csvDocument } from '../platform/csv.js';
import type { RouteDeps } from '../platform/deps.js';
import { todayInZone } from '../platform/time.js';
import { renderPage } from '../web/page.js';
import { parseFilters, type Filters, type Problem } from './filters.js';
import { dashboard, resolveScope, type Scope } from './insights.js';
import { figureIds, type FigureId } from './tables.js';
import { InsightsPage, InsightsProblemPage } from './views.js';

const access = { access: signedIn(insightsRoles) };
const hidden = { hide: true };

export async function insightsRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  /** The filters and the scope, or the answer that says what is wrong with them. */
  const prepare = async (request: FastifyRequest): Promise<{ filters: Filters; scope: Scope } | { status: 400 | 403; problems: Problem[] }> => {
    const tr = translate(request);
    const parsed = parseFilters(request.query, todayInZone(config.jurisdiction.timeZone), { from: tr.t('insights.from'), to: tr.t('insights.to') });
    if ('problems' in parsed) return { status: 400, problems: parsed.problems };
    const resolved = await resolveScope(db, config, request.person!, parsed.filters, tr);
    if ('problems' in resolved) return resolved;
    return { filters: parsed.filters, scope: resolved.scope };
  };
  const describe = (request: FastifyRequest) => (p: Problem) => translate(request).t(p.key, p.values);

  app.get('/staff/insights', { config: access, schema: hidden }, async (request, reply) => {
    const tr = translate(request);
    const prepared = await prepare(request);
    if ('problems' in prepared) {
      return renderPage(request, reply, { title: tr.t('insights.errorTitle'), status: prepared.status, staffLayout: true, body: <InsightsProblemPage problems={prepared.problems} describe={describe(request)} /> });
    }
    const { filters, scope } = prepared;
    const { tables, refreshedAt } = await dashboard(db, scope, filters, tr);
    return renderPage(request, reply, {
      title: tr.t('insights.title'), wide: true, staffLayout: true,
      body: <InsightsPage view={{ filters, scope, tables, refreshedAt, timeZone: config.jurisdiction.timeZone }} />,
    });
  });

  const csv = async (figure: FigureId, request: FastifyRequest, reply: FastifyReply) => {
    const tr = translate(request);
    const prepared = await prepare(request);
    if ('problems' in prepared) {
      return reply.code(prepared.status).header('content-type', 'text/plain; charset=utf-8').send(`${prepared.problems.map(describe(request)).join('\n')}\n`);
    }
    const { filters, scope } = prepared;
    const [table] = (await dashboard(db, scope, filters, tr, figure)).tables;
    const rows: Array<Array<string | number>> = [
      [tr.t('insights.periodStart'), tr.t('insights.periodEnd'), ...table!.columns],
      ...table!.rows.map((r) => [r.from, r.to, ...r.values.map((v) => v ?? '')]),
    ];
    return reply.header('content-type', 'text/csv; charset=utf-8').header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${figure}-${filters.from}-${filters.to}.csv"`)
      .send(csvDocument(rows));
  };
  for (const figure of figureIds) {
    app.get(`/staff/insights/${figure}.csv`, { config: access, schema: hidden }, (request, reply) => csv(figure, request, reply));
  }
}
