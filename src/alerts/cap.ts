/**
 * An alert's outputs: the OASIS CAP 1.2 message (valid against the official schema; every time
 * with the council's offset, never 'Z'), an Atom feed of current alerts following the OASIS CAP
 * feed conventions (each entry links to its CAP message as `application/cap+xml`), and GeoJSON.
 */
import { areaToGeoJson, formatCapCircle, formatCapPolygon } from '../places/geometry.js';
import { formatInZone } from '../platform/time.js';
import { el, elWith, xmlDocument, type XmlElement } from '../platform/xml.js';
import { infoIn, isPublic } from './alerts.js';
import type { Alert } from './types.js';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const CAP_MEDIA_TYPE = 'application/cap+xml';

export interface CapContext {
  /** The site's address, no trailing slash. */
  publicUrl: string;
  council: string;
  timeZone: string;
}

/** CAP `references`: "sender,identifier,sent" of the alert followed. */
export const capReference = (earlier: Alert, timeZone: string) => `${earlier.sender},${earlier.identifier},${formatInZone(earlier.sent ?? earlier.createdAt, timeZone)}`;

export const capUrl = (ctx: CapContext, alert: Alert) => `${ctx.publicUrl}/alerts/${alert.id}.cap.xml`;
export const pageUrl = (ctx: CapContext, alert: Alert) => `${ctx.publicUrl}/alerts/${alert.id}`;

/** The CAP 1.2 message; `earlier` is the alert an Update or Cancel references. */
export function capXml(alert: Alert, earlier: Alert | null, ctx: CapContext): string {
  const time = (iso: string) => formatInZone(iso, ctx.timeZone);
  const children: XmlElement[] = [
    el('identifier', alert.identifier),
    el('sender', alert.sender),
    // A draft has not been sent: its draft time stands in (staff only ever see it).
    el('sent', time(alert.sent ?? alert.createdAt)),
    el('status', alert.status),
    el('msgType', alert.msgType),
    el('scope', alert.scope),
  ];
  if (alert.scope === 'Restricted') children.push(el('restriction', 'Council emergency staff only'));
  if (alert.scope === 'Private') children.push(el('addresses', alert.sender));
  if (earlier) children.push(el('references', capReference(earlier, ctx.timeZone)));
  for (const info of alert.infos) {
    const block: XmlElement[] = [
      el('language', info.language),
      ...info.categories.map((c) => el('category', c)),
      el('event', info.event),
      el('urgency', info.urgency),
      el('severity', info.severity),
      el('certainty', info.certainty),
    ];
    if (alert.onset) block.push(el('onset', time(alert.onset)));
    block.push(el('expires', time(alert.expires)), el('senderName', ctx.council), el('headline', info.headline), el('description', info.description));
    if (info.instruction) block.push(el('instruction', info.instruction));
    // Without a web address of its own, a public alert points to its page (others have none).
    const web = info.web ?? (isPublic(alert) ? pageUrl(ctx, alert) : null);
    if (web) block.push(el('web', web));
    if (info.contact) block.push(el('contact', info.contact));
    block.push(el('area', [
      el('areaDesc', alert.areaDescription),
      ...alert.area.polygons.map((ring) => el('polygon', formatCapPolygon(ring))),
      ...alert.area.circles.map((circle) => el('circle', formatCapCircle(circle))),
    ]));
    children.push(el('info', block));
  }
  return xmlDocument(elWith('alert', { xmlns: CAP_NAMESPACE }, children));
}

/** The Atom feed of current alerts (newest first): each entry names its CAP message. */
export function capAtomFeed(alerts: Alert[], ctx: CapContext, language = 'en'): string {
  const time = (iso: string) => formatInZone(iso, ctx.timeZone);
  const updated = alerts.reduce((latest, a) => ((a.sent ?? a.createdAt) > latest ? a.sent ?? a.createdAt : latest), '1970-01-01T00:00:00.000Z');
  const entries = alerts.map((alert) => {
    const info = infoIn(alert, language);
    return el('entry', [
      el('id', alert.identifier),
      el('title', info.headline),
      el('updated', time(alert.sent ?? alert.createdAt)),
      el('published', time(alert.sent ?? alert.createdAt)),
      elWith('link', { rel: 'alternate', type: CAP_MEDIA_TYPE, href: capUrl(ctx, alert) }, null),
      elWith('link', { rel: 'related', type: 'text/html', href: pageUrl(ctx, alert) }, null),
      el('summary', `${info.event}: ${alert.areaDescription}. ${info.description}`.slice(0, 1000)),
    ]);
  });
  return xmlDocument(elWith('feed', { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': language }, [
    el('id', `${ctx.publicUrl}/alerts.atom`),
    el('title', `${ctx.council}: current alerts`),
    el('updated', time(updated)),
    el('author', [el('name', ctx.council)]),
    elWith('link', { rel: 'self', type: 'application/atom+xml', href: `${ctx.publicUrl}/alerts.atom` }, null),
    elWith('link', { rel: 'alternate', type: 'text/html', href: `${ctx.publicUrl}/alerts` }, null),
    ...entries,
  ]));
}

/** Current alerts as a GeoJSON FeatureCollection ([long, lat]; circles as polygons). */
export function alertsGeoJson(alerts: Alert[], ctx: CapContext, language = 'en') {
  return {
    type: 'FeatureCollection' as const,
    features: alerts.map((alert) => {
      const info = infoIn(alert, language);
      return {
        type: 'Feature' as const,
        id: alert.id,
        geometry: areaToGeoJson(alert.area),
        properties: {
          identifier: alert.identifier, msgType: alert.msgType, event: info.event, headline: info.headline, severity: info.severity,
          urgency: info.urgency, certainty: info.certainty, areaDesc: alert.areaDescription, language: info.language,
          onset: alert.onset ? formatInZone(alert.onset, ctx.timeZone) : null, expires: formatInZone(alert.expires, ctx.timeZone),
          sent: alert.sent ? formatInZone(alert.sent, ctx.timeZone) : null, cap: capUrl(ctx, alert), web: pageUrl(ctx, alert),
        },
      };
    }),
  };
}
