/**
 * /conversations: start one (as a contact), get one, reply (as an admin or a contact); list, search,
 * assign, close, open, snooze, update, tag and untag.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, toUnixSeconds, upstreamErrorResponses } from '../../schemas/common.js'
import { ConversationReplyBodySchema, CreateConversationBodySchema, GetConversationQuerySchema } from '../../schemas/conversations.js'
import { ipath } from '../../src/upstream/path.js'
import { replyAuthor, toReplyPayload } from '../../src/facade/conversations.js'
import { actingAdminId, replyAuthorOrDefault } from '../../src/facade/admin.js'
import type { FastifyRequest } from 'fastify'
import {
  AppliedTagSchema, AssignConversationBodySchema, CloseConversationBodySchema, ConversationTagParamsSchema, ListConversationsQuerySchema,
  OpenConversationBodySchema, SnoozeConversationBodySchema, TagConversationBodySchema, UntagConversationQuerySchema, UpdateConversationBodySchema
} from '../../schemas/conversations.js'
import { SearchBodySchema } from '../../schemas/search.js'
import { MANAGE_MESSAGE_TYPES, toManagePayload } from '../../src/facade/conversations.js'
import { toIntercomSearch } from '../../src/facade/search.js'
import { CONVERSATION_SEARCH_FIELDS } from '../../src/facade/formula.js'
import { sendList, sendPage } from '../../src/facade/listing.js'
import type { ListShape } from '../../src/facade/pagination.js'
import { answerBytesFor, answerFor, checkReplyOptions } from '../../src/facade/versions.js'
import { versionOf } from '../../src/plugins/intercom-version.js'

/** Intercom's conversation.list: the items are under `conversations`, cursor pages. */
const CONVERSATION_LIST: ListShape = { items: 'conversations', paging: 'cursor' }

