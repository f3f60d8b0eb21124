/**
 * Webhooks in (registered by src/webhooks/plugin.ts under /webhooks):
 * - `POST /webhooks/intercom`: Intercom's notifications. Open to Intercom (no API key: its auth is
 *   `X-Hub-Signature`, src/plugins/auth.ts ALWAYS_OPEN). The raw body is verified (HMAC-SHA1 with
 *   INTERCOM_CLIENT_SECRET, constant-time) before parsing: missing/wrong → 401, nothing stored; no
 *   secret configured → 503; a body that is not a notification envelope → 400; then stored (deduped
 *   on the notification id) and answered 200 only once stored; the store unreachable → 503 (Intercom
 *   retries). With tracing on, the outcome goes on the request's span and the span's traceparent is
 *   stored with the notification (src/webhooks/tracing.ts).
 * - `GET /webhooks/events`, `GET /webhooks/deliveries`, `POST /webhooks/deliveries/:id/retry`: for
 *   internal services and operators, behind the API keys.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Ajv } from 'ajv'
import { build, sendProblem } from '../../src/plugins/problem-details.js'
import { fieldErrors } from '../../src/validation.js'
import { verifyIntercomSignature } from '../../src/webhooks/signature.js'
import { topicMatcher } from '../../src/webhooks/topics.js'
import type { AppendInput, DeliveryRecord, StoredEvent } from '../../src/webhooks/store.js'
import { problemResponse } from '../../schemas/common.js'
import {
  DeliveryIdParamsSchema, IntakeAnswerSchema, NotificationEnvelopeSchema, WebhookDeliveryListSchema, WebhookDeliveryQuerySchema,
  WebhookDeliverySchema, WebhookEventListSchema, WebhookEventQuerySchema, type NotificationEnvelope, type WebhookDelivery, type WebhookEvent
} from '../../schemas/webhooks.js'

export interface WebhookRoutesOptions { clientSecret: string | undefined }

const validEnvelope = new Ajv({ allErrors: true, strict: false }).compile<NotificationEnvelope>(NotificationEnvelopeSchema)

function eventOut (e: StoredEvent): WebhookEvent {
  return { cursor: e.cursor, id: e.notificationId, topic: e.topic, app_id: e.workspace, received_at: new Date(e.receivedAt).toISOString(), notification: JSON.parse(e.body) }
}

function deliveryOut (r: DeliveryRecord): WebhookDelivery {
  return {
    id: r.id,
    subscriber: r.subscriber,
    notification_id: r.notificationId,
    topic: r.topic,
    app_id: r.workspace,
    cursor: r.cursor,
    status: r.status,
    attempts: r.attempts,
    last_error: r.lastError,
    received_at: new Date(r.receivedAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString()
  }
}

const intake: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async function (fastify, opts) {
  // The signature is over the exact bytes: keep the body raw (this context only).
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  const { store, metrics, tracer } = fastify.webhooks

  fastify.post('/intercom', {
    // Intercom posts often: no per-request info lines (refusals are logged at warn).
    logLevel: 'warn',
    schema: {
      tags: ['webhooks'],
      summary: 'Intercom webhook notifications (for Intercom)',
      description: 'Set this URL as the webhook endpoint of the Intercom app. Needs no API key: the body must carry `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body keyed with INTERCOM_CLIENT_SECRET. A notification is answered 200 once stored; a repeat of a stored notification id is answered 200 with `duplicate: true` and not stored again.',
      headers: Type.Object({ 'x-hub-signature': Type.Optional(Type.String({ description: 'sha1=<40 hex chars>' })) }),
      response: {
        200: IntakeAnswerSchema,
        400: problemResponse('The body is not a notification envelope (one entry per failing field)'),
        401: problemResponse('X-Hub-Signature is missing or does not match; nothing was stored'),
        503: problemResponse('No INTERCOM_CLIENT_SECRET is configured, or the store is unreachable; nothing was stored')
      }
    }
  }, async function (request, reply) {
    if (opts.clientSecret === undefined) {
      rejected(request, 'not_configured')
      return sendProblem(reply, build(request, 503, 'WEBHOOKS_NOT_CONFIGURED', 'INTERCOM_CLIENT_SECRET is not set, so notifications cannot be verified and none is accepted.'))
    }
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const verdict = verifyIntercomSignature(raw, request.headers['x-hub-signature'], opts.clientSecret)
    if (verdict !== 'ok') {
      rejected(request, `${verdict}_signature`)
      request.log.warn({ webhook: `${verdict}_signature` }, 'webhook notification refused: bad X-Hub-Signature')
      return sendProblem(reply.header('www-authenticate', 'HMAC-SHA1 header="X-Hub-Signature"'), build(request, 401, verdict === 'missing' ? 'WEBHOOK_SIGNATURE_MISSING' : 'WEBHOOK_SIGNATURE_INVALID',
        verdict === 'missing' ? 'X-Hub-Signature is required: sha1=<HMAC-SHA1 of the raw body with the client secret>.' : 'X-Hub-Signature does not match the body.'))
    }
    const text = raw.toString('utf8')
    let envelope: unknown
    try {
      envelope = JSON.parse(text)
    } catch (err) {
      rejected(request, 'invalid_json')
      return sendProblem(reply, build(request, 400, 'WEBHOOK_INVALID_BODY', `The body is not JSON: ${(err as Error).message}`, { errors: [{ field: 'body', message: 'is not JSON' }] }))
    }
    if (!validEnvelope(envelope)) {
      rejected(request, 'invalid_envelope')
      const errors = fieldErrors(validEnvelope.errors as Parameters<typeof fieldErrors>[0], 'body')
      return sendProblem(reply, build(request, 400, 'WEBHOOK_INVALID_ENVELOPE', `The body is not a notification envelope: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors }))
    }
    const event: AppendInput = { workspace: envelope.app_id, topic: envelope.topic, notificationId: envelope.id, receivedAt: Date.now(), body: text }
    if (tracer !== undefined) {
      const traceparent = tracer.traceparent(request)
      if (traceparent !== undefined) event.traceparent = traceparent
    }
    let outcome: { duplicate: boolean, cursor: string | null }
    try {
      outcome = await store.append(event)
    } catch (err) {
      rejected(request, 'store_unavailable', envelope)
      request.log.error({ err }, 'webhook notification not stored: the store is unreachable')
      return sendProblem(reply, build(request, 503, 'WEBHOOK_STORE_UNAVAILABLE', 'The notification could not be stored; nothing was accepted. Intercom retries.'), { 'retry-after': '1' })
    }
    if (outcome.duplicate) metrics.duplicates.inc()
    else metrics.received.inc({ topic: envelope.topic })
    tracer?.intake(request, { outcome: outcome.duplicate ? 'duplicate' : 'stored', topic: envelope.topic, notificationId: envelope.id, workspace: envelope.app_id, cursor: outcome.cursor })
    return { received: true as const, duplicate: outcome.duplicate }
  })

  /** A refusal: counted by reason, and (tracing on) said on the request's span. */
  function rejected (request: FastifyRequest, reason: string, envelope?: NotificationEnvelope): void {
    metrics.rejected.inc({ reason })
    tracer?.intake(request, { outcome: 'rejected', reason, topic: envelope?.topic, notificationId: envelope?.id, workspace: envelope?.app_id })
  }
}

