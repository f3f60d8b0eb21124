/**
 * Webhooks in: the notification envelope Intercom posts (validated at intake), and the shapes of the
 * operator routes (stored events, deliveries). Timestamps from Intercom are Unix seconds; ours
 * (`received_at`, `updated_at`, `next_attempt_at`) are ISO 8601.
 */
import { Type, type Static } from '@sinclair/typebox'
import { ListSchema } from './common.js'

/**
 * Intercom's notification envelope (`type: notification_event`). Only the fields the service relies
 * on are required; the rest (delivery_attempts, first_sent_at, links, ...) pass through untouched.
 */
export const NotificationEnvelopeSchema = Type.Object({
  type: Type.Literal('notification_event'),
  id: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', description: 'Notification id (dedupe key)' }),
  topic: Type.String({ minLength: 1, maxLength: 200, pattern: '^[a-z0-9_.]+$', examples: ['contact.user.created'] }),
  app_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'The workspace id' }),
  created_at: Type.Integer({ minimum: 0, description: 'Unix seconds' }),
  data: Type.Object({ item: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: true })
}, { additionalProperties: true })
export type NotificationEnvelope = Static<typeof NotificationEnvelopeSchema>

/** The intake's answer once a notification is stored (or recognised as a repeat). */
export const IntakeAnswerSchema = Type.Object({
  received: Type.Literal(true),
  duplicate: Type.Boolean({ description: 'True when this notification id was already stored (Intercom retried); nothing new is stored.' })
})

/** One stored notification. */
export const WebhookEventSchema = Type.Object({
  cursor: Type.String({ description: 'Position in the store; pass as `after` to page on' }),
  id: Type.String({ description: "Intercom's notification id" }),
  topic: Type.String(),
  app_id: Type.String(),
  received_at: Type.String({ description: 'ISO 8601' }),
  notification: Type.Object({}, { additionalProperties: true, description: 'The notification as Intercom sent it' })
}, { title: 'WebhookEvent' })
export type WebhookEvent = Static<typeof WebhookEventSchema>

export const WebhookEventListSchema = ListSchema(WebhookEventSchema, { title: 'WebhookEventList' })

export const WebhookEventQuerySchema = Type.Object({
  topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[a-z0-9_.*]+$', description: 'Only this topic; `*` matches any run of characters (`conversation.*`)' })),
  after: Type.Optional(Type.String({ pattern: '^\\d{1,15}-\\d{1,10}$', description: 'The previous page\'s next_cursor (or an event\'s cursor): events stored after it' })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 }))
}, { additionalProperties: false })

/** Delivery states: `retrying` (an attempt failed, another is due), `failed` (dead-lettered), `pending` (queued again by an operator), `delivered`. */
export const DeliveryStatusSchema = Type.Union(['retrying', 'failed', 'pending', 'delivered'].map((s) => Type.Literal(s)))
export type DeliveryStatus = Static<typeof DeliveryStatusSchema>

/** A delivery of one notification to one subscriber that needed more than one attempt. */
export const WebhookDeliverySchema = Type.Object({
  id: Type.String({ description: '<subscriber>~<notification id>' }),
  subscriber: Type.String(),
  notification_id: Type.String(),
  topic: Type.String(),
  app_id: Type.String(),
  cursor: Type.String(),
  status: DeliveryStatusSchema,
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  received_at: Type.String({ description: 'ISO 8601: when the notification arrived' }),
  updated_at: Type.String({ description: 'ISO 8601' })
}, { title: 'WebhookDelivery' })
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>

export const WebhookDeliveryListSchema = ListSchema(WebhookDeliverySchema, { title: 'WebhookDeliveryList' })

export const WebhookDeliveryQuerySchema = Type.Object({
  status: Type.Optional(DeliveryStatusSchema),
  subscriber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  starting_after: Type.Optional(Type.String({ pattern: '^\\d{1,9}$', description: 'The previous page\'s next_cursor' }))
}, { additionalProperties: false })

export const DeliveryIdParamsSchema = Type.Object({ id: Type.String({ minLength: 3, maxLength: 400 }) })