/** A request sent with no body at all is taken as `{}` (for actions whose fields are all optional). */
async function emptyBodyIsObject (request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {}
}

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
    return answerFor(versionOf(request), 'conversation', r.data)
  })

  fastify.post('/:id/reply', {
    schema: {
      tags,
      operationId: 'replyConversation',
      summary: 'Reply to a conversation',
      description: 'A comment or note from `admin_id`, a comment from `contact_id` or `email`, or, with no author, from the default admin (INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin from `identifyAdmin`). `skip_notifications: true` (an admin\'s reply, Intercom-Version 2.15 or newer; a 400 on 2.14) notifies nobody. Calls Intercom `replyConversation` (POST /conversations/{id}/reply); answers the updated conversation.',
      params: IdParamsSchema,
      body: ConversationReplyBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const v = versionOf(request)
    const named = replyAuthor(request.body)
    checkReplyOptions(v, request.body, named === null || named.type === 'admin')
    const author = await replyAuthorOrDefault(request, request.body)
    const r = await intercom.call(request, { operationId: 'replyConversation', method: 'POST', path: ipath`/conversations/${request.params.id}/reply`, body: toReplyPayload(request.body, author) })
    return answerFor(v, 'conversation', r.data)
  })
  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listConversations',
      summary: 'List conversations',
      description: 'Calls Intercom `listConversations` (GET /conversations, cursor pages); answers `{ data, total_count, next_cursor }`. With `all=true`, streams every conversation of every page as NDJSON (application/x-ndjson).',
      querystring: ListConversationsQuerySchema,
      response: { 200: Type.Ref('ConversationList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const perPage = request.query.all === true ? request.query.per_page ?? 150 : request.query.per_page
    return sendList(request, reply, CONVERSATION_LIST, request.query, (paging) =>
      ({ operationId: 'listConversations', method: 'GET', path: '/conversations', query: { per_page: perPage, ...paging } }), 'conversation')
  })

  fastify.post('/search', {
    schema: {
      tags,
      operationId: 'searchConversations',
      summary: 'Search conversations',
      description: "Exactly one form: Intercom's `query` object, the shorthand `field` + `operator` + `value`, or a `filter` formula. Calls Intercom `searchConversations` (POST /conversations/search); the answer is normalised to `{ data, total_count, next_cursor }`.",
      body: SearchBodySchema,
      response: { 200: Type.Ref('ConversationList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'searchConversations', method: 'POST', path: '/conversations/search', body: toIntercomSearch(request.body, CONVERSATION_SEARCH_FIELDS) })
    return sendPage(reply, answerBytesFor(versionOf(request), 'conversation', r.data, 'conversations'), CONVERSATION_LIST)
  })

  fastify.post('/:id/assign', {
    schema: {
      tags,
      operationId: 'assignConversation',
      summary: 'Assign a conversation to an admin or a team',
      description: 'Calls Intercom `manageConversation` (POST /conversations/{id}/parts) with `message_type: assignment`, `type` = `assignee_type`, `assignee_id` ("0" unassigns) and the acting `admin_id` (default: INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin); answers the updated conversation.',
      params: IdParamsSchema,
      body: AssignConversationBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    return manage(request, request.params.id, 'assign', request.body)
  })

  fastify.post('/:id/close', {
    schema: {
      tags,
      operationId: 'closeConversation',
      summary: 'Close a conversation',
      description: 'Calls Intercom `manageConversation` (POST /conversations/{id}/parts) with `message_type: close`, `type: admin`, the acting `admin_id` (default admin when none) and an optional `body`; answers the updated conversation.',
      params: IdParamsSchema,
      body: CloseConversationBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    },
    preValidation: emptyBodyIsObject
  }, async function (request) {
    return manage(request, request.params.id, 'close', request.body)
  })

  fastify.post('/:id/open', {
    schema: {
      tags,
      operationId: 'openConversation',
      summary: 'Open a closed or snoozed conversation',
      description: 'Calls Intercom `manageConversation` (POST /conversations/{id}/parts) with `message_type: open` and the acting `admin_id` (default admin when none); answers the updated conversation.',
      params: IdParamsSchema,
      body: OpenConversationBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    },
    preValidation: emptyBodyIsObject
  }, async function (request) {
    return manage(request, request.params.id, 'open', request.body)
  })

  fastify.post('/:id/snooze', {
    schema: {
      tags,
      operationId: 'snoozeConversation',
      summary: 'Snooze a conversation until a time',
      description: 'Calls Intercom `manageConversation` (POST /conversations/{id}/parts) with `message_type: snoozed`, `snoozed_until` (Unix seconds or ISO 8601 in; Unix seconds sent) and the acting `admin_id` (default admin when none); answers the updated conversation.',
      params: IdParamsSchema,
      body: SnoozeConversationBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    return manage(request, request.params.id, 'snooze', request.body)
  })

  fastify.patch('/:id', {
    schema: {
      tags,
      operationId: 'updateConversation',
      summary: 'Update a conversation',
      description: 'Marks it read, sets its title or custom attributes. Calls Intercom `updateConversation` (PUT /conversations/{id}); answers the updated conversation.',
      params: IdParamsSchema,
      body: UpdateConversationBodySchema,
      response: { 200: ConversationRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'updateConversation', method: 'PUT', path: ipath`/conversations/${request.params.id}`, body: request.body })
    return answerFor(versionOf(request), 'conversation', r.data)
  })

  fastify.post('/:id/tags', {
    schema: {
      tags,
      operationId: 'tagConversation',
      summary: 'Tag a conversation',
      description: 'Calls Intercom `attachTagToConversation` (POST /conversations/{id}/tags) with the tag `id` and the acting `admin_id` (default admin when none); answers the tag.',
      params: IdParamsSchema,
      body: TagConversationBodySchema,
      response: { 200: AppliedTagSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const adminId = await actingAdminId(request, request.body.admin_id)
    const r = await intercom.call(request, { operationId: 'attachTagToConversation', method: 'POST', path: ipath`/conversations/${request.params.id}/tags`, body: { id: request.body.id, admin_id: adminId } })
    return r.data
  })

  fastify.delete('/:id/tags/:tag_id', {
    schema: {
      tags,
      operationId: 'untagConversation',
      summary: 'Remove a tag from a conversation',
      description: 'Calls Intercom `detachTagFromConversation` (DELETE /conversations/{id}/tags/{tag_id}) with the acting `admin_id` (query; default admin when none); answers the tag.',
      params: ConversationTagParamsSchema,
      querystring: UntagConversationQuerySchema,
      response: { 200: AppliedTagSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const adminId = await actingAdminId(request, request.query.admin_id)
    const r = await intercom.call(request, { operationId: 'detachTagFromConversation', method: 'DELETE', path: ipath`/conversations/${request.params.id}/tags/${request.params.tag_id}`, body: { admin_id: adminId } })
    return r.data
  })

  /** Run one manageConversation action as the given or the default admin. */
  async function manage (request: FastifyRequest, id: string, action: keyof typeof MANAGE_MESSAGE_TYPES, body: Parameters<typeof toManagePayload>[1] & { admin_id?: string }): Promise<unknown> {
    const adminId = await actingAdminId(request, body.admin_id)
    const r = await intercom.call(request, { operationId: 'manageConversation', method: 'POST', path: ipath`/conversations/${id}/parts`, body: toManagePayload(action, body, adminId) })
    return answerFor(versionOf(request), 'conversation', r.data)
  }
}

export default conversations