const operate: FastifyPluginAsyncTypebox = async function (fastify) {
  const { store, loops } = fastify.webhooks

  fastify.get('/events', {
    schema: {
      tags: ['webhooks'],
      summary: 'Stored Intercom notifications',
      description: 'The Intercom notifications stored (oldest first, within WEBHOOK_RETENTION_MS), optionally of one topic pattern. Page on with `after=<next_cursor>`. With a topic filter on Redis, `total_count` is null and a page may be short with a next_cursor (at most 10 000 are scanned per call).',
      querystring: WebhookEventQuerySchema,
      response: { 200: WebhookEventListSchema }
    }
  }, async function (request) {
    const { topic, after, per_page: perPage = 50 } = request.query
    const page = await store.list({ after, limit: perPage, match: topic === undefined ? undefined : topicMatcher([topic]) })
    return { data: page.data.map(eventOut), total_count: page.total, next_cursor: page.next }
  })

  fastify.get('/deliveries', {
    schema: {
      tags: ['webhooks'],
      summary: 'Deliveries to subscribers that needed retries',
      description: 'Deliveries that failed at least once, most recently updated first: `retrying` (another attempt is due), `failed` (dead-lettered: no attempt left), `pending` (queued again by an operator), `delivered` (after retries).',
      querystring: WebhookDeliveryQuerySchema,
      response: { 200: WebhookDeliveryListSchema }
    }
  }, async function (request) {
    const { status, subscriber, per_page: perPage = 50, starting_after: startingAfter } = request.query
    const all = (await store.listDeliveries()).filter((r) => (status === undefined || r.status === status) && (subscriber === undefined || r.subscriber === subscriber))
    const from = startingAfter === undefined ? 0 : Number(startingAfter)
    const data = all.slice(from, from + perPage)
    return { data: data.map(deliveryOut), total_count: all.length, next_cursor: from + perPage < all.length ? String(from + perPage) : null }
  })

  fastify.post('/deliveries/:id/retry', {
    schema: {
      tags: ['webhooks'],
      summary: 'Deliver a dead-lettered notification again',
      description: 'Queues a `failed` delivery for one more round of attempts (WEBHOOK_MAX_ATTEMPTS, WEBHOOK_MAX_AGE_MS from now) by its subscriber\'s delivery loop. Answers 202 with the delivery, now `pending`.',
      params: DeliveryIdParamsSchema,
      response: {
        202: WebhookDeliverySchema,
        404: problemResponse('No such delivery, or its subscriber is no longer configured'),
        409: problemResponse('The delivery is not dead-lettered (status is not failed)')
      }
    }
  }, async function (request, reply) {
    const record = await store.getDelivery(request.params.id)
    if (record === undefined || !loops.subscribers.includes(record.subscriber)) {
      return sendProblem(reply, build(request, 404, 'WEBHOOK_DELIVERY_NOT_FOUND', `No delivery ${request.params.id}${record === undefined ? '' : ` (subscriber ${record.subscriber} is no longer configured)`}.`))
    }
    if (record.status !== 'failed') {
      return sendProblem(reply, build(request, 409, 'WEBHOOK_DELIVERY_NOT_FAILED', `Delivery ${record.id} is ${record.status}, not failed; only a dead-lettered delivery can be retried.`))
    }
    const queued: DeliveryRecord = { ...record, status: 'pending', updatedAt: Date.now() }
    await store.putDelivery(queued)
    await store.queueRetry(record.subscriber, record.id)
    return reply.code(202).send(deliveryOut(queued))
  })
}

const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async function (fastify, opts) {
  await fastify.register(intake, { clientSecret: opts.clientSecret })
  await fastify.register(operate)
}

export default webhookRoutes
