/**
 * The public shape of Townhall's records in Open311 GeoReport v2, in JSON and XML. This is the
 * one place that decides what leaves the server through the API: reporters' contact details
 * are never part of it.
 */
import { residentAttributes, type Service } from '../catalogue/types.js';
import type { AppliedUpdate } from '../cases/outside-updates.js';
import type { ServiceRequest } from '../cases/types.js';
import { formatInZone } from '../platform/time.js';
import { el, xmlDocument, type XmlElement } from '../platform/xml.js';

export type Format = 'json' | 'xml';
type Row = Record<string, string | number | boolean | null | Array<Record<string, unknown>> | undefined>;

/** A list of records: JSON array, or XML root element with one child element per record. */
export function renderList(format: Format, root: string, item: string, rows: Row[]): string {
  if (format === 'json') return JSON.stringify(rows);
  return xmlDocument(el(root, rows.map((row) => el(item, toXml(row)))));
}

export function renderObject(format: Format, root: string, row: Row): string {
  if (format === 'json') return JSON.stringify(row);
  return xmlDocument(el(root, toXml(row)));
}

function toXml(row: Row): XmlElement[] {
  return Object.entries(row).map(([name, value]) => {
    if (Array.isArray(value)) return el(name, value.map((child) => el(singular(name), toXml(child as Row))));
    return el(name, value === undefined ? null : value);
  });
}

const singular = (name: string) => (name.endsWith('s') ? name.slice(0, -1) : name);

export function serviceRow(service: Service): Row {
  return {
    service_code: service.code,
    service_name: service.name,
    description: service.description,
    // Staff-only questions are the council's own: no client sees or sets them.
    metadata: residentAttributes(service).length > 0,
    type: service.type,
    keywords: service.keywords.join(','),
    group: service.groupName,
  };
}

export function serviceDefinition(service: Service): Row {
  return {
    service_code: service.code,
    attributes: residentAttributes(service).map((a) => ({
      variable: a.variable,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.helpText,
      order: a.order,
      description: a.description,
      values: a.values.map((v) => ({ key: v.key, name: v.name })),
    })),
  };
}

export function requestRow(request: ServiceRequest, timeZone: string): Row {
  const time = (iso: string | null) => (iso === null ? null : formatInZone(iso, timeZone));
  return {
    service_request_id: request.id,
    status: request.status,
    status_notes: request.statusNotes,
    service_name: request.serviceName,
    service_code: request.serviceCode,
    description: request.description,
    agency_responsible: request.agencyResponsible,
    service_notice: request.serviceNotice,
    requested_datetime: time(request.requestedAt),
    updated_datetime: time(request.updatedAt),
    expected_datetime: time(request.expectedAt),
    address: request.addressString,
    address_id: request.addressId,
    zipcode: request.zipcode,
    lat: request.lat,
    long: request.long,
    media_url: request.mediaUrls[0] ?? null,
  };
}

export function updateRow(update: AppliedUpdate, timeZone: string): Row {
  return {
    update_id: update.updateId,
    service_request_id: update.requestId,
    status: update.state ? update.state.toUpperCase() : update.status.toUpperCase(),
    updated_datetime: formatInZone(update.updatedAt, timeZone),
    description: update.description,
    media_url: update.mediaUrl,
  };
}

export function renderErrors(format: Format, status: number, messages: string[]): string {
  return renderList(format, 'errors', 'error', messages.map((description) => ({ code: status, description })));
}

export const contentType = (format: Format) => (format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8');
