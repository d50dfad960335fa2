/**
 * The demo city's service catalogue: what a resident of Port Alder can report. Its English is
 * spelt the British way (en-GB, the portal's base spelling: tyre, kerb, colour), as the council
 * chose; the words a city uses (sidewalk, 911) are its own. Every service here
 * has historic requests behind it (history.ts maps the San Francisco sample onto these codes).
 */
import type { AttributeValue, ServiceGroup, ServiceInput, ServiceTranslation, Translations } from '../catalogue/types.js';
import { demoAgencyTranslations, demoGroupTranslations, demoServiceTranslations } from './catalogue-translations.js';

type AttributeInput = ServiceInput['attributes'][number];

const groups: ServiceGroup[] = [
  { code: 'roads-and-pavements', name: 'Roads, sidewalks and signs' },
  { code: 'street-lighting', name: 'Street lights and traffic signals' },
  { code: 'waste-and-cleaning', name: 'Litter, dumping and street cleaning' },
  { code: 'graffiti', name: 'Graffiti and fly-posting' },
  { code: 'parks-and-trees', name: 'Parks and trees' },
  { code: 'water-and-drains', name: 'Water, drains and sewers' },
  { code: 'vehicles', name: 'Abandoned vehicles and parking meters' },
  { code: 'animals', name: 'Animals' },
];

// Department names, so each service names the team that deals with it.
const PUBLIC_WORKS = 'Public Works Department';
const CLEANSING = 'Street Cleansing Services';
const LIGHTING = 'Street Lighting and Signals';
const PARKS = 'Parks and Open Spaces';
const WATER = 'Port Alder Water';
const PARKING = 'Parking Services';
const ANIMALS = 'Animal Care Services';
/** Deals with the demo's permit and licence applications (applications.ts), not with reports. */
export const LICENSING = 'Licensing and Environmental Health';

const options = (pairs: Array<[string, string]>): AttributeValue[] => pairs.map(([key, name]) => ({ key, name }));

/** A one-answer list question; the first attribute of most services. */
function choose(code: string, order: number, description: string, pairs: Array<[string, string]>, required = true, helpText: string | null = null): AttributeInput {
  return { code, datatype: 'singlevaluelist', required, order, description, helpText, values: options(pairs) };
}

function ask(code: string, order: number, datatype: 'string' | 'number' | 'datetime' | 'text', description: string, helpText: string | null = null): AttributeInput {
  return { code, datatype, required: false, order, description, helpText };
}

const yesNo: Array<[string, string]> = [['yes', 'Yes'], ['no', 'No']];

