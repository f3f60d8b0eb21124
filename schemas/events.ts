/**
 * Data event shapes: the facade's track body and list query, and Intercom's event objects.
 */
import { Type, type Static } from '@sinclair/typebox'
import { ListSchema, TimestampSchema } from './common.js'

/** Metadata values: strings, numbers, booleans, or Intercom's rich link / monetary amount objects. */
const MetadataSchema = Type.Record(Type.String({ minLength: 1, maxLength: 255 }), Type.Union([
  Type.String({ maxLength: 65_536 }),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Object({ url: Type.String({ format: 'uri', maxLength: 2048 }), value: Type.String({ maxLength: 65_536 }) }, { additionalProperties: false, description: 'Rich link' }),
  Type.Object({ amount: Type.Integer({ minimum: 0 }), currency: Type.String({ minLength: 3, maxLength: 3 }) }, { additionalProperties: false, description: 'Monetary amount in cents' })
]), { maxProperties: 10, description: 'At most 10 keys (Intercom ignores the rest); no nesting beyond rich links and monetary amounts' })

/** POST /events: exactly one of `user_id`, `id`, `email` names the contact. */
export const CreateEventBodySchema = Type.Object({
  event_name: Type.String({ minLength: 1, maxLength: 255, examples: ['invited-friend'] }),
  created_at: Type.Optional(TimestampSchema),
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Your id for the user (external_id)' })),
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "The contact's Intercom id (the only way to name a lead)" })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  metadata: Type.Optional(MetadataSchema)
}, {
  additionalProperties: false,
  examples: [{ event_name: 'invited-friend', user_id: 'user-1001', metadata: { invitee_email: 'pi@example.org', invite_code: 'ADDAFRIEND' } }]
})
export type CreateEventBody = Static<typeof CreateEventBodySchema>

/** The facade's answer to POST /events (Intercom answers 202 with no body). */
export const EventAcceptedSchema = Type.Object({
  accepted: Type.Literal(true),
  event_name: Type.String(),
  created_at: Type.Integer({ description: 'Unix seconds, as sent' })
})

/** GET /events: exactly one of `user_id`, `intercom_user_id`, `email`. */
export const EventListQuerySchema = Type.Object({
  user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  intercom_user_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  summary: Type.Optional(Type.Boolean({ description: 'true: per-event-name counts instead of events' })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 150 })),
  starting_after: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'The previous answer\'s next_cursor' }))
}, { additionalProperties: false })
export type EventListQuery = Static<typeof EventListQuerySchema>

/** One of Intercom's events (or, with summary=true, one per-name summary). */
export const DataEventSchema = Type.Object({
  type: Type.Optional(Type.String({ examples: ['event'] })),
  event_name: Type.Optional(Type.String()),
  name: Type.Optional(Type.String({ description: 'summary=true: the event name' })),
  created_at: Type.Optional(Type.Integer()),
  metadata: Type.Optional(Type.Object({}, { additionalProperties: true }))
}, { additionalProperties: true })

/** A normalised page of events. */
export const DataEventListSchema = ListSchema(DataEventSchema)
