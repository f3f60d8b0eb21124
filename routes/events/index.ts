/**
 * /events: track a data event for a contact, and list a contact's events.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { upstreamErrorResponses } from '../../schemas/common.js'
import { CreateEventBodySchema, DataEventListSchema, EventAcceptedSchema, EventListQuerySchema } from '../../schemas/events.js'
import { InvalidInputError } from '../../src/errors.js'
import { decodeEventsCursor, encodeEventsCursor, toDataEventPayload } from '../../src/facade/events.js'
import { sendPage } from '../../src/facade/listing.js'

const tags = ['events']
const LIST_IDENTIFIERS = ['user_id', 'intercom_user_id', 'email'] as const

const events: FastifyPluginAsyncTypebox = async function (fastify) {
  const intercom = fastify.intercom

  fastify.post('/', {
    schema: {
      tags,
      operationId: 'trackEvent',
      summary: 'Track a data event',
      description: 'Names the contact with exactly one of `user_id` (your id), `id` (Intercom id; the only way for a lead) or `email`; `created_at` defaults to now. Calls Intercom `createDataEvent` (POST /events), which answers 202 with no body; answers `{ accepted, event_name, created_at }`.',
      body: CreateEventBodySchema,
      response: { 200: EventAcceptedSchema, ...upstreamErrorResponses }
    }
  }, async function (request) {
    const payload = toDataEventPayload(request.body)
    await intercom.call(request, { operationId: 'createDataEvent', method: 'POST', path: '/events', body: payload })
    return { accepted: true as const, event_name: request.body.event_name, created_at: payload.created_at as number }
  })

  fastify.get('/', {
    schema: {
      tags,
      operationId: 'listEvents',
      summary: "List a contact's data events",
      description: 'Exactly one of `user_id`, `intercom_user_id` (leads too) or `email`. Calls Intercom `lisDataEvents` (GET /events?type=user&...); Intercom lists events of the last 90 days. With `summary=true` the items are per-name counts. Intercom\'s `pages.next` link is carried in `next_cursor`.',
      querystring: EventListQuerySchema,
      response: { 200: DataEventListSchema, ...upstreamErrorResponses }
    }
  }, async function (request, reply) {
    const q = request.query
    let query: Record<string, unknown>
    if (q.starting_after !== undefined) {
      query = decodeEventsCursor(q.starting_after)
    } else {
      const given = LIST_IDENTIFIERS.filter((k) => q[k] !== undefined)
      if (given.length === 0) throw new InvalidInputError(LIST_IDENTIFIERS.map((k) => ({ field: `querystring.${k}`, message: 'is required: name the contact with exactly one of user_id, intercom_user_id or email' })))
      if (given.length > 1) throw new InvalidInputError(given.slice(1).map((k) => ({ field: `querystring.${k}`, message: `cannot be combined with ${given[0]}: give exactly one identifier` })))
      query = { type: 'user', [given[0]]: q[given[0]], summary: q.summary, per_page: q.per_page }
    }
    const r = await intercom.callRaw(request, { operationId: 'lisDataEvents', method: 'GET', path: '/events', query })
    // Intercom pages events with a `pages.next` URL, carried in an opaque cursor; no total_count.
    return sendPage(reply, r.data, { items: 'events', paging: (pages) => encodeEventsCursor((pages as { next?: unknown } | null)?.next) })
  })
}

export default events
