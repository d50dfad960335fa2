/**
 * Domain errors: thrown by domain functions, turned into HTTP answers in one place (app.ts),
 * each with a message a person can act on.
 */
export type ErrorKind = 'invalid' | 'not_found' | 'forbidden' | 'conflict' | 'unauthenticated' | 'too_large';

export class DomainError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    message: string,
    /** Extra problems when several fields are wrong at once. */
    public readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string, problems?: string[]) => new DomainError('invalid', message, problems);
export const notFound = (message: string) => new DomainError('not_found', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const conflict = (message: string) => new DomainError('conflict', message);

export const httpStatusOf: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
};
