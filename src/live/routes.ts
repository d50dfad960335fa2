/** CONTRACT STUB: replaced by its owner. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';

export async function liveRoutes(_app: FastifyInstance, _deps: RouteDeps): Promise<void> {}
