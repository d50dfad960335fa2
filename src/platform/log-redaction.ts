/**
 * Request logs keep the path but never a secret from the query string: one-time link tokens,
 * OIDC codes and states, API keys (Open311 clients send them as parameters), feedback link keys.
 */
const SECRET_PARAMS = /([?&](?:token|code|state|api_key|session_state|key|_csrf)=)[^&#]*/gi;

export const redactUrl = (url: string): string => url.replace(SECRET_PARAMS, '$1[redacted]');

/** pino serializer for Fastify's request log lines. */
export function requestSerializer(request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}
