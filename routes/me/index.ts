/**
 * /me: the admin the access token belongs to, with its workspace.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { upstreamErrorResponses } from '../../schemas/common.js'
import { NoQuerySchema } from '../../schemas/admins.js'

const me: FastifyPluginAsyncTypebox = async function (fastify) {
  fastify.get('/', {
    schema: {
      tags: ['admins'],
      operationId: 'getMe',
      summary: "Get the token's admin",
      description: "Calls Intercom `identifyAdmin` (GET /me); answers the admin with its workspace (`app`).",
      querystring: NoQuerySchema,
      response: { 200: Type.Ref('Admin'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await fastify.intercom.call(request, { operationId: 'identifyAdmin', method: 'GET', path: '/me' })
    return r.data
  })
}

export default me
