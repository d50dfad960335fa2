/** Schemas the REST API's routes share (TypeBox: validation and the OpenAPI document alike). */
import { Type, type TProperties } from '@sinclair/typebox';

/** An answer's documented fields; more may be added later without a new version. */
export const loose = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: true });

export const apiError = loose({
  error: Type.String({ description: 'invalid, unauthenticated, forbidden, not_found, conflict...' }),
  message: Type.String({ description: 'What went wrong, in words a person can act on' }),
  problems: Type.Array(Type.String(), { description: 'Every problem found, when several' }),
});

export const errorResponses = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 409: apiError };
