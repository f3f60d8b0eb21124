/**
 * /teams: the workspace's teams (list, one by id).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, upstreamErrorResponses } from '../../schemas/common.js'
import { NoQuerySchema } from '../../schemas/admins.js'
import { ipath } from '../../src/upstream/path.js'
import { sendPage } from '../../src/facade/listing.js'

const tags = ['teams']

const teams: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listTeams',
      summary: 'List teams',
      description: 'Calls Intercom `listTeams` (GET /teams); answers `{ data, total_count, next_cursor }` (Intercom answers every team at once: next_cursor is null).',
      querystring: NoQuerySchema,
      response: { 200: Type.Ref('TeamList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'listTeams', method: 'GET', path: '/teams' })
    return sendPage(reply, r.data, { items: 'teams', paging: 'none' })
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getTeam',
      summary: 'Get a team',
      description: 'Calls Intercom `retrieveTeam` (GET /teams/{id}).',
      params: IdParamsSchema,
      response: { 200: Type.Ref('Team'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'retrieveTeam', method: 'GET', path: ipath`/teams/${request.params.id}` })
    return r.data
  })
}

export default teams
