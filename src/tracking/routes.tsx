import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../platform/deps.js';

// To be built (resident portal).
export async function trackingRoutes(_app: FastifyInstance, _deps: RouteDeps): Promise<void> {}
