/**
 * Event streams for staff pages (server-sent events): GET /staff/events?topic=... where a topic
 * is "staff:case:<id>" (a case the person may view, in their workspace: the real jurisdiction or
 * training), "staff:department:<id>" (their own department, or any for roles that see all) or
 * "staff:all" (roles that see all departments). The page shows "this page has changed" on any
 * event (src/web/assets/staff-live.js); events carry no personal data.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { caseDepartments } from '../cases/queries.js';
import type { Person } from '../identity/person.js';
import { caseListScope, may, staffRoles } from '../identity/policy.js';
import { signedIn } from '../identity/access.js';
import type { RouteDeps } from '../platform/deps.js';
import { forbidden, invalid, notFound } from '../platform/errors.js';
import { topics as topicNames } from '../platform/events.js';
import { workspaceJurisdiction } from '../training/space.js';
import type { HubEvent } from './hub.js';
import { closeEventStreams, eventStreamsFor, lastEventIdOf, refusedStream } from './streams.js';

/** Most topics one stream may follow. */
export const MAX_TOPICS = 10;

/**
 * Staff events go out unnamed (the browser's plain "message"), so a page hears every kind, even
 * kinds added later; the kind and topic travel in the data.
 */
const asStaffEvent = (event: HubEvent) => `id: ${event.id}\ndata: {"kind":${JSON.stringify(event.kind)},"topic":${JSON.stringify(event.topic)},"data":${event.data}}\n\n`;
const reloadNotice = (position: number, tooOld: boolean) => (tooOld ? `id: ${position}\ndata: {"kind":"reload"}\n\n` : '');

export async function liveRoutes(app: FastifyInstance, { db, config }: RouteDeps): Promise<void> {
  const streams = eventStreamsFor(db);
  // End the streams before the server waits for its connections to close, or it would wait forever.
  app.addHook('preClose', (done) => {
    closeEventStreams(db);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    closeEventStreams(db);
    done();
  });

  const seesAll = (person: Person) => 'allDepartments' in caseListScope(person);

  /** Refuses a topic the person may not hear (403), or one that names nothing (404). */
  async function check(request: FastifyRequest, topic: string): Promise<void> {
    const person = request.person!;
    if (topic === topicNames.allStaff) {
      if (!seesAll(person)) throw forbidden('Only roles that see every department can follow all of them.');
      return;
    }
    const caseMatch = /^staff:case:(\d{1,15})$/.exec(topic);
    if (caseMatch) {
      // The department working the case (routing or a move may differ from the service's own), as the case page decides.
      const row = await caseDepartments(db, workspaceJurisdiction(request, config), Number(caseMatch[1]));
      if (!row) throw notFound(`There is no case ${caseMatch[1]}.`);
      if (!may(person, { action: 'case.view', record: { department: row.department_id !== null ? row.case_department ?? null : row.department_code ?? null } })) {
        throw forbidden('This case belongs to another department. Ask a supervisor if you need to work on it.');
      }
      return;
    }
    const departmentMatch = /^staff:department:(\d{1,15})$/.exec(topic);
    if (departmentMatch) {
      const department = await db.selectFrom('departments').select(['id', 'code']).where('id', '=', Number(departmentMatch[1])).executeTakeFirst();
      if (!department) throw notFound(`There is no department ${departmentMatch[1]}.`);
      if (!seesAll(person) && department.code !== person.department) throw forbidden('You can only follow your own department.');
      return;
    }
    throw invalid(`"${topic.slice(0, 60)}" is not a topic: use staff:case:<id>, staff:department:<id> or staff:all.`);
  }

  app.get('/staff/events', { config: { access: signedIn(staffRoles) }, schema: { hide: true } }, async (request, reply) => {
    const asked = (request.query as Record<string, unknown>).topic;
    const list = (Array.isArray(asked) ? asked : asked === undefined ? [] : [asked]).filter((t): t is string => typeof t === 'string' && t !== '');
    if (list.length === 0) throw invalid('Say which events to follow, e.g. ?topic=staff:case:42.');
    if (list.length > MAX_TOPICS) throw invalid(`Follow at most ${MAX_TOPICS} topics in one stream.`);
    for (const topic of list) await check(request, topic);
    if (refusedStream(streams, request, reply)) return reply;
    reply.hijack();
    await streams.open(request.raw, reply.raw, {
      topics: list, after: lastEventIdOf(request.raw), client: request.ip, format: asStaffEvent, first: reloadNotice,
    });
  });
}
