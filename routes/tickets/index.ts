/**
 * /tickets: create, get, update, search, reply.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IdParamsSchema, toUnixSeconds, upstreamErrorResponses } from '../../schemas/common.js'
import { ReplyBodySchema } from '../../schemas/conversations.js'
import { SearchBodySchema } from '../../schemas/search.js'
import { CreateTicketBodySchema, TicketPartSchema, UpdateTicketBodySchema } from '../../schemas/tickets.js'
import { ipath } from '../../src/upstream/path.js'
import { toReplyPayload } from '../../src/facade/conversations.js'
import { toIntercomSearch } from '../../src/facade/search.js'
import { TICKET_SEARCH_FIELDS } from '../../src/facade/formula.js'
import { sendPage } from '../../src/facade/listing.js'
import { replyAuthorOrDefault } from '../../src/facade/admin.js'
import { answerBytesFor, answerFor } from '../../src/facade/versions.js'
import { versionOf } from '../../src/plugins/intercom-version.js'

const tags = ['tickets']
const TicketRef = Type.Ref('Ticket')

const tickets: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.post('/', {
    schema: {
      tags,
      operationId: 'createTicket',
      summary: 'Create a ticket',
      description: 'Calls Intercom `createTicket` (POST /tickets) with the ticket type, the one contact and the `ticket_attributes` as given (`created_at` in Unix seconds); answers the ticket.',
      body: CreateTicketBodySchema,
      response: { 200: TicketRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const payload: Record<string, unknown> = { ...request.body }
    if (request.body.created_at !== undefined) payload.created_at = toUnixSeconds(request.body.created_at)
    const r = await intercom.call(request, { operationId: 'createTicket', method: 'POST', path: '/tickets', body: payload })
    return answerFor(versionOf(request), 'ticket', r.data)
  })

  fastify.post('/search', {
    schema: {
      tags,
      operationId: 'searchTickets',
      summary: 'Search tickets',
      description: "Exactly one form: Intercom's `query` object, the shorthand `field` + `operator` + `value`, or a `filter` formula. Calls Intercom `searchTickets` (POST /tickets/search); the answer is normalised to `{ data, total_count, next_cursor }`.",
      body: SearchBodySchema,
      response: { 200: Type.Ref('TicketList'), ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const r = await intercom.callRaw(request, { operationId: 'searchTickets', method: 'POST', path: '/tickets/search', body: toIntercomSearch(request.body, TICKET_SEARCH_FIELDS) })
    return sendPage(reply, answerBytesFor(versionOf(request), 'ticket', r.data, 'tickets'), { items: 'tickets', paging: 'cursor' })
  })

  fastify.get('/:id', {
    schema: {
      tags,
      operationId: 'getTicket',
      summary: 'Get a ticket',
      description: 'Calls Intercom `getTicket` (GET /tickets/{id}); `id` is the API id, not the Inbox `ticket_id`.',
      params: IdParamsSchema,
      response: { 200: TicketRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const r = await intercom.call(request, { operationId: 'getTicket', method: 'GET', path: ipath`/tickets/${request.params.id}` })
    return answerFor(versionOf(request), 'ticket', r.data)
  })

  fastify.patch('/:id', {
    schema: {
      tags,
      operationId: 'updateTicket',
      summary: 'Update a ticket',
      description: 'Partial update: attributes, state, open/closed, snooze, assignee. Calls Intercom `updateTicket` (PUT /tickets/{id}) with `snoozed_until` in Unix seconds and `admin_id` as Intercom\'s integer; answers the ticket.',
      params: IdParamsSchema,
      body: UpdateTicketBodySchema,
      response: { 200: TicketRef, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const payload: Record<string, unknown> = { ...request.body }
    if (request.body.snoozed_until !== undefined) payload.snoozed_until = toUnixSeconds(request.body.snoozed_until)
    if (request.body.admin_id !== undefined) payload.admin_id = Number(request.body.admin_id)
    const r = await intercom.call(request, { operationId: 'updateTicket', method: 'PUT', path: ipath`/tickets/${request.params.id}`, body: payload })
    return answerFor(versionOf(request), 'ticket', r.data)
  })

  fastify.post('/:id/reply', {
    schema: {
      tags,
      operationId: 'replyTicket',
      summary: 'Reply to a ticket',
      description: 'A comment or note from `admin_id`, a comment from `contact_id` or `email`, or, with no author, from the default admin (INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin from `identifyAdmin`). Calls Intercom `replyTicket` (POST /tickets/{id}/reply); answers the new ticket part.',
      params: IdParamsSchema,
      body: ReplyBodySchema,
      response: { 200: TicketPartSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const author = await replyAuthorOrDefault(request, request.body)
    const r = await intercom.call(request, { operationId: 'replyTicket', method: 'POST', path: ipath`/tickets/${request.params.id}/reply`, body: toReplyPayload(request.body, author) })
    return r.data
  })
}

export default tickets
