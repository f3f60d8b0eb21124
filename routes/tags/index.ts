/**
 * /tags: list, create (idempotent by name, as Intercom), delete.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, upstreamErrorResponses } from '../../schemas/common.js'
import { CreateTagBodySchema, DeletedTagSchema } from '../../schemas/tags.js'
import { sendPage } from '../../src/facade/listing.js'
import { ipath } from '../../src/upstream/path.js'

const tags = ['tags']

const tagRoutes: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listTags',
      summary: 'List tags',
      description: 'Calls Intercom `listTags` (GET /tags). Intercom answers every tag at once, so `next_cursor` is null.',
      response: { 200: Type.Ref('TagList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'listTags', method: 'GET', path: '/tags' })
    return sendPage(reply, r.data, { items: 'data', paging: 'none' })
  })

  fastify.post('/', {
    schema: {
      tags,
      operationId: 'createTag',
      summary: 'Create a tag',
      description: 'Calls Intercom `createTag` (POST /tags `{ name }`); a name that exists answers the existing tag.',
      body: CreateTagBodySchema,
      response: { 200: Type.Ref('Tag'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'createTag', method: 'POST', path: '/tags', body: { name: request.body.name } })
    return r.data
  })

  fastify.delete('/:id', {
    schema: {
      tags,
      operationId: 'deleteTag',
      summary: 'Delete a tag',
      description: 'Calls Intercom `deleteTag` (DELETE /tags/{id}), which answers no body; answers `{ type: "tag", id, deleted: true }`. A tag used by a segment cannot be deleted (400).',
      params: IdParamsSchema,
      response: { 200: DeletedTagSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    await intercom.call(request, { operationId: 'deleteTag', method: 'DELETE', path: ipath`/tags/${request.params.id}` })
    return { type: 'tag' as const, id: request.params.id, deleted: true as const }
  })
}

export default tagRoutes
