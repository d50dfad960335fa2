/** The shapes of a case as the rest of Townhall sees it. A service request is the first kind. */
import type { Bounds } from '../config.js';
import type { Keyring } from '../platform/crypto.js';

/** Which kind of case a row is: a resident's report, or an application for a permit or licence (which need not have a place). */
export type CaseKind = 'service_request' | 'application' | 'incident';

/** How a request reached the council. */
export const channels = ['web', 'api', 'phone', 'counter'] as const;
export type Channel = (typeof channels)[number];

export type PublicStatus = 'open' | 'closed';

/** Attribute answers as given: one string per code, or several for a multivaluelist. */
export type AttributeAnswers = Record<string, string | string[]>;

/** The reporter's contact details: kept apart from the public record, never published. */
export interface ReporterContact {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  deviceId?: string | null;
  accountId?: string | null;
}

export interface Jurisdiction {
  id: string;
  bounds: Bounds;
  /** IANA time zone: the working day of departments without a calendar of their own (default UTC). */
  timeZone?: string;
}

/** What submitting a case needs besides the case: where, and the keys that seal personal data. */
export interface SubmissionContext {
  jurisdiction: Jurisdiction;
  keyring: Keyring;
}

export interface Actor {
  /** "api_key:3", "cli", "seed", "user:42". */
  id: string;
  apiKeyId?: number;
}

export interface ServiceRequest {
  id: string;
  serviceCode: string;
  serviceName: string;
  description: string | null;
  lat: number | null;
  long: number | null;
  addressString: string | null;
  addressId: string | null;
  zipcode: string | null;
  attributes: AttributeAnswers;
  mediaUrls: string[];
  status: PublicStatus;
  state: string;
  statusNotes: string | null;
  agencyResponsible: string | null;
  serviceNotice: string | null;
  channel: Channel;
  token: string;
  requestedAt: string;
  updatedAt: string;
  expectedAt: string | null;
  closedAt: string | null;
}

/** A new case as its channel gives it (the channel itself is submitCase's first argument). */
export interface NewCase {
  /** Default 'service_request'. */
  kind?: CaseKind;
  serviceCode: string;
  description?: string | null;
  lat?: number | null;
  long?: number | null;
  addressString?: string | null;
  addressId?: string | null;
  zipcode?: string | null;
  attributes: AttributeAnswers;
  mediaUrls: string[];
  contact: ReporterContact;
}
