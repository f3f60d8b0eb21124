/**
 * /messages: an admin sends an in-app message or an email to one contact.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { toUnixSeconds, upstreamErrorResponses } from '../../schemas/common.js'
import { CreateMessageBodySchema } from '../../schemas/messages.js'
import { InvalidInputError } from '../../src/errors.js'
import { actingAdminId } from '../../src/facade/admin.js'

const messages: FastifyPluginAsyncTypebox = async function (fastify) {
  fastify.post('/', {
    schema: {
      tags: ['messages'],
      operationId: 'createMessage',
      summary: 'Send a message from an admin',
      description: "Calls Intercom `createMessage` (POST /messages) with `from: { type: 'admin', id }` (`from_admin_id`, else the default admin) and `to: { type: to_type, id: to_contact_id }`. An email needs `subject`; its `template` defaults to `plain`; `created_at` (Unix seconds or ISO 8601) is sent as Unix seconds. Answers Intercom's message object.",
      body: CreateMessageBodySchema,
      response: { 200: Type.Ref('Message'), ...upstreamErrorResponses }
    }
  }, async function (request) {
    const b = request.body
    if (b.message_type === 'email' && b.subject === undefined) throw new InvalidInputError([{ field: 'body.subject', message: 'is required for an email' }])
    const adminId = await actingAdminId(request, b.from_admin_id)
    const payload: Record<string, unknown> = { message_type: b.message_type }
    if (b.subject !== undefined) payload.subject = b.subject
    payload.body = b.body
    const template = b.template ?? (b.message_type === 'email' ? 'plain' : undefined)
    if (template !== undefined) payload.template = template
    payload.from = { type: 'admin', id: Number(adminId) }
    payload.to = { type: b.to_type ?? 'user', id: b.to_contact_id }
    if (b.created_at !== undefined) payload.created_at = toUnixSeconds(b.created_at)
    const r = await fastify.intercom.call(request, { operationId: 'createMessage', method: 'POST', path: '/messages', body: payload })
    return r.data
  })
}

export default messages
