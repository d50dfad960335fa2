/**
 * The catalogue every Open311 conformance test runs against: three services in two groups.
 *
 * - `007-pothole` (realtime) asks one question of every GeoReport v2 datatype, one of them
 *   required, plus an informational (`variable: false`) attribute. Its code starts with zeros so
 *   that a server which turns codes into numbers is caught ("007" must stay "007").
 * - `graffiti` (realtime) has no attributes, so `metadata` is false; it has a service notice
 *   and an agency, which POST and GET responses must echo.
 * - `bulky-waste` (batch) has no attributes; a batch service answers a POST with a token.
 */
import type { ServiceInput } from '../../src/catalogue/types.js';

export const groups = [
  { code: 'streets', name: 'Streets and pavements' },
  { code: 'waste', name: 'Waste and recycling' },
];

export const POTHOLE = '007-pothole';
export const GRAFFITI = 'graffiti';
export const BULKY = 'bulky-waste';

export const potholeAttributes = {
  /** Informational text, no answer taken. */
  notice: 'safety_notice',
  /** string, required */
  road: 'road_name',
  /** number */
  depth: 'depth_cm',
  /** datetime */
  noticed: 'first_noticed',
  /** text */
  details: 'details',
  /** singlevaluelist: tarmac | paving | gravel */
  surface: 'surface',
  /** multivaluelist: traffic | cyclists | pedestrians | drainage */
  hazards: 'hazards',
} as const;

export const surfaceKeys = ['tarmac', 'paving', 'gravel'];
export const hazardKeys = ['traffic', 'cyclists', 'pedestrians', 'drainage'];

export const services: ServiceInput[] = [
  {
    code: POTHOLE,
    name: 'Pothole',
    description: 'A hole or a sunken patch in a road or a pavement.',
    groupCode: 'streets',
    keywords: ['hole', 'road', 'tarmac'],
    type: 'realtime',
    agencyResponsible: 'Highways',
    serviceNotice: 'We inspect reported potholes within 5 working days.',
    expectedDays: 5,
    attributes: [
      {
        code: potholeAttributes.notice, datatype: 'text', variable: false, required: false, order: 1,
        description: 'If the hole is dangerous right now, call 0300 123 4567 instead.',
      },
      { code: potholeAttributes.road, datatype: 'string', required: true, order: 2, description: 'Which road is it on?', helpText: 'The street name' },
      { code: potholeAttributes.depth, datatype: 'number', required: false, order: 3, description: 'How deep is it, in centimetres?' },
      { code: potholeAttributes.noticed, datatype: 'datetime', required: false, order: 4, description: 'When did you first notice it?' },
      { code: potholeAttributes.details, datatype: 'text', required: false, order: 5, description: 'Anything else we should know?' },
      {
        code: potholeAttributes.surface, datatype: 'singlevaluelist', required: false, order: 6, description: 'What is the surface made of?',
        values: [{ key: 'tarmac', name: 'Tarmac' }, { key: 'paving', name: 'Paving slabs' }, { key: 'gravel', name: 'Gravel' }],
      },
      {
        code: potholeAttributes.hazards, datatype: 'multivaluelist', required: false, order: 7, description: 'Who is put at risk?',
        values: [
          { key: 'traffic', name: 'Motor traffic' }, { key: 'cyclists', name: 'Cyclists' },
          { key: 'pedestrians', name: 'Pedestrians' }, { key: 'drainage', name: 'It blocks a drain' },
        ],
      },
    ],
  },
  {
    code: GRAFFITI,
    name: 'Graffiti',
    description: 'Paint or marks on a public wall, bench or sign.',
    groupCode: 'streets',
    keywords: ['paint', 'tag', 'vandalism'],
    type: 'realtime',
    agencyResponsible: 'Street Cleansing',
    serviceNotice: 'We remove offensive graffiti within 2 working days.',
    expectedDays: 2,
    attributes: [],
  },
  {
    code: BULKY,
    name: 'Bulky waste collection',
    description: 'Ask us to collect a large item such as a sofa or a fridge.',
    groupCode: 'waste',
    keywords: ['sofa', 'fridge', 'mattress'],
    type: 'batch',
    agencyResponsible: 'Waste Services',
    serviceNotice: null,
    expectedDays: null,
    attributes: [],
  },
];

export const fixture = { services, groups };

/** A point inside the test jurisdiction's bounds (51.3..51.7, -0.5..0.3). */
export const inside = { lat: '51.5014', long: '-0.1419' };
/** A point well outside them (Edinburgh). */
export const outside = { lat: '55.9533', long: '-3.1883' };
