/** A per-client-address limit per minute for @fastify/rate-limit route config; 0 means no limit. */
export const perMinute = (max: number) => (max > 0 ? { max, timeWindow: 60_000 } : (false as const));
