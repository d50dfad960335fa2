/**
 * Checks a new case fully, every problem at once, in words a person can act on: the service,
 * the description, the place, photo addresses, contact details and the answers to the
 * service's questions.
 */
import { getServiceForReport } from '../catalogue/catalogue.js';
import type { Service } from '../catalogue/types.js';
import { withinBounds, type Bounds } from '../config.js';
import type { DB } from '../db/connection.js';
import { DomainError, invalid, notFound } from '../platform/errors.js';
import { checkAnswers } from './answers.js';
import type { AttributeAnswers, NewCase, ReporterContact } from './types.js';

export const MAX_DESCRIPTION = 4_000;
export const MAX_MEDIA_URLS = 5;

/** A new case as checked: its service, its description trimmed and its answers normalised. */
export interface CheckedCase {
  service: Service;
  description: string | null;
  answers: AttributeAnswers;
}

/**
 * Throws `invalid` listing every problem with the new case; returns what submitting it needs.
 * A case imported from the past keeps its place and its service as they were: neither the
 * council's area nor whether the service still takes reports is checked.
 */
export async function checkNewCase(db: DB, jurisdictionId: string, bounds: Bounds, input: NewCase, imported = false): Promise<CheckedCase> {
  // An incident's service is the council's internal one, never offered to the public (so never active).
  const service = await findServiceForReport(db, jurisdictionId, input.serviceCode, imported || input.kind === 'incident');
  const problems: string[] = [];
  const description = input.description?.trim() || null;
  if (description && [...description].length > MAX_DESCRIPTION) problems.push(`The description must be at most ${MAX_DESCRIPTION} characters; it has ${[...description].length}.`);
  // An application may have no place (a taxi driver's licence); where it gives one, it is checked.
  const placeGiven = (input.lat ?? null) !== null || (input.long ?? null) !== null || Boolean(input.addressString?.trim()) || Boolean(input.addressId?.trim());
  if (input.kind !== 'application' || placeGiven) problems.push(...checkLocation(input, imported ? null : bounds));
  problems.push(...checkMediaUrls(input.mediaUrls));
  problems.push(...checkContact(input.contact));
  const { answers, problems: answerProblems } = checkAnswers(service, input.attributes);
  problems.push(...answerProblems.map((p) => p.message));
  if (problems.length > 0) throw invalid(problems[0] as string, problems);
  return { service, description, answers };
}

async function findServiceForReport(db: DB, jurisdictionId: string, code: string, imported: boolean): Promise<Service> {
  let service: Service;
  try {
    service = await getServiceForReport(db, jurisdictionId, code);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') throw notFound(`There is no service with code "${code}". GET services lists the codes.`);
    throw error;
  }
  if (!service.active && !imported) throw invalid(`The service "${code}" no longer takes new reports.`);
  return service;
}

function checkLocation(input: NewCase, bounds: Bounds | null): string[] {
  const hasLat = input.lat !== undefined && input.lat !== null;
  const hasLong = input.long !== undefined && input.long !== null;
  if (hasLat !== hasLong) return ['Give both lat and long, or neither.'];
  if (!hasLat && !input.addressString?.trim() && !input.addressId?.trim()) {
    return ['Say where the problem is: give lat and long, an address_string or an address_id.'];
  }
  if (hasLat && hasLong) {
    const lat = input.lat as number;
    const long = input.long as number;
    if (!Number.isFinite(lat) || !Number.isFinite(long) || Math.abs(lat) > 90 || Math.abs(long) > 180) {
      return ['lat must be a number from -90 to 90 and long a number from -180 to 180 (WGS84 degrees).'];
    }
    if (bounds && !withinBounds(bounds, lat, long)) {
      return [`The location ${lat}, ${long} is outside the area this council covers (lat ${bounds.minLat} to ${bounds.maxLat}, long ${bounds.minLong} to ${bounds.maxLong}).`];
    }
  }
  const problems: string[] = [];
  if ((input.addressString?.length ?? 0) > 500) problems.push('address_string must be at most 500 characters.');
  if ((input.addressId?.length ?? 0) > 200) problems.push('address_id must be at most 200 characters.');
  if ((input.zipcode?.length ?? 0) > 20) problems.push('zipcode must be at most 20 characters.');
  return problems;
}

function checkMediaUrls(urls: string[]): string[] {
  if (urls.length > MAX_MEDIA_URLS) return [`At most ${MAX_MEDIA_URLS} media URLs can be attached.`];
  for (const url of urls) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch { /* reported below */ }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || url.length > 2000) {
      return [`media_url must be an http or https address of at most 2,000 characters; got "${url.slice(0, 100)}".`];
    }
  }
  return [];
}

function checkContact(contact: ReporterContact): string[] {
  const problems: string[] = [];
  if (contact.email && (contact.email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contact.email))) problems.push(`"${contact.email.slice(0, 100)}" is not an email address.`);
  if (contact.phone && !/^[+0-9 ().-]{3,30}$/.test(contact.phone)) problems.push('phone may contain only digits, spaces, brackets, dots, dashes and a leading +, at most 30 characters.');
  for (const [name, value] of [['first_name', contact.firstName], ['last_name', contact.lastName], ['device_id', contact.deviceId], ['account_id', contact.accountId]] as const) {
    if (value && value.length > 200) problems.push(`${name} must be at most 200 characters.`);
  }
  return problems;
}
