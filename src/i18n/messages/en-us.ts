/**
 * The council's English spelling. The base catalogue (en.ts) is British English (en-GB); a
 * council that writes American English sets TOWNHALL_ENGLISH_SPELLING=en-US and these messages,
 * the ones whose words are spelt differently, replace the base ones. A message added to en.ts
 * with a word spelt the British way ("-ise", "-our", "-re", "licence") needs its entry here; the
 * i18n tests check both catalogues for the other convention's spellings.
 */
import type { Messages } from './en.js';

export const enUsSpelling: Partial<Messages> = {
  'report.nearby.meta': 'Reported {when}, {distance} meters away',
  'applications.list.title': 'Apply for a permit or license',
  'applications.page.licence': 'Your license is {number}. Anyone can check it is genuine:',
  'applications.page.checkLicence': 'Check license {number}',
  'applications.renew.title': 'Renew license {number}',
  'applications.renew.validUntil': 'Your license is valid until {date}.',
  'applications.email.inspectionCancelledSubject': 'The inspection for your application {reference} is canceled',
  'applications.email.inspectionCancelledText': 'We have canceled the inspection on {when} for your application {reference} ({service}).\n\n{reason}\n\nSee your application here:\n{link}\n\n{council}',
  'track.state.cancelled': 'Canceled',
  'foresight.hotspots.centre': 'Center (latitude, longitude)',
  'openData.licence': 'You may use the data under this license: <link>{name}</link>.',
  'known.alertAreaTooLarge': 'This area is too large to subscribe to: choose a neighborhood or an address in it.',
  'alertSubs.searchLabel': 'Your address or neighborhood',
  'alertSubs.noPlaces': 'We could not find that place. Check the spelling, or try a street or neighborhood name.',
  'alertSubs.placeArea': 'The whole neighborhood',
  'reports.ignored': 'We did not recognize some of the filters, so we ignored them: {filters}.',
  'alerts.kind.Cancel': 'Canceled',
  'alerts.cancelled': 'This alert was canceled.',
};
