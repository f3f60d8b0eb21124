/**
 * Shared shapes: ids, timestamps, list envelopes and the problem body. Shapes with an `$id` are
 * registered once (src/app.ts `SHARED_SCHEMAS`) and appear once as components in the OpenAPI document.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { PATH_VALUE_RULE } from '../src/upstream/path.js'

/**
 * An opaque Intercom id in a path: the one path-value rule (src/upstream/path.ts: 1..255
 * characters, not `.` or `..`, no control characters, no unpaired surrogates). It is always
 * percent-encoded upstream, so `/` cannot reach another endpoint.
 */
export const OpaqueIdSchema = Type.String({
  ...PATH_VALUE_RULE,
  description: 'Opaque Intercom id (percent-encoded upstream).',
  examples: ['6762f0dd1bb69f9f2193bb83']
})

/** `{ id }` path parameters. */
export const IdParamsSchema = Type.Object({ id: OpaqueIdSchema })
export type IdParams = Static<typeof IdParamsSchema>

/** A timestamp in: Unix seconds (integer) or an ISO 8601 date-time string; sent upstream as Unix seconds. */
export const TimestampSchema = Type.Union([
  Type.Integer({ minimum: 0, description: 'Unix seconds' }),
  Type.String({ format: 'date-time', description: 'ISO 8601 date-time' })
], { description: 'Unix seconds or an ISO 8601 date-time; Intercom receives Unix seconds.', examples: [1734537437] })
export type Timestamp = Static<typeof TimestampSchema>

/** A free-form object (custom_attributes, metadata, ticket_attributes). */
export const FreeObjectSchema = Type.Object({}, { additionalProperties: true })

/** One failing field of a problem. */
export const FieldErrorSchema = Type.Object({ field: Type.String(), message: Type.String() })

/** RFC 9457 problem details, as every error of this service is answered. */
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the problem type' }),
  title: Type.String({ description: 'HTTP status phrase' }),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String({ description: 'The request path' }),
  code: Type.String({ description: 'Stable machine-readable code' }),
  errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'One entry per failing input field' })),
  upstream: Type.Optional(Type.Object({
    status: Type.Union([Type.Integer(), Type.Null()]),
    request_id: Type.Union([Type.String(), Type.Null()]),
    errors: Type.Array(Type.Object({ code: Type.String(), message: Type.Optional(Type.String()) }))
  }, { description: "Intercom's own answer, when there was one" }))
}, { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' })
export type Problem = Static<typeof ProblemSchema>

/** A reference to the shared Problem component, for route `response` maps. */
export const ProblemRef = Type.Ref('Problem')

/** A problem answer (application/problem+json) with its description, for route `response` maps. */
export function problemResponse (description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemRef } } }
}

/** The error answers every route that calls Intercom can give. */
export const upstreamErrorResponses = {
  400: problemResponse('Invalid input (one entry per failing field), or Intercom refused the parameters'),
  401: problemResponse('Intercom refused the access token'),
  403: problemResponse('Intercom refused: the token lacks a scope or the plan lacks the feature'),
  404: problemResponse('Intercom found no such object'),
  409: problemResponse('Intercom reports a conflict (e.g. a duplicate external_id or email)'),
  422: problemResponse('Intercom could not process the request'),
  429: problemResponse('Rate budget exhausted; see Retry-After'),
  502: problemResponse('Intercom failed (5xx) or the connection broke; a write may or may not have been applied'),
  503: problemResponse('Intercom could not be reached'),
  504: problemResponse('Intercom did not answer in time')
} as const

/** `per_page` and `starting_after` for lists and searches. */
export const PageQueryProps = {
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 150, description: 'Items per page (1..150)' })),
  starting_after: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'The previous answer\'s next_cursor' }))
}

/** The normalised list envelope: `{ data, total_count, next_cursor }`. */
export function ListSchema<T extends TSchema> (item: T, options: { $id?: string, title?: string } = {}) {
  return Type.Object({
    data: Type.Array(item),
    total_count: Type.Union([Type.Integer(), Type.Null()]),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as starting_after for the next page; null on the last page' })
  }, options)
}

/** Convert a facade timestamp to Intercom's Unix seconds (undefined stays undefined). */
export function toUnixSeconds (value: Timestamp | undefined): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number') return value
  return Math.floor(Date.parse(value) / 1000)
}
