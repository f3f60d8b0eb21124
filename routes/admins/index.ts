/**
 * /admins: the workspace's teammates (list, one by id).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { upstreamErrorResponses } from '../../schemas/common.js'
import { AdminParamsSchema, ListAdminsQuerySchema } from '../../schemas/admins.js'
import { ipath } from '../../src/upstream/path.js'
import { sendPage } from '../../src/facade/listing.js'

const tags = ['admins']

const admins: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listAdmins',
      summary: 'List admins',
      description: "Calls Intercom `listAdmins` (GET /admins); answers `{ data, total_count, next_cursor }` (Intercom answers every admin at once: next_cursor is null).",
      querystring: ListAdminsQuerySchema,
      response: { 200: Type.Ref('AdminList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'listAdmins', method: 'GET', path: '/admins', query: request.query })
    return sendPage(reply, r.data, { items: 'admins', paging: 'none' })
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getAdmin',
      summary: 'Get an admin',
      description: 'Calls Intercom `retrieveAdmin` (GET /admins/{id}).',
      params: AdminParamsSchema,
      response: { 200: Type.Ref('Admin'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'retrieveAdmin', method: 'GET', path: ipath`/admins/${request.params.id}` })
    return r.data
  })
}

export default admins
