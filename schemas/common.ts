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

/**
 * The problem `code`s, a fixed set (README "Problem codes" lists the same; a test holds them equal):
 * each with its status and meaning. Intercom's own error codes are never spliced in: they stay under `upstream.errors`.
 */
export const PROBLEM_CODES = {
  VALIDATION_ERROR: [400, 'The input failed the schema or a facade rule; `errors` names each field. Nothing was sent to Intercom.'],
  FACADE_BAD_PATH: [400, 'A passthrough path with `.`/`..` segments, encoded slashes or control characters.'],
  FACADE_BAD_INTERCOM_VERSION: [400, 'The `Intercom-Version` header is not a supported version (2.14, 2.15, 2.16; the passthrough takes any `N.N` or `Unstable`).'],
  FACADE_BAD_PATH_VALUE: [400, 'A value placed in an Intercom path (an id) is `.`/`..`, has control characters or unpaired surrogates, or is over 255 characters.'],
  IDEMPOTENCY_KEY_INVALID: [400, 'The `Idempotency-Key` header is not 1..255 printable ASCII characters (or the body cannot be fingerprinted).'],
  FACADE_BAD_DEADLINE: [400, 'The `X-Request-Deadline-Ms` header is not a number of milliseconds in range.'],
  LIST_PAGE_LIMIT: [400, '`?all=true` reached the most pages one request may stream (NDJSON error line; its `detail` names the cursor to continue from).'],
  BAD_REQUEST: [400, 'Any other request the service cannot read.'],
  UNAUTHORIZED: [401, 'No or a wrong API key (`API_KEYS`).'],
  FACADE_ROUTE_NOT_FOUND: [404, 'No such route.'],
  FACADE_UNKNOWN_OPERATION: [404, 'The catalog has no such Intercom operation.'],
  METHOD_NOT_ALLOWED: [405, 'The method is not one this route (or Intercom) takes.'],
  BODY_TOO_LARGE: [413, 'The body is larger than `BODY_LIMIT_BYTES`.'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'The body is not `application/json`.'],
  FACADE_NO_DEFAULT_ADMIN: [422, 'No `admin_id` given and no default admin could be found.'],
  FACADE_COMPANY_NOT_ATTACHED: [422, 'The contact was written, but attaching it to `company_id` failed; `detail` says how to attach it.'],
  IDEMPOTENCY_KEY_IN_USE: [409, 'A request with this `Idempotency-Key` is still running; see `Retry-After`.'],
  IDEMPOTENCY_ANSWER_NOT_STORED: [409, 'The first request with this `Idempotency-Key` ran, but its answer was too large to keep; it is not sent again.'],
  IDEMPOTENCY_KEY_REUSED: [422, 'This `Idempotency-Key` was used with another request (method, route, body).'],
  IDEMPOTENCY_STORE_UNAVAILABLE: [503, 'The idempotency store (Redis) is unreachable: a keyed request is refused rather than risk a duplicate. See `Retry-After`.'],
  RATE_BUDGET_EXHAUSTED: [429, 'The rate budget has no room before the deadline; nothing was sent. See `Retry-After`.'],
  REQUEST_REFUSED: ['4xx', 'Any other refused request (the status says which).'],
  INTERNAL_ERROR: [500, 'A fault in this service; the request id is in `X-Request-Id`.'],
  OVERLOADED: [503, 'The service sheds load; see `Retry-After`.'],
  DEADLINE_EXCEEDED: [504, 'The request deadline passed before Intercom answered.'],
  WEBHOOK_INVALID_BODY: [400, 'A webhook notification whose body is not JSON.'],
  WEBHOOK_INVALID_ENVELOPE: [400, "A webhook notification that is not Intercom's envelope (`type`, `id`, `topic`, `app_id`, `data.item`, `created_at`)."],
  WEBHOOK_SIGNATURE_MISSING: [401, 'A webhook notification without `X-Hub-Signature`; nothing was stored.'],
  WEBHOOK_SIGNATURE_INVALID: [401, 'A webhook notification whose `X-Hub-Signature` does not match its body; nothing was stored.'],
  WEBHOOK_DELIVERY_NOT_FOUND: [404, 'No such webhook delivery.'],
  WEBHOOK_DELIVERY_NOT_FAILED: [409, 'Only a dead-lettered webhook delivery can be retried.'],
  WEBHOOKS_NOT_CONFIGURED: [503, 'No INTERCOM_CLIENT_SECRET: webhook notifications cannot be verified and none is accepted.'],
  WEBHOOK_STORE_UNAVAILABLE: [503, 'The webhook store (Redis) is unreachable; nothing was accepted. See `Retry-After`.'],
  UPSTREAM_BAD_REQUEST: [400, 'Intercom refused the parameters (400).'],
  UPSTREAM_UNAUTHORIZED: [401, 'Intercom refused the access token (401).'],
  UPSTREAM_FORBIDDEN: [403, 'Intercom refused: a scope or plan feature is missing (403).'],
  UPSTREAM_NOT_FOUND: [404, 'Intercom found no such object (404).'],
  UPSTREAM_CONFLICT: [409, 'Intercom reports a conflict, e.g. a duplicate external_id or email (409).'],
  UPSTREAM_UNPROCESSABLE: [422, 'Intercom could not process the request (422).'],
  UPSTREAM_REJECTED: ['4xx', 'Intercom answered another 4xx; its status is kept.'],
  UPSTREAM_RATE_LIMITED: [429, "Intercom's rate limit refused the call; see `Retry-After`."],
  UPSTREAM_ERROR: [502, 'Intercom failed (5xx); a write may or may not have been applied.'],
  UPSTREAM_BAD_ANSWER: [502, 'Intercom answered something unusable (not JSON, incomplete, a repeating list cursor); a write may have been applied.'],
  UPSTREAM_ANSWER_TOO_LARGE: [502, "Intercom's answer is larger than `UPSTREAM_MAX_ANSWER_BYTES`; a write may have been applied."],
  UPSTREAM_CONNECTION_RESET: [502, 'The connection to Intercom failed after sending; a write may or may not have been applied.'],
  UPSTREAM_UNAVAILABLE: [503, 'Intercom could not be reached; nothing was sent.'],
  UPSTREAM_TIMEOUT: [504, 'Intercom did not answer in time; a write may or may not have been applied.']
} as const satisfies Record<string, readonly [number | '4xx', string]>

/** One of the fixed problem codes. */
export type ProblemCode = keyof typeof PROBLEM_CODES

/** RFC 9457 problem details, as every error of this service is answered. */
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the problem type' }),
  title: Type.String({ description: 'HTTP status phrase' }),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String({ description: 'The request path' }),
  code: Type.Unsafe<ProblemCode>({ type: 'string', enum: Object.keys(PROBLEM_CODES), description: 'Stable machine-readable code (README: Problem codes)' }),
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
