/**
 * The public shape of a service request in open data: the one place that decides which of a
 * case's fields leave the server in a download or through the CKAN datastore API. Two column
 * profiles: Townhall's own (snake_case, like Open311), and one compatible with the NYC 311
 * Service Requests dataset, so tools written for it read Townhall's data unchanged.
 * Reporters, their answers to a service's questions, staff answers and photos are never here;
 * free text is withheld or screened, and coordinates rounded, as the council chose.
 */
import { formatInZone } from '../platform/time.js';
import { screenText } from './screen.js';
import type { OpenDataSettings } from './settings.js';
import type { PublicCaseRow } from './store.js';

export type Profile = 'townhall' | 'nyc311';
export type FieldType = 'int' | 'text' | 'numeric' | 'timestamp';
export type Value = string | number | null;
export type OpenRecord = Record<string, Value>;

export interface Column { id: string; type: FieldType; description: string }

export const townhallColumns: readonly Column[] = [
  { id: 'service_request_id', type: 'int', description: 'The request\'s number, as the Open311 API and the tracking page give it' },
  { id: 'service_code', type: 'text', description: 'The service\'s code' },
  { id: 'service_name', type: 'text', description: 'The service\'s name' },
  { id: 'status', type: 'text', description: 'open or closed' },
  { id: 'state', type: 'text', description: 'Where the request is in its workflow (submitted, investigating, fixed...)' },
  { id: 'department', type: 'text', description: 'The department working it' },
  { id: 'requested_datetime', type: 'timestamp', description: 'When it was reported (UTC)' },
  { id: 'updated_datetime', type: 'timestamp', description: 'When it last changed (UTC)' },
  { id: 'closed_datetime', type: 'timestamp', description: 'When it was closed (UTC); empty while open' },
  { id: 'expected_datetime', type: 'timestamp', description: 'When the council expects to deal with it (UTC)' },
  { id: 'address', type: 'text', description: 'Where it is, as reported' },
  { id: 'zipcode', type: 'text', description: 'Postal code' },
  { id: 'lat', type: 'numeric', description: 'Latitude (WGS 84), rounded as the council chose' },
  { id: 'long', type: 'numeric', description: 'Longitude (WGS 84), rounded as the council chose' },
  { id: 'channel', type: 'text', description: 'How it was reported (online, phone, api, counter, email)' },
  { id: 'description', type: 'text', description: 'What the reporter wrote, screened or withheld as the council chose' },
  { id: 'status_notes', type: 'text', description: 'The council\'s latest public note, screened or withheld as the council chose' },
];

/** The NYC 311 Service Requests dataset's column names, for the ones Townhall has a value for. */
export const nyc311Columns: readonly Column[] = [
  { id: 'Unique Key', type: 'int', description: 'The request\'s number' },
  { id: 'Created Date', type: 'timestamp', description: 'When it was reported (local time)' },
  { id: 'Closed Date', type: 'timestamp', description: 'When it was closed (local time)' },
  { id: 'Agency', type: 'text', description: 'The department\'s code' },
  { id: 'Agency Name', type: 'text', description: 'The department\'s name' },
  { id: 'Complaint Type', type: 'text', description: 'The service\'s name' },
  { id: 'Descriptor', type: 'text', description: 'The service\'s code' },
  { id: 'Incident Zip', type: 'text', description: 'Postal code' },
  { id: 'Incident Address', type: 'text', description: 'Where it is, as reported' },
  { id: 'Status', type: 'text', description: 'Open, In Progress or Closed' },
  { id: 'Due Date', type: 'timestamp', description: 'When the council expects to deal with it (local time)' },
  { id: 'Resolution Description', type: 'text', description: 'The council\'s latest public note, screened or withheld' },
  { id: 'Resolution Action Updated Date', type: 'timestamp', description: 'When it last changed (local time)' },
  { id: 'Open Data Channel Type', type: 'text', description: 'ONLINE, PHONE, MOBILE or OTHER' },
  { id: 'Latitude', type: 'numeric', description: 'Latitude (WGS 84)' },
  { id: 'Longitude', type: 'numeric', description: 'Longitude (WGS 84)' },
  { id: 'Location', type: 'text', description: '(Latitude, Longitude)' },
];

export const columnsOf = (profile: Profile) => (profile === 'nyc311' ? nyc311Columns : townhallColumns);

export interface Presenter {
  /** The public record of one case, its fields in the profile's column order. */
  record(row: PublicCaseRow): OpenRecord;
  /** The point, rounded, or null. */
  point(row: PublicCaseRow): [number, number] | null;
}

const channelTypes: Record<string, string> = { online: 'ONLINE', web: 'ONLINE', offline: 'ONLINE', phone: 'PHONE', api: 'MOBILE', open311: 'MOBILE' };

export function presenter(profile: Profile, settings: Pick<OpenDataSettings, 'freeText' | 'coordinateDecimals'>, serviceNames: ReadonlyMap<string, string>, timeZone: string): Presenter {
  const factor = settings.coordinateDecimals === null ? null : 10 ** settings.coordinateDecimals;
  const round = (value: number | null): number | null => (value === null || factor === null ? value : Math.round(value * factor) / factor);
  const text = settings.freeText === 'screen' ? screenText : () => null;
  // NYC's SODA API gives "floating" local times without a zone, to the second.
  const local = (iso: string | null) => (iso === null ? null : formatInZone(iso, timeZone).slice(0, 19));
  const point = (row: PublicCaseRow): [number, number] | null => (row.lat === null || row.long === null ? null : [round(row.long)!, round(row.lat)!]);

  if (profile === 'nyc311') {
    return {
      point,
      record(row) {
        const p = point(row);
        return {
          'Unique Key': row.id,
          'Created Date': local(row.requested_at),
          'Closed Date': local(row.closed_at),
          'Agency': row.department_code === null ? null : row.department_code.toUpperCase(),
          'Agency Name': row.department_name,
          'Complaint Type': serviceNames.get(row.service_code) ?? row.service_code,
          'Descriptor': row.service_code,
          'Incident Zip': row.zipcode,
          'Incident Address': row.address_string,
          'Status': row.status === 'closed' ? 'Closed' : row.state === 'submitted' ? 'Open' : 'In Progress',
          'Due Date': local(row.expected_at),
          'Resolution Description': text(row.status_notes),
          'Resolution Action Updated Date': local(row.updated_at),
          'Open Data Channel Type': channelTypes[row.channel] ?? 'OTHER',
          'Latitude': p ? p[1] : null,
          'Longitude': p ? p[0] : null,
          'Location': p ? `(${p[1]}, ${p[0]})` : null,
        };
      },
    };
  }
  return {
    point,
    record(row) {
      const p = point(row);
      return {
        service_request_id: row.id,
        service_code: row.service_code,
        service_name: serviceNames.get(row.service_code) ?? row.service_code,
        status: row.status,
        state: row.state,
        department: row.department_name,
        requested_datetime: row.requested_at,
        updated_datetime: row.updated_at,
        closed_datetime: row.closed_at,
        expected_datetime: row.expected_at,
        address: row.address_string,
        zipcode: row.zipcode,
        lat: p ? p[1] : null,
        long: p ? p[0] : null,
        channel: row.channel,
        description: text(row.description),
        status_notes: text(row.status_notes),
      };
    },
  };
}
