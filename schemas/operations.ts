/**
 * Shapes of the operation catalog (GET /intercom/operations, POST /intercom/operations/{operationId}).
 */
import { Type, type Static } from '@sinclair/typebox'
import { SUPPORTED_VERSIONS } from '../src/intercom-spec/versions.js'

/** A supported Intercom version. */
const VersionSchema = Type.Union(SUPPORTED_VERSIONS.map((v) => Type.Literal(v)), { description: `A supported Intercom version: ${SUPPORTED_VERSIONS.join(', ')}` })

/** An Intercom operationId, e.g. `listAdmins`, `ShowContact`. */
export const OperationIdSchema = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_]+$', description: 'An Intercom operationId of the request\'s version (GET /intercom/operations lists them)', examples: ['listAdmins'] })

/** `{ operationId }` path parameters. */
export const OperationParamsSchema = Type.Object({ operationId: OperationIdSchema }, { additionalProperties: false })

/** `?tag=` filter of the listing. */
export const OperationListQuerySchema = Type.Object({
  version: Type.Optional(Type.Union(SUPPORTED_VERSIONS.map((v) => Type.Literal(v)), { description: `List this version's operations (${SUPPORTED_VERSIONS.join(', ')}); default: the request's Intercom-Version, else the configured one` })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only operations carrying this Intercom tag (e.g. `Contacts`), case-insensitive' }))
}, { additionalProperties: false })
export type OperationListQuery = Static<typeof OperationListQuerySchema>

/** One operation of the catalog. */
export const OperationSchema = Type.Object({
  operationId: Type.String(),
  method: Type.String({ description: 'GET, POST, PUT or DELETE' }),
  path: Type.String({ description: "Intercom's path template, e.g. /contacts/{contact_id}" }),
  summary: Type.String(),
  tags: Type.Array(Type.String()),
  added_in: { ...VersionSchema, description: 'The first supported Intercom version whose description has this operation' },
  derived_operation_id: Type.Boolean({ description: 'True when the operationId is ours, not Intercom\'s: the description gives none, so it is derived from method and path (the reporting-data export operations, e.g. postExportReportingDataEnqueue)' })
}, { $id: 'IntercomOperation', title: 'IntercomOperation', additionalProperties: false })

/** The listing: every operation of one version in one page. */
export const OperationListSchema = Type.Object({
  version: { ...VersionSchema, description: 'The Intercom version listed' },
  data: Type.Array(Type.Ref('IntercomOperation')),
  total_count: Type.Integer(),
  next_cursor: Type.Null({ description: 'Always null: the whole catalog is one page' })
}, { $id: 'IntercomOperationList', title: 'IntercomOperationList' })

/** A path parameter value (sent as a string, percent-encoded as one segment). */
const PathValueSchema = Type.Union([
  Type.String({ minLength: 1, maxLength: 255 }),
  Type.Number(),
  Type.Boolean()
])

/** A query parameter value: a scalar, a list of scalars, or an object (spread into its properties). */
const QueryScalarSchema = Type.Union([Type.String({ maxLength: 2048 }), Type.Number(), Type.Boolean()])
const QueryValueSchema = Type.Union([
  QueryScalarSchema,
  Type.Array(QueryScalarSchema, { maxItems: 100 }),
  Type.Record(Type.String({ maxLength: 100 }), QueryScalarSchema)
])

/** The body of a catalog call: each part is validated against the operation's own schemas. */
export const OperationCallBodySchema = Type.Object({
  path: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), PathValueSchema, { description: 'Path parameters by name, e.g. { "contact_id": "6762f0dd..." }' })),
  query: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), QueryValueSchema, { description: 'Query parameters by name, e.g. { "per_page": 50 }' })),
  body: Type.Optional(Type.Unknown({ description: "The JSON request body, validated against the operation's requestBody schema" }))
}, {
  additionalProperties: false,
  examples: [
    { path: { contact_id: '6762f0dd1bb69f9f2193bb83' }, body: { id: '7522907' } },
    { query: { include_count: true } }
  ]
})
export type OperationCallBody = Static<typeof OperationCallBodySchema>
