/** A small but complete application form for tests: eligibility, conditions, a repeatable group, a map area, a document, fees. */
import type { FormDefinition } from './definition.js';

export const treeWorks = (): FormDefinition => ({
  title: 'Apply to work on trees',
  summary: 'Ask before you prune or fell a protected tree.',
  whatYouNeed: ['A photo of each tree'],
  howLong: 'Up to 8 weeks.',
  translations: { es: { title: 'Solicitar trabajos en árboles', 'need.0': 'Una foto de cada árbol' } },
  eligibility: [
    { id: 'protected', question: 'Is the tree protected?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'continue' } },
      { value: 'no', label: 'No', outcome: { kind: 'not_needed', reason: 'You only need permission for protected trees.' } },
    ] },
    { id: 'street', question: 'Is it a street tree?', options: [
      { value: 'yes', label: 'Yes', outcome: { kind: 'other_service', serviceCode: 'street-trees', reason: 'Street trees are the council’s: report it instead.' } },
      { value: 'no', label: 'No', outcome: { kind: 'continue' } },
    ] },
  ],
  pages: [
    { id: 'applicant', title: 'About you', fields: [
      { id: 'role', type: 'choice', label: 'Who are you?', options: [{ value: 'owner', label: 'The owner' }, { value: 'agent', label: 'An agent' }],
        translations: { es: { label: '¿Quién es usted?', 'option.owner': 'El propietario' } } },
      { id: 'pensioner', type: 'yes_no', label: 'Do you get a state pension?', required: false },
    ] },
    { id: 'agent', title: 'The agent', showWhen: { field: 'role', in: ['agent'] }, fields: [{ id: 'company', type: 'text', label: 'Company name' }] },
    { id: 'trees', title: 'The trees', group: { id: 'tree', itemName: 'tree', min: 1, max: 5, fields: [
      { id: 'species', type: 'text', label: 'Species' },
      { id: 'work', type: 'choice', label: 'Work', options: [{ value: 'prune', label: 'Prune' }, { value: 'fell', label: 'Fell' }] },
    ] } },
    { id: 'where', title: 'Where are the trees?', fields: [
      { id: 'area', type: 'map_area', label: 'The area' },
      { id: 'start', type: 'date', label: 'When will work start?' },
    ] },
    { id: 'photos', title: 'Photos', fields: [{ id: 'photo', type: 'file', label: 'Photos of the trees', maxFiles: 2 }] },
    { id: 'declare', title: 'Declaration', fields: [{ id: 'truth', type: 'declaration', label: 'I confirm the information is correct' }] },
  ],
  fees: [
    { effectiveFrom: '2025-04-01', rules: [{ kind: 'fixed', label: 'Application', amount: 5000 }] },
    { effectiveFrom: '2026-04-01', rules: [
      { kind: 'fixed', label: 'Application', amount: 6000 },
      { kind: 'per_item', label: 'Each tree after the first', group: 'tree', amount: 1000, free: 1 },
      { kind: 'by_choice', label: 'Agent handling', field: 'role', amounts: { agent: 2500 } },
      { kind: 'concession', label: 'Pension concession', field: 'pensioner', in: ['yes'], percentOff: 50 },
    ] },
  ],
});
