/**
 * The request a piece of work is done for, available wherever it runs (an audit entry deep in a
 * domain function included) without threading it through every call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';

export interface RequestContext {
  requestId: string;
  /** The client's address (behind a trusted proxy, the one it reports). */
  address: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const currentRequest = (): RequestContext | undefined => storage.getStore();

export function trackRequests(app: FastifyInstance): void {
  // Everything after this hook (later hooks, the handler) runs inside the stored context.
  app.addHook('onRequest', (request, _reply, done) => {
    storage.run({ requestId: request.id, address: request.ip }, done);
  });
}
