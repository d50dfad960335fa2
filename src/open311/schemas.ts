/**
 * The shapes of Open311 answers, for the OpenAPI document (/openapi.json). The presenters build
 * the same fields; the conformance suite checks them against the spec and the XML schema.
 */
import { Type, type TSchema } from '@sinclair/typebox';

const text = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const time = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

export const serviceSchema = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Type.String(),
  metadata: Type.Boolean({ description: 'true when the service asks questions: GET services/{service_code} lists them' }),
  type: Type.Union([Type.Literal('realtime'), Type.Literal('batch'), Type.Literal('blackbox')]),
  keywords: Type.String({ description: 'comma-separated' }),
  group: Type.String(),
});

export const serviceDefinitionSchema = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(Type.Object({
    variable: Type.Boolean({ description: 'false for information that takes no answer' }),
    code: Type.String({ description: 'send the answer as attribute[code]' }),
    datatype: Type.Union(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].map((d) => Type.Literal(d))),
    required: Type.Boolean(),
    datatype_description: text('help text'),
    order: Type.Integer(),
    description: Type.String({ description: 'the question' }),
    values: Type.Array(Type.Object({ key: Type.String(), name: Type.String() })),
  })),
});

export const requestSchema = Type.Object({
  service_request_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  status_notes: text('public note on the latest update'),
  service_name: Type.String(),
  service_code: Type.String(),
  description: text('what the reporter wrote'),
  agency_responsible: text('the department dealing with it'),
  service_notice: text('what the council says about this service'),
  requested_datetime: time('when it was reported, in the jurisdiction\'s time zone'),
  updated_datetime: time('when it last changed'),
  expected_datetime: time('when the council expects to deal with it'),
  address: text('address given'),
  address_id: text('the council\'s address identifier'),
  zipcode: text('postal code'),
  lat: Type.Union([Type.Number(), Type.Null()]),
  long: Type.Union([Type.Number(), Type.Null()]),
  media_url: text('a photo of the problem'),
});

export const submittedSchema = Type.Object({
  service_request_id: Type.String(),
  token: Type.String({ description: 'GET tokens/{token} gives the service_request_id' }),
  service_notice: text('what happens next'),
  account_id: text('unused'),
});

export const tokenSchema = Type.Object({ service_request_id: Type.String(), token: Type.String() });

export const updateSchema = Type.Object({
  update_id: Type.String(),
  service_request_id: Type.String(),
  status: Type.String({ description: 'OPEN, CLOSED or a FixMyStreet status such as FIXED, ACTION_SCHEDULED, DUPLICATE' }),
  updated_datetime: Type.String({ format: 'date-time' }),
  description: text('public note'),
  media_url: text('a photo'),
});

export const errorsSchema = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String({ description: 'what was wrong, and what to send instead' }) }));

/** Responses of an Open311 endpoint: its success shape and the spec's error list. */
export function responses(success: TSchema, status = 200) {
  return {
    [status]: success,
    400: { ...errorsSchema, description: 'Bad input: each error says what was wrong' },
    403: { ...errorsSchema, description: 'Missing, unknown or revoked api_key' },
    404: { ...errorsSchema, description: 'No such service, request, token or jurisdiction' },
  };
}
