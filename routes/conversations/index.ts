/**
 * /conversations: start one (as a contact), get one, reply (as an admin or a contact).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, toUnixSeconds, upstreamErrorResponses } from '../../schemas/common.js'
import { CreateConversationBodySchema, GetConversationQuerySchema, ReplyBodySchema } from '../../schemas/conversations.js'
import { ipath } from '../../src/upstream/path.js'
import { replyAuthor, toReplyPayload } from '../../src/facade/conversations.js'

const tags = ['conversations']
const ConversationRef = Type.Ref('Conversation')

const conversations: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.post('/', {
    schema: {
      tags,
      operationId: 'createConversation',
      summary: 'Start a conversation as a contact',
      description: "A contact (user or lead) starts an in-app conversation. Calls Intercom `createConversation` (POST /conversations); answers Intercom's message object, whose `conversation_id` names the new conversation.",
      body: CreateConversationBodySchema,
      response: { 200: Type.Ref('Message'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const { contact_id: id, contact_type: type = 'user', body, created_at: createdAt } = request.body
    const payload: Record<string, unknown> = { from: { type, id }, body }
    if (createdAt !== undefined) payload.created_at = toUnixSeconds(createdAt)
    const r = await intercom.call(request, { operationId: 'createConversation', method: 'POST', path: '/conversations', body: payload })
    return r.data
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getConversation',
      summary: 'Get a conversation',
      description: 'Calls Intercom `retrieveConversation` (GET /conversations/{id}), with `display_as` and `include_translations` passed on.',
      params: IdParamsSchema,
      querystring: GetConversationQuerySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'retrieveConversation', method: 'GET', path: ipath`/conversations/${request.params.id}`, query: request.query })
    return r.data
  })

  fastify.post('/:id/reply', {
    schema: {
      tags,
      operationId: 'replyConversation',
      summary: 'Reply to a conversation',
      description: 'A comment or note from `admin_id`, a comment from `contact_id` or `email`, or, with no author, from the default admin (INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin from `identifyAdmin`). Calls Intercom `replyConversation` (POST /conversations/{id}/reply); answers the updated conversation.',
      params: IdParamsSchema,
      body: ReplyBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const author = replyAuthor(request.body) ?? { type: 'admin' as const, admin_id: await fastify.defaultAdminId(request) }
    const r = await intercom.call(request, { operationId: 'replyConversation', method: 'POST', path: ipath`/conversations/${request.params.id}/reply`, body: toReplyPayload(request.body, author) })
    return r.data
  })
}

export default conversations
