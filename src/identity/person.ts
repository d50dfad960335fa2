/** The signed-in person behind a browser request, as every page and access rule sees them. */
import type { Role } from './roles.js';

export interface Person {
  userId: number;
  role: Role;
  /** The department whose cases they work (staff in case-working roles), by code. */
  department: string | null;
  /** Staff: the second factor was checked in this session. Residents: always true. */
  secondFactorDone: boolean;
  csrfToken: string;
  /** The cookie's token, to end or replace this session. */
  sessionToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set before access rules run; null for anyone not signed in. */
    person: Person | null;
  }
}
