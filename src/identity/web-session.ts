/**
 * Sessions in the browser: who is behind each request (from the session cookie), starting a
 * session at sign-in with a fresh id (so a planted id is useless), and ending it at sign-out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { cookieName, readCookie, setCookie } from '../platform/cookies.js';
import '../web/page.js';
import type { Person } from './person.js';
import { isStaff, type Role } from './roles.js';
import { endSession, findSession, limitsFor, startSession } from './sessions.js';

export type SignInMethod = 'password' | 'email_link' | 'oidc';

const sessionCookie = (secure: boolean) => cookieName('townhall_session', secure);
/** Served over https (see web/page.ts `site`): cookies are then Secure and __Host- prefixed. */
const isSecure = (request: FastifyRequest) => request.server.site.secure;

/** Finds the person behind each request before any access rule runs. */
export function identifyPeople(app: FastifyInstance, options: { db: DB; secure: boolean }): void {
  app.decorateRequest('person', null);
  // Callback style, and nothing at all for requests without a session cookie (API clients).
  app.addHook('onRequest', (request, _reply, done) => {
    const token = readCookie(request, sessionCookie(options.secure));
    if (!token) {
      done();
      return;
    }
    findSession(options.db, token).then((session) => {
      if (session) {
        request.person = {
          userId: session.userId, role: session.role, department: session.department,
          secondFactorDone: !isStaff(session.role) || session.secondFactor, csrfToken: session.csrfToken, sessionToken: token,
        } satisfies Person;
      }
      done();
    }, (error: Error) => done(error));
  });
}

/** Where a person lands after signing in. */
export const homeFor = (role: Role): string => (isStaff(role) ? '/staff' : '/account');

/** Replaces whatever session the request carries by a new one for this person, and records the sign-in. */
export async function beginSession(db: DB, request: FastifyRequest, reply: FastifyReply, user: { id: number; role: Role }, how: { method: SignInMethod; secondFactor: boolean }): Promise<void> {
  const previous = request.person?.sessionToken ?? readCookie(request, sessionCookie(isSecure(request)));
  const started = await db.transaction().execute(async (trx) => {
    if (previous) await endSession(trx, previous);
    const session = await startSession(trx, user.id, { limits: limitsFor(user.role), device: describeDevice(request.headers['user-agent']), secondFactor: how.secondFactor });
    await appendAudit(trx, {
      actor: `user:${user.id}`, action: how.secondFactor || !isStaff(user.role) ? 'user.signed_in' : 'user.password_accepted',
      entityType: 'user', entityId: String(user.id), after: { method: how.method, second_factor: how.secondFactor, address: request.ip },
    });
    return session;
  });
  setSessionCookie(request, reply, started.token);
  request.person = {
    userId: user.id, role: user.role, department: request.person?.department ?? null,
    secondFactorDone: !isStaff(user.role) || how.secondFactor, csrfToken: started.session.csrfToken, sessionToken: started.token,
  };
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = isSecure(request);
  setCookie(reply, sessionCookie(secure), token, { secure });
}

export async function endCurrentSession(db: DB, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const person = request.person;
  if (person) {
    await db.transaction().execute(async (trx) => {
      await endSession(trx, person.sessionToken);
      await appendAudit(trx, { actor: `user:${person.userId}`, action: 'user.signed_out', entityType: 'user', entityId: String(person.userId) });
    });
  }
  const secure = isSecure(request);
  setCookie(reply, sessionCookie(secure), '', { secure, maxAge: 0 });
  request.person = null;
}

export const isHttps = isSecure;

/** "Firefox on Windows": enough for a person to recognise their own sessions. */
export function describeDevice(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari' : 'A browser';
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows'
    : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : 'an unknown system';
  return `${browser} on ${system}`;
}
