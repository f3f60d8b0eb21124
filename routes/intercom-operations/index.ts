/**
 * The operation catalog, registered with prefix /intercom/operations (its own plugin: the
 * passthrough plugin at /intercom replaces the content-type parsers in its scope; here JSON bodies
 * are parsed). Static and parametric routes win over the passthrough's `/intercom/*` wildcard.
 *
 * - GET /intercom/operations: every operation of the vendored Intercom 2.14 description.
 * - POST /intercom/operations/{operationId}: `{ path?, query?, body? }` validated against that
 *   operation's own schemas, then one call through the facade's Intercom client.
 *
 * The description is loaded on the first catalog request (src/facade/operations.ts `loadCatalog`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { problemResponse, upstreamErrorResponses } from '../../schemas/common.js'
import { OperationCallBodySchema, OperationListQuerySchema, OperationParamsSchema, type OperationListQuery } from '../../schemas/operations.js'
import { InvalidInputError } from '../../src/errors.js'
import { UnknownOperationError, loadCatalog, prepareCall } from '../../src/facade/operations.js'

const tags = ['catalog']

const operations: FastifyPluginAsyncTypebox = async function (fastify) {
  const listSchema = {
    tags,
    operationId: 'listIntercomOperations',
    summary: 'List every Intercom operation',
    description: 'Every operation of the vendored Intercom 2.14 OpenAPI description (146): operationId, method, path template, summary and tags, in the description\'s order; `?tag=` keeps one Intercom tag. Calls nothing upstream. Call any of them with POST /intercom/operations/{operationId}.',
    querystring: OperationListQuerySchema,
    response: { 200: Type.Ref('IntercomOperationList'), 400: problemResponse('Invalid query') }
  }
  const list = async function (request: { query: OperationListQuery }) {
    const { entries } = await loadCatalog()
    const tag = request.query.tag?.toLowerCase()
    const data = tag === undefined ? entries : entries.filter((e) => e.tags.some((t) => t.toLowerCase() === tag))
    return { data, total_count: data.length, next_cursor: null }
  }
  // /intercom/operations (the router serves /intercom/operations/ too: ignoreTrailingSlash).
  fastify.get('/', { schema: listSchema }, list)

  fastify.post('/:operationId', {
    schema: {
      tags,
      operationId: 'callIntercomOperation',
      summary: 'Call any Intercom operation by operationId',
      description: 'Calls the Intercom operation named in the path (any of GET /intercom/operations) through the facade\'s client. `path` parameters are required and typed as Intercom declares them and each is percent-encoded as one segment; `query` and `body` are validated against the operation\'s own Intercom schemas. A failure is a 400 naming the field (`path.contact_id`, `query.per_page`, `body.email`) and nothing is sent. Intercom\'s JSON answer and success status come back as is; Intercom errors are mapped like every route. An unknown operationId is a 404.',
      params: OperationParamsSchema,
      body: OperationCallBodySchema,
      response: {
        '2xx': Type.Unknown({ description: "Intercom's JSON answer, as is" }),
        ...upstreamErrorResponses,
        404: problemResponse('No such operationId in Intercom 2.14, or Intercom found no such object')
      }
    }
  }, async function (request, reply) {
    const catalog = await loadCatalog()
    const op = catalog.get(request.params.operationId)
    if (op === undefined) throw new UnknownOperationError(request.params.operationId)
    const prepared = prepareCall(catalog, op, request.body)
    if ('errors' in prepared) throw new InvalidInputError(prepared.errors, `Invalid input for ${op.operationId}: ${prepared.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`)
    const r = await fastify.intercom.call(request, prepared)
    reply.code(r.status)
    if (r.data === undefined) return reply.send()
    return r.data
  })
}

export default operations
