/**
 * The operation catalog, registered with prefix /intercom/operations (its own plugin: the
 * passthrough plugin at /intercom replaces the content-type parsers in its scope; here JSON bodies
 * are parsed). Static and parametric routes win over the passthrough's `/intercom/*` wildcard.
 *
 * - GET /intercom/operations: every operation of one Intercom version's vendored description
 *   (`?version=`, else the request's version), each with `added_in`.
 * - POST /intercom/operations/{operationId}: `{ path?, query?, body? }` validated against that
 *   operation's own schemas in the request's version, then one call through the facade's Intercom
 *   client; an operation the version lacks is a 404 naming the versions that have it. A download
 *   operation (a non-JSON `Accept`, `CatalogOperation.accept`) answers the file's bytes.
 *
 * A version's description is loaded on its first catalog request (src/facade/operations.ts `loadCatalog`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { problemResponse, upstreamErrorResponses } from '../../schemas/common.js'
import { OperationCallBodySchema, OperationListQuerySchema, OperationParamsSchema, type OperationListQuery } from '../../schemas/operations.js'
import { InvalidInputError } from '../../src/errors.js'
import { loadCatalog, prepareCall, requestVersion, unknownOperation } from '../../src/facade/operations.js'
import { SUPPORTED_VERSIONS } from '../../src/intercom-spec/versions.js'

const tags = ['catalog']

const operations: FastifyPluginAsyncTypebox = async function (fastify) {
  const listSchema = {
    tags,
    operationId: 'listIntercomOperations',
    summary: 'List every Intercom operation of a version',
    description: `Every operation of one Intercom version's vendored OpenAPI description (${SUPPORTED_VERSIONS.join(', ')}; 150, 162 and 231 operations): operationId, method, path template, summary, tags, and \`added_in\` (the first of these versions that has it), in the description's order. The version is \`?version=\`, else the request's Intercom-Version, else the configured one. The four reporting-data export operations, which Intercom's descriptions leave without an operationId, are listed under names of ours derived from method and path (\`derived_operation_id: true\`). \`?tag=\` keeps one Intercom tag. Calls nothing upstream. Call any of them with POST /intercom/operations/{operationId}.`,
    querystring: OperationListQuerySchema,
    response: { 200: Type.Ref('IntercomOperationList'), 400: problemResponse('Invalid query') }
  }
  const list = async function (request: { query: OperationListQuery, intercomVersion: string }) {
    const version = request.query.version ?? requestVersion(request, fastify.intercom.version)
    const { entries } = await loadCatalog(version)
    const tag = request.query.tag?.toLowerCase()
    const data = tag === undefined ? entries : entries.filter((e) => e.tags.some((t) => t.toLowerCase() === tag))
    return { version, data, total_count: data.length, next_cursor: null }
  }
  // /intercom/operations (the router serves /intercom/operations/ too: ignoreTrailingSlash).
  fastify.get('/', { schema: listSchema }, list)

  fastify.post('/:operationId', {
    schema: {
      tags,
      operationId: 'callIntercomOperation',
      summary: 'Call any Intercom operation by operationId',
      description: 'Calls the Intercom operation named in the path (any of GET /intercom/operations for the request\'s Intercom-Version, else the configured one) through the facade\'s client, with that version. `path` parameters are required and typed as Intercom declares them and each is percent-encoded as one segment; `query` and `body` are validated against the operation\'s own Intercom schemas. A failure is a 400 naming the field (`path.contact_id`, `query.per_page`, `body.email`) and nothing is sent. Intercom\'s JSON answer and success status come back as is (a download operation, such as getDownloadReportingDataByJobIdentifier, is sent with the `Accept` it requires and answers the file\'s bytes and content type); Intercom errors are mapped like every route. An operationId the version does not have is a 404 naming the versions that have it.',
      params: OperationParamsSchema,
      body: OperationCallBodySchema,
      response: {
        '2xx': Type.Unknown({ description: "Intercom's JSON answer, as is (a download operation: the file, in Intercom's content type)" }),
        ...upstreamErrorResponses,
        404: problemResponse('No such operationId in the request\'s Intercom version (the versions that have it are named), or Intercom found no such object')
      }
    }
  }, async function (request, reply) {
    const version = requestVersion(request, fastify.intercom.version)
    const catalog = await loadCatalog(version)
    const op = catalog.get(request.params.operationId)
    if (op === undefined) throw unknownOperation(request.params.operationId, version)
    const prepared = prepareCall(catalog, op, request.body)
    if ('errors' in prepared) throw new InvalidInputError(prepared.errors, `Invalid input for ${op.operationId}: ${prepared.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`)
    if (prepared.accept !== undefined) {
      // A download (an export file): Intercom's bytes and content type, as they are.
      const file = await fastify.intercom.callBytes(request, prepared)
      const type = file.headers['content-type']
      const disposition = file.headers['content-disposition']
      if (typeof disposition === 'string') reply.header('content-disposition', disposition)
      return reply.code(file.status).type(typeof type === 'string' ? type : prepared.accept).send(file.data)
    }
    const r = await fastify.intercom.call(request, prepared)
    reply.code(r.status)
    if (r.data === undefined) return reply.send()
    return r.data
  })
}

export default operations
