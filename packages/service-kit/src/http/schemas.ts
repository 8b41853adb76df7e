import { STATUS_CODES } from 'node:http';
import { Type } from 'typebox';
import { PROBLEM_CONTENT_TYPE } from '../errors.js';
import { COUNTRY_CODES, DOMAINS } from '../vocabulary.js';

/** Request/response schema pieces every service's routes share, so the same field validates the same way. */
export const CountryCodeSchema = Type.Enum([...COUNTRY_CODES], { description: 'ISO-3166-1 alpha-2 country code' });
export const DomainSchema = Type.Enum([...DOMAINS], { description: 'One of the sixteen platform domains' });
export const LanguageTagSchema = Type.String({
  pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$',
  maxLength: 35,
  description: 'BCP-47 language tag',
});
export const IsoDateTimeSchema = Type.String({ format: 'date-time' });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details (application/problem+json)' },
);

/** One documented error response: the problem schema under its own media type, as the error handler sends it. */
export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** Documents the given error statuses with the problem schema. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(STATUS_CODES[status] ?? 'Error')]));
}

export const PageQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});

/** The OpenAPI security requirement of routes that take an access token. */
export const bearerSecurity = [{ bearer: [] as string[] }];
