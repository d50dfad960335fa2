/**
 * What each application service's licences are called, and what they permit, in a reader's
 * language: the form's own words (its licence name and "what it permits", translated where the
 * council has), else the catalogue's name of the service in that language. A licence keeps the
 * words it was issued with (they are signed into it); these are how the public register names it.
 */
import { listServices } from '../catalogue/catalogue.js';
import { localizeService } from '../catalogue/localize.js';
import type { DB } from '../db/connection.js';
import type { FormDefinition } from './definition.js';
import { localizeDefinition } from './localize.js';
import * as store from './store.js';

export interface LicenceWords {
  /** "Taxi driver licence", in the reader's language. */
  name: string;
  /** What the licence permits, in the reader's language; null when the form does not say. */
  permits: string | null;
  /** Texts that only repeat what the licence is (the form's titles and names in every language, its default words): not worth showing as what it permits. */
  sameAsName: Set<string>;
  /** The form's own "what it permits" in every language: a licence issued with one of them reads in the reader's. */
  formPermits: Set<string>;
}

/** The name a licence is issued under: the form's licence name, else the catalogue's service name. */
export const licenceNameOf = (definition: FormDefinition, serviceName: string): string => definition.licenceName ?? serviceName;

/** The words of every application service's licences in a language, by service code. */
export async function licenceWordsIn(db: DB, jurisdictionId: string, language: string): Promise<Map<string, LicenceWords>> {
  const services = new Map((await listServices(db, jurisdictionId, { includeInactive: true })).map((s) => [s.code, s]));
  const words = new Map<string, LicenceWords>();
  for (const row of await store.applicationServices(db, jurisdictionId)) {
    const definition = JSON.parse(row.definition) as FormDefinition;
    const service = services.get(row.service_code);
    const local = localizeDefinition(definition, language);
    const every = (key: 'title' | 'licenceName' | 'licencePermits') =>
      [definition[key], ...Object.values(definition.translations ?? {}).map((t) => t[key])].filter((text): text is string => typeof text === 'string' && text.trim() !== '');
    const serviceNames = service ? [service.name, ...Object.values(service.translations ?? {}).map((t) => t.name)].filter((text): text is string => typeof text === 'string') : [];
    words.set(row.service_code, {
      name: local.licenceName ?? (service ? localizeService(service, language).name : definition.title),
      permits: local.licencePermits ?? null,
      sameAsName: new Set([...every('title'), ...every('licenceName'), ...serviceNames].map((t) => t.trim())),
      formPermits: new Set(every('licencePermits').map((t) => t.trim())),
    });
  }
  return words;
}

/**
 * How a register entry reads in the reader's language: the service's licence name, and what it
 * permits unless that only repeats the name (licences issued before a form said what they
 * permit carry its title there).
 */
export function licenceInWords(entry: { serviceCode: string; service: string; permits: string }, words: Map<string, LicenceWords>): { name: string; permits: string | null } {
  const known = words.get(entry.serviceCode);
  const permits = entry.permits.trim();
  if (!known) return { name: entry.service, permits: permits === entry.service.trim() ? null : permits };
  // A licence issued under a name of its own (not the service's usual words) keeps it.
  const name = known.sameAsName.has(entry.service.trim()) ? known.name : entry.service;
  if (known.formPermits.has(permits)) return { name, permits: known.permits };
  if (known.sameAsName.has(permits) || permits === entry.service.trim()) return { name, permits: known.permits };
  return { name, permits };
}
