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

/** A historic request for the demo seed: already resolved (or still open) at a time in the past. */
export interface HistoricRequest {
  serviceCode: string;
  description: string;
  lat: number;
  long: number;
  addressString: string | null;
  channel: Channel;
  attributes: AttributeAnswers;
  /** ISO 8601 UTC instants. */
  requestedAt: string;
  closedAt: string | null;
  /** Public note on the last update, e.g. "Graffiti removed". */
  statusNotes: string | null;
  agencyResponsible: string | null;
}