const services: ServiceInput[] = [
  // Roads, sidewalks and signs
  {
    code: 'pothole', name: 'Pothole or damaged road', groupCode: 'roads-and-pavements', type: 'realtime',
    description: 'A hole, crack or sunken patch in the road surface, or a loose steel plate over roadworks.',
    keywords: ['pothole', 'road', 'hole', 'crack', 'tarmac', 'asphalt', 'road surface', 'plate'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 10,
    serviceNotice: 'We inspect reported potholes within 2 working days and make dangerous ones safe within 24 hours.',
    attributes: [
      choose('size', 1, 'How big is it?', [['small', 'Smaller than a dinner plate'], ['medium', 'Up to the size of a car tyre'], ['large', 'Bigger than a car tyre']]),
      choose('position', 2, 'Where in the road is it?', [['traffic_lane', 'In a traffic lane'], ['bike_lane', 'In a bike lane'], ['crosswalk', 'On a crosswalk'], ['parking_lane', 'Where cars park'], ['not_sure', 'Not sure']], false),
    ],
  },
  {
    code: 'damaged-sidewalk', name: 'Damaged sidewalk, kerb or steps', groupCode: 'roads-and-pavements', type: 'realtime',
    description: 'A raised, sunken or broken sidewalk slab, a damaged kerb or kerb ramp, or broken public steps.',
    keywords: ['sidewalk', 'pavement', 'trip', 'curb', 'kerb', 'ramp', 'steps', 'stairway', 'uneven'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 20,
    serviceNotice: 'Sidewalk repairs can take several weeks. If someone is hurt or the defect is dangerous, call 911.',
    attributes: [
      choose('problem', 1, 'What is wrong?', [['lifted', 'A slab is raised'], ['tree_roots', 'Tree roots have lifted it'], ['collapsed', 'It has sunk or collapsed'], ['curb_or_ramp', 'Damaged kerb or kerb ramp'], ['stairway', 'Broken public steps'], ['other', 'Something else']]),
      ask('height_inches', 2, 'number', 'Roughly how high is the trip edge, in inches?'),
    ],
  },
  {
    code: 'blocked-sidewalk', name: 'Sidewalk or road blocked', groupCode: 'roads-and-pavements', type: 'realtime',
    description: 'Building materials, objects or a vehicle blocking the sidewalk, a kerb ramp or the road.',
    keywords: ['blocked', 'obstruction', 'sidewalk', 'skip', 'scaffolding', 'building materials', 'access'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 5,
    serviceNotice: 'An inspector will visit and ask whoever is responsible to clear the way.',
    attributes: [
      choose('blocked_by', 1, 'What is blocking the way?', [['construction', 'Building work or materials'], ['vehicle', 'A parked vehicle'], ['objects', 'Bins, furniture or other objects'], ['other', 'Something else']]),
      ask('blocked_since', 2, 'datetime', 'When did you first notice it?'),
    ],
  },
  {
    code: 'damaged-sign', name: 'Damaged or missing street sign', groupCode: 'roads-and-pavements', type: 'realtime',
    description: 'A traffic or street name sign that is missing, knocked down, bent, faded or covered in stickers.',
    keywords: ['sign', 'street sign', 'road sign', 'stop sign', 'street name', 'bent', 'missing sign'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 10,
    serviceNotice: 'A missing stop or yield sign is made safe the same day. Please call us if one is missing.',
    attributes: [
      choose('problem', 1, 'What is wrong with the sign?', [['missing', 'It is missing'], ['defaced', 'Defaced or covered in stickers'], ['down_or_bent', 'Knocked down or bent'], ['faded', 'Faded or hard to see'], ['other', 'Something else']]),
      ask('sign_text', 2, 'string', 'What does the sign say (for example STOP or a street name)?'),
    ],
  },
  // Street lights and traffic signals
  {
    code: 'streetlight-out', name: 'Street light not working', groupCode: 'street-lighting', type: 'realtime',
    description: 'A street light that is out, flickering, on during the day, or has a damaged pole or cover.',
    keywords: ['street light', 'streetlight', 'lamp', 'light out', 'flickering', 'dark', 'lamp post'],
    agencyResponsible: LIGHTING, expectedDays: 7,
    serviceNotice: 'Most lights are fixed within 7 working days. Exposed wires are made safe within 4 hours.',
    attributes: [
      choose('fault', 1, 'What is the problem?', [['out', 'The light is out'], ['flickering', 'It flickers on and off'], ['on_all_day', 'It stays on during the day'], ['dim', 'It is very dim'], ['damaged', 'Damaged pole, cover or exposed wires'], ['other', 'Something else']]),
      ask('pole_number', 2, 'string', 'Pole number, if you can see one', 'Usually on a small plate about head height.'),
    ],
  },
  {
    code: 'traffic-signal', name: 'Traffic signal fault', groupCode: 'street-lighting', type: 'realtime',
    description: 'Traffic lights or a pedestrian crossing signal that are out, stuck or damaged.',
    keywords: ['traffic light', 'traffic signal', 'signal', 'pedestrian crossing', 'walk signal', 'stuck on red'],
    agencyResponsible: LIGHTING, expectedDays: 2,
    serviceNotice: 'Signals that are completely out are dealt with as an emergency, day and night.',
    attributes: [
      choose('fault', 1, 'What is the problem?', [['not_working', 'Lights are out'], ['stuck', 'Stuck on one colour'], ['crossing_button', 'Crossing button or walk signal broken'], ['damaged', 'Pole or lights damaged'], ['other', 'Something else']]),
    ],
  },
  // Litter, dumping and street cleaning
  {
    code: 'street-cleaning', name: 'Litter or dirty street', groupCode: 'waste-and-cleaning', type: 'realtime',
    description: 'Loose litter, broken glass, spilled rubbish or a street that needs sweeping.',
    keywords: ['litter', 'rubbish', 'trash', 'garbage', 'sweeping', 'dirty', 'glass', 'cleaning'],
    agencyResponsible: CLEANSING, expectedDays: 3,
    serviceNotice: 'Cleaning crews usually visit within 3 working days.',
    attributes: [
      choose('litter_type', 1, 'What needs cleaning up?', [['litter', 'Loose litter or rubbish'], ['broken_glass', 'Broken glass'], ['clothing', 'Clothing or textiles'], ['leaves_or_debris', 'Leaves or debris'], ['other', 'Something else']]),
    ],
  },
  {
    code: 'illegal-dumping', name: 'Dumped rubbish or furniture', groupCode: 'waste-and-cleaning', type: 'realtime',
    description: 'Furniture, mattresses, appliances, bags or other waste left on the street or public land.',
    keywords: ['fly-tipping', 'dumping', 'dumped', 'furniture', 'mattress', 'fridge', 'sofa', 'bulky waste', 'tires'],
    agencyResponsible: CLEANSING, expectedDays: 5,
    serviceNotice: 'We collect dumped waste within 5 working days and look for evidence of who left it.',
    attributes: [
      { code: 'safety_notice', datatype: 'text', variable: false, required: false, order: 1, description: 'Do not touch or open dumped waste. If it could be dangerous (needles, chemicals, asbestos), report it as hazardous waste instead.' },
      {
        code: 'waste_types', datatype: 'multivaluelist', required: true, order: 2, description: 'What has been dumped?', helpText: 'Choose all that apply.',
        values: options([['furniture', 'Furniture'], ['mattress', 'Mattress'], ['appliance', 'Fridge, washer or other appliance'], ['electronics', 'TV, computer or other electronics'], ['bags_or_boxes', 'Bags or boxes'], ['building_waste', 'Building rubble'], ['tires', 'Tyres'], ['other', 'Something else']]),
      },
      choose('amount', 3, 'How much is there?', [['single_item', 'One item'], ['few_items', 'A few items'], ['car_load', 'About a car load'], ['truck_load', 'A truck load or more']]),
      ask('item_count', 4, 'number', 'Roughly how many items or bags?'),
      ask('seen_dumping_at', 5, 'datetime', 'If you saw it being dumped, when was that?'),
      ask('vehicle_seen', 6, 'string', 'If you saw a vehicle, describe it (make, colour, number plate)', 'We only use this to investigate; it is never published.'),
      ask('more_details', 7, 'text', 'Anything else that would help our crew find or collect it?'),
    ],
  },
  {
    code: 'hazardous-waste', name: 'Needles, human waste or hazardous spill', groupCode: 'waste-and-cleaning', type: 'realtime',
    description: 'Used needles, human waste, or oil, paint or chemicals spilled on a public street or sidewalk.',
    keywords: ['needles', 'syringe', 'sharps', 'human waste', 'feces', 'urine', 'spill', 'oil', 'paint', 'chemicals'],
    agencyResponsible: CLEANSING, expectedDays: 1,
    serviceNotice: 'Please do not touch it. We aim to clear hazardous waste within 24 hours.',
    attributes: [
      choose('hazard', 1, 'What is it?', [['needles', 'Needles or syringes'], ['human_waste', 'Human waste'], ['spill', 'Oil, paint or chemical spill'], ['broken_glass', 'Broken glass'], ['other', 'Something else']]),
    ],
  },
  {
    code: 'litter-bin', name: 'Public litter bin full or damaged', groupCode: 'waste-and-cleaning', type: 'realtime',
    description: 'A public litter bin on the street that is overflowing, broken or tipped over, or a request for a new one.',
    keywords: ['litter bin', 'trash can', 'bin', 'overflowing', 'full bin', 'public bin', 'new bin'],
    agencyResponsible: CLEANSING, expectedDays: 3,
    serviceNotice: 'Full bins are usually emptied within 3 working days. Requests for new bins are reviewed monthly.',
    attributes: [
      choose('problem', 1, 'What is the problem?', [['full', 'It is full or overflowing'], ['damaged', 'It is damaged or tipped over'], ['new_or_move', 'Ask for a new bin or to move one'], ['other', 'Something else']]),
    ],
  },
  {
    code: 'bins-left-out', name: 'Household bins left on the street', groupCode: 'waste-and-cleaning', type: 'realtime',
    description: 'Household or business garbage carts left on the sidewalk all week after collection day.',
    keywords: ['bins left out', 'carts', 'toters', 'wheelie bin', 'garbage cart', 'collection'],
    agencyResponsible: CLEANSING, expectedDays: 10,
    serviceNotice: 'We will write to the property owner and ask them to take their bins in after collection.',
    attributes: [
      choose('bin_type', 1, 'What kind of bins?', [['garbage', 'Garbage'], ['recycling', 'Recycling'], ['compost', 'Compost'], ['mixed', 'A mix']], false),
      ask('bin_count', 2, 'number', 'How many bins?'),
    ],
  },
  // Graffiti and fly-posting
  {
    code: 'graffiti-public', name: 'Graffiti on public property', groupCode: 'graffiti', type: 'realtime',
    description: 'Graffiti or tags on street furniture, poles, signal boxes, bus shelters, sidewalks or other public property.',
    keywords: ['graffiti', 'tag', 'tagging', 'spray paint', 'vandalism', 'offensive graffiti'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 5,
    serviceNotice: 'Offensive graffiti is removed within 1 working day; other graffiti within 5.',
    attributes: [
      choose('offensive', 1, 'Is it offensive (racist, sexual or abusive)?', yesNo),
      choose('surface', 2, 'What is it on?', [['pole', 'A pole'], ['signal_box', 'A signal or utility box'], ['mailbox', 'A mailbox'], ['sidewalk_or_street', 'The sidewalk or street'], ['bus_shelter', 'A bus shelter'], ['news_rack', 'A news rack'], ['litter_bin', 'A litter bin'], ['other', 'Something else']], false),
    ],
  },
  {
    code: 'graffiti-private', name: 'Graffiti on a private building', groupCode: 'graffiti', type: 'realtime',
    description: 'Graffiti on a home, shop, fence or other private property that can be seen from the street.',
    keywords: ['graffiti', 'tag', 'building', 'wall', 'shop', 'fence', 'private property'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 30,
    serviceNotice: 'Owners must remove graffiti from their property. We will send them a notice and check again after 30 days.',
    attributes: [
      choose('offensive', 1, 'Is it offensive (racist, sexual or abusive)?', yesNo),
      choose('property_type', 2, 'What kind of property?', [['commercial', 'A shop or business'], ['residential', 'A home'], ['sidewalk', 'The sidewalk in front of a property'], ['other', 'Something else']], false),
    ],
  },
  {
    code: 'fly-posting', name: 'Illegal posters or flyers', groupCode: 'graffiti', type: 'realtime',
    description: 'Posters, flyers or signs stuck to poles, traffic lights or walls without permission or a posting date.',
    keywords: ['fly-posting', 'posters', 'flyers', 'bills', 'stickers', 'signs on poles'],
    agencyResponsible: PUBLIC_WORKS, expectedDays: 10,
    serviceNotice: 'We remove illegal posters and may fine whoever put them up.',
    attributes: [
      choose('location', 1, 'Where are they?', [['pole', 'On a utility or light pole'], ['traffic_signal', 'On a traffic signal'], ['wall_or_building', 'On a wall or building'], ['other', 'Somewhere else']]),
      ask('poster_count', 2, 'number', 'Roughly how many posters?'),
    ],
  },
  // Parks and trees
  {
    code: 'tree-maintenance', name: 'Tree problem', groupCode: 'parks-and-trees', type: 'realtime',
    description: 'A street tree that has fallen, is dead or damaged, has a hanging branch, or is overgrown.',
    keywords: ['tree', 'branch', 'fallen tree', 'dead tree', 'overgrown', 'roots', 'pruning', 'limb'],
    agencyResponsible: PARKS, expectedDays: 15,
    serviceNotice: 'A fallen tree blocking a road is cleared the same day. An arborist inspects other reports.',
    attributes: [
      choose('problem', 1, 'What is wrong with the tree?', [['fallen', 'It has fallen'], ['hanging_branch', 'A branch is hanging or about to fall'], ['dead', 'It looks dead'], ['damaged', 'It has been damaged or vandalised'], ['overgrown', 'It is overgrown or needs pruning'], ['damaging_property', 'It is damaging property or the sidewalk'], ['other', 'Something else']]),
      choose('blocking', 2, 'Is it blocking a road or sidewalk?', yesNo, false),
    ],
  },
  {
    code: 'park-maintenance', name: 'Problem in a park or playground', groupCode: 'parks-and-trees', type: 'realtime',
    description: 'Broken play equipment, lights, fences, toilets or paths, litter or graffiti in a park.',
    keywords: ['park', 'playground', 'toilets', 'restroom', 'fence', 'path', 'bench', 'park lights'],
    agencyResponsible: PARKS, expectedDays: 10,
    serviceNotice: 'Park staff review reports each working day. Dangerous play equipment is closed off at once.',
    attributes: [
      choose('problem', 1, 'What is the problem?', [['play_equipment', 'Playground or sports equipment'], ['lighting', 'Lights or electrics'], ['toilets_or_water', 'Toilets, taps or irrigation'], ['fences_and_paths', 'Fences, gates or paths'], ['graffiti', 'Graffiti'], ['litter', 'Litter or dirty area'], ['safety', 'Safety concern'], ['other', 'Something else']]),
      ask('park_name', 2, 'string', 'Which park?'),
    ],
  },
  // Water, drains and sewers
  {
    code: 'sewer-backup', name: 'Sewage overflowing', groupCode: 'water-and-drains', type: 'realtime',
    description: 'Sewage coming up from a sewer vent, manhole or drain, or backing up into a property.',
    keywords: ['sewage', 'sewer', 'overflow', 'backup', 'toilet', 'manhole', 'vent'],
    agencyResponsible: WATER, expectedDays: 1,
    serviceNotice: 'Sewage overflows are an emergency: a crew is sent day and night.',
    attributes: [
      choose('source', 1, 'Where is it coming from?', [['sewer_vent', 'A sewer vent by a property'], ['manhole', 'A manhole'], ['street_drain', 'A street drain'], ['inside_property', 'Inside a property'], ['not_sure', 'Not sure']]),
    ],
  },
  {
    code: 'blocked-drain', name: 'Blocked drain or street flooding', groupCode: 'water-and-drains', type: 'realtime',
    description: 'A blocked storm drain, or rain water flooding the street or a property.',
    keywords: ['drain', 'blocked drain', 'flooding', 'flood', 'storm drain', 'catch basin', 'puddle', 'gully'],
    agencyResponsible: WATER, expectedDays: 3,
    serviceNotice: 'Flooding is dealt with first. Blocked drains without flooding are cleared within 3 working days.',
    attributes: [
      choose('flooding', 1, 'Is there flooding?', [['street', 'Yes, in the street'], ['property', 'Yes, on a property'], ['none', 'No, the drain is blocked']]),
    ],
  },
  {
    code: 'water-leak', name: 'Water leak in the street', groupCode: 'water-and-drains', type: 'realtime',
    description: 'Clean water leaking from the ground, a water main, a hydrant or a meter box.',
    keywords: ['water leak', 'leak', 'burst main', 'water main', 'hydrant', 'running water'],
    agencyResponsible: WATER, expectedDays: 2,
    serviceNotice: 'A burst main is repaired as an emergency; smaller leaks within 2 working days.',
    attributes: [
      choose('source', 1, 'Where is the water coming from?', [['ground', 'Up from the ground or sidewalk'], ['main_break', 'A burst main, gushing water'], ['hydrant', 'A fire hydrant'], ['meter_box', 'A water meter box'], ['not_sure', 'Not sure']]),
    ],
  },
  {
    code: 'sewer-odour', name: 'Sewer smell', groupCode: 'water-and-drains', type: 'realtime',
    description: 'A smell of sewage coming from a drain, manhole or sewer vent.',
    keywords: ['smell', 'odor', 'odour', 'sewer smell', 'stink', 'drain smell'],
    agencyResponsible: WATER, expectedDays: 5,
    serviceNotice: 'A crew will check the sewer and flush or seal it if needed.',
    attributes: [
      choose('strength', 1, 'How strong is the smell?', [['faint', 'Faint'], ['strong', 'Strong'], ['very_strong', 'Very strong, hard to breathe']]),
    ],
  },
  {
    code: 'missing-cover', name: 'Missing or loose drain or manhole cover', groupCode: 'water-and-drains', type: 'realtime',
    description: 'A manhole cover, drain grate or sewer vent cover that is missing, loose or broken.',
    keywords: ['manhole', 'cover', 'grate', 'missing cover', 'hole', 'vent cover'],
    agencyResponsible: WATER, expectedDays: 1,
    serviceNotice: 'Open holes are made safe within 2 hours. If someone could fall in, also call 911.',
    attributes: [
      choose('cover_type', 1, 'What kind of cover?', [['manhole', 'A manhole cover in the road'], ['vent', 'A small sewer vent cover on the sidewalk'], ['drain_grate', 'A drain grate'], ['not_sure', 'Not sure']]),
    ],
  },
  // Abandoned vehicles and parking meters
  {
    code: 'abandoned-vehicle', name: 'Abandoned vehicle', groupCode: 'vehicles', type: 'realtime',
    description: 'A vehicle parked in the same place on a public street for more than 72 hours, or one that looks abandoned.',
    keywords: ['abandoned', 'car', 'vehicle', 'van', 'trailer', 'motorcycle', 'parked', '72 hours'],
    agencyResponsible: PARKING, expectedDays: 10,
    serviceNotice: 'An officer will mark the vehicle; if it has not moved after 72 hours it may be towed.',
    attributes: [
      choose('vehicle_type', 1, 'What kind of vehicle?', [['car', 'Car'], ['pickup_or_van', 'Pickup truck or van'], ['suv', 'SUV'], ['motorcycle', 'Motorcycle or scooter'], ['trailer', 'Trailer, camper or boat'], ['other', 'Something else']]),
      ask('make_and_colour', 2, 'string', 'Make and colour'),
      ask('days_parked', 3, 'number', 'About how many days has it been there?'),
    ],
  },
  {
    code: 'parking-meter', name: 'Broken parking meter', groupCode: 'vehicles', type: 'realtime',
    description: 'A parking meter or pay station that does not take payment, shows nothing or is damaged.',
    keywords: ['parking meter', 'pay station', 'meter', 'coins', 'card', 'parking'],
    agencyResponsible: PARKING, expectedDays: 3,
    serviceNotice: 'While a meter is reported broken you may park there for the time limit shown.',
    attributes: [
      choose('fault', 1, 'What is the problem?', [['coins', 'Does not take coins'], ['cards', 'Does not take cards'], ['blank', 'Screen is blank'], ['damaged', 'Damaged'], ['other', 'Something else']]),
      ask('meter_number', 2, 'string', 'Meter number, if you can see one'),
    ],
  },
  // Animals
  {
    code: 'animal-problem', name: 'Stray, injured or dead animal', groupCode: 'animals', type: 'realtime',
    description: 'A stray or injured animal, wildlife in trouble, or a dead animal on a street or public land.',
    keywords: ['animal', 'stray', 'dog', 'cat', 'injured', 'dead animal', 'wildlife', 'raccoon', 'bird'],
    agencyResponsible: ANIMALS, expectedDays: 2,
    serviceNotice: 'If an animal is dangerous or badly hurt, call Animal Care Services now.',
    attributes: [
      choose('animal', 1, 'What animal is it?', [['dog', 'Dog'], ['cat', 'Cat'], ['bird', 'Bird'], ['wildlife', 'Raccoon, skunk or other wildlife'], ['other', 'Something else']]),
      choose('situation', 2, 'What is happening?', [['stray', 'Stray or lost'], ['injured', 'Injured or sick'], ['dead', 'Dead'], ['other', 'Something else']], false),
    ],
  },
];

/** Each agency is one department in the demo: its staff see its cases and no one else's. */
export const demoDepartments: Record<string, string> = {
  [PUBLIC_WORKS]: 'public-works', [CLEANSING]: 'cleansing', [LIGHTING]: 'lighting', [PARKS]: 'parks',
  [WATER]: 'water', [PARKING]: 'parking', [ANIMALS]: 'animals', [LICENSING]: 'licensing',
};

export const demoServiceGroups: ServiceGroup[] = groups.map((group) => ({ ...group, translations: demoGroupTranslations[group.code] ?? {} }));

/** A service with its Spanish and Arabic text (catalogue-translations.ts) attached. */
function withTranslations(service: ServiceInput): ServiceInput {
  const text = demoServiceTranslations[service.code];
  if (!text) return service;
  const translations: Translations<ServiceTranslation> = {};
  for (const language of ['es', 'ar'] as const) {
    const { attributes: _attributes, ...fields } = text[language];
    const agency = service.agencyResponsible ? demoAgencyTranslations[service.agencyResponsible]?.[language] : undefined;
    translations[language] = { ...fields, ...(agency ? { agencyResponsible: agency } : {}) };
  }
  return {
    ...service,
    translations,
    attributes: service.attributes.map((a) => ({
      ...a,
      translations: Object.fromEntries((['es', 'ar'] as const).flatMap((language) => {
        const found = text[language].attributes[a.code];
        return found ? [[language, found]] : [];
      })),
    })),
  };
}

export const demoServices: ServiceInput[] = services.map((service) => withTranslations({
  ...service, department: service.agencyResponsible ? demoDepartments[service.agencyResponsible] ?? null : null,
}));
