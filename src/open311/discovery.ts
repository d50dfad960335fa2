/** The Open311 discovery document: where this council's GeoReport v2 endpoint is and what it speaks. */
import type { Config } from '../config.js';
import { el, xmlDocument } from '../platform/xml.js';
import type { Format } from './presenters.js';

/** Bumped when the API's behaviour changes, so clients know to look again. */
const CHANGESET = '2026-11-28T00:00:00Z';

export function discoveryDocument(format: Format, config: Config): string {
  const endpoint = {
    specification: 'http://wiki.open311.org/GeoReport_v2',
    url: `${config.publicUrl}/open311/v2`,
    changeset: CHANGESET,
    type: 'production',
    formats: ['application/json', 'text/xml'],
  };
  const contact = `${config.jurisdiction.name}: see ${config.publicUrl}`;
  if (format === 'json') {
    return JSON.stringify({ changeset: CHANGESET, contact, key_service: `Ask ${config.jurisdiction.name} for an API key.`, endpoints: [endpoint] });
  }
  return xmlDocument(el('discovery', [
    el('changeset', CHANGESET),
    el('contact', contact),
    el('key_service', `Ask ${config.jurisdiction.name} for an API key.`),
    el('endpoints', [el('endpoint', [
      el('specification', endpoint.specification),
      el('url', endpoint.url),
      el('changeset', endpoint.changeset),
      el('type', endpoint.type),
      el('formats', endpoint.formats.map((f) => el('format', f))),
    ])]),
  ]));
}
