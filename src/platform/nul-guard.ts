/**
 * PostgreSQL cannot store the NUL character (U+0000) in text, and no person types one, so any
 * input that carries it is refused at the edge with a 400 rather than failing deep inside.
 */
import type { FastifyInstance } from 'fastify';
import { invalid } from './errors.js';

function carriesNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 5 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => carriesNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || carriesNul(item, depth + 1));
}

export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (carriesNul(request.params) || carriesNul(request.query) || carriesNul(request.body)) {
      done(invalid('The request contains a NUL character (U+0000), which text may not contain. Remove it and try again.'));
      return;
    }
    done();
  });
}
