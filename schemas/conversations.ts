/**
 * Conversation shapes (Intercom's `conversation` and `message` objects, and the facade's inputs).
 */
import { Type, type Static } from '@sinclair/typebox'
import { CONVERSATION_FIELDS, CONVERSATION_EXAMPLE } from './intercom-objects.js'
import { FreeObjectSchema, ListSchema, OpaqueIdSchema, PageQueryProps, TimestampSchema } from './common.js'

/** Intercom's conversation, returned as Intercom returns it (fields beyond these pass through). */
export const ConversationSchema = Type.Object({
  type: Type.String({ description: 'The type of object.', examples: [CONVERSATION_EXAMPLE.type] }),
  id: Type.String({ description: "Intercom's id.", examples: [CONVERSATION_EXAMPLE.id] }),
  ...CONVERSATION_FIELDS
}, { $id: 'Conversation', title: 'Conversation', additionalProperties: true, 'x-pass-through': true, examples: [CONVERSATION_EXAMPLE], description: "Intercom's conversation object, as Intercom sends it (its documented fields; others pass through)" })
export type Conversation = Static<typeof ConversationSchema>

/** Intercom's message object (createConversation's answer). */
export const MessageSchema = Type.Object({
  type: Type.String({ examples: ['user_message'] }),
  id: Type.String(),
  created_at: Type.Optional(Type.Integer()),
  body: Type.Optional(Type.String()),
  message_type: Type.Optional(Type.String()),
  conversation_id: Type.Optional(Type.String())
}, { $id: 'Message', title: 'Message', additionalProperties: true, description: "Intercom's message object" })

/** POST /conversations: a contact starts a conversation. */
export const CreateConversationBodySchema = Type.Object({
  contact_id: Type.String({ minLength: 1, maxLength: 255, description: "The contact's Intercom id", examples: ['6762f0dd1bb69f9f2193bb83'] }),
  contact_type: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('lead'), Type.Literal('contact')], { description: "Intercom's from.type (default user)" })),
  body: Type.String({ minLength: 1, maxLength: 65_536, examples: ['Hello, I need help with my invoice'] }),
  created_at: Type.Optional(TimestampSchema)
}, { additionalProperties: false, examples: [{ contact_id: '6762f0dd1bb69f9f2193bb83', body: 'Hello, I need help with my invoice' }] })
export type CreateConversationBody = Static<typeof CreateConversationBodySchema>

/** GET /conversations/{id} query. */
export const GetConversationQuerySchema = Type.Object({
  display_as: Type.Optional(Type.Literal('plaintext', { description: 'plaintext: part bodies without HTML' })),
  include_translations: Type.Optional(Type.Boolean())
}, { additionalProperties: false })
export type GetConversationQuery = Static<typeof GetConversationQuerySchema>

/**
 * POST /conversations/{id}/reply. At most one author: `admin_id`, `contact_id` or `email`; with none,
 * the default admin. A `note` is always an admin's.
 */
export const ReplyBodySchema = Type.Object({
  body: Type.String({ minLength: 1, maxLength: 65_536, examples: ['Thanks, we are on it.'] }),
  message_type: Type.Optional(Type.Union([Type.Literal('comment'), Type.Literal('note')], { description: 'comment (default) or note' })),
  admin_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
  contact_id: Type.Optional(OpaqueIdSchema),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  attachment_urls: Type.Optional(Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 10 })),
  created_at: Type.Optional(TimestampSchema)
}, { additionalProperties: false, examples: [{ body: 'Thanks, we are on it.', message_type: 'comment' }] })
export type ReplyBody = Static<typeof ReplyBodySchema>

/** POST /conversations/{id}/reply: a reply, plus `skip_notifications` (an admin's reply, Intercom 2.15 or newer). */
export const ConversationReplyBodySchema = Type.Object({
  ...ReplyBodySchema.properties,
  skip_notifications: Type.Optional(Type.Boolean({ description: "An admin's reply that notifies nobody (Intercom 2.15 or newer; on 2.14 a 400)" }))
}, { additionalProperties: false, examples: [{ body: 'Thanks, we are on it.', message_type: 'comment' }, { body: 'Fixed quietly.', admin_id: '991267460', skip_notifications: true }] })
export type ConversationReplyBody = Static<typeof ConversationReplyBodySchema>

// ---- Listing, searching and managing conversations --------------------------------------------

/** An admin id (Intercom's are numeric strings). */
export const AdminIdSchema = Type.String({ pattern: '^[0-9]{1,20}$', description: "An admin's Intercom id", examples: ['991267460'] })

/** A normalised page of conversations. */
export const ConversationListSchema = ListSchema(Type.Ref('Conversation'), { $id: 'ConversationList', title: 'ConversationList' })

/** GET /conversations query: paging, or `all=true` for every page as NDJSON. */
export const ListConversationsQuerySchema = Type.Object({
  ...PageQueryProps,
  all: Type.Optional(Type.Boolean({ description: 'true: stream every conversation of every page as NDJSON (application/x-ndjson)' }))
}, { additionalProperties: false })
export type ListConversationsQuery = Static<typeof ListConversationsQuerySchema>

const actingAdmin = Type.Optional({ ...AdminIdSchema, description: 'The admin performing the action (default: INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin)' })
const partBody = Type.Optional(Type.String({ minLength: 1, maxLength: 65_536, description: 'A message left in the conversation with the action' }))

/** POST /conversations/{id}/assign. `assignee_id` "0" unassigns. */
export const AssignConversationBodySchema = Type.Object({
  assignee_id: Type.String({ pattern: '^[0-9]{1,20}$', description: 'The admin or team to assign to; "0" unassigns', examples: ['991267460'] }),
  assignee_type: Type.Union([Type.Literal('admin'), Type.Literal('team')], { description: "Intercom's assignment `type`" }),
  admin_id: actingAdmin,
  body: partBody
}, { additionalProperties: false, examples: [{ assignee_id: '991267460', assignee_type: 'admin' }] })
export type AssignConversationBody = Static<typeof AssignConversationBodySchema>

/** POST /conversations/{id}/close. */
export const CloseConversationBodySchema = Type.Object({
  admin_id: actingAdmin,
  body: partBody
}, { additionalProperties: false, examples: [{ body: 'Goodbye :)' }] })
export type CloseConversationBody = Static<typeof CloseConversationBodySchema>

/** POST /conversations/{id}/open (Intercom's open request takes no message body). */
export const OpenConversationBodySchema = Type.Object({
  admin_id: actingAdmin
}, { additionalProperties: false, examples: [{}] })
export type OpenConversationBody = Static<typeof OpenConversationBodySchema>

/** POST /conversations/{id}/snooze (Intercom's snooze request takes no message body). */
export const SnoozeConversationBodySchema = Type.Object({
  snoozed_until: TimestampSchema,
  admin_id: actingAdmin
}, { additionalProperties: false, examples: [{ snoozed_until: '2030-01-01T09:00:00Z' }] })
export type SnoozeConversationBody = Static<typeof SnoozeConversationBodySchema>

/** PATCH /conversations/{id}: at least one field. */
export const UpdateConversationBodySchema = Type.Object({
  read: Type.Optional(Type.Boolean()),
  title: Type.Optional(Type.String({ maxLength: 1024 })),
  custom_attributes: Type.Optional(FreeObjectSchema)
}, { additionalProperties: false, minProperties: 1, examples: [{ read: true, title: 'Export question', custom_attributes: { issue_type: 'billing' } }] })
export type UpdateConversationBody = Static<typeof UpdateConversationBodySchema>

/** POST /conversations/{id}/tags. */
export const TagConversationBodySchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255, description: "The tag's Intercom id", examples: ['7522907'] }),
  admin_id: actingAdmin
}, { additionalProperties: false, examples: [{ id: '7522907' }] })
export type TagConversationBody = Static<typeof TagConversationBodySchema>

/** DELETE /conversations/{id}/tags/{tag_id} query: the acting admin. */
export const UntagConversationQuerySchema = Type.Object({
  admin_id: actingAdmin
}, { additionalProperties: false })

/** `{ id, tag_id }` path parameters. */
export const ConversationTagParamsSchema = Type.Object({ id: OpaqueIdSchema, tag_id: OpaqueIdSchema })

/** Intercom's tag object as a tagging operation answers it. */
export const AppliedTagSchema = Type.Object({
  type: Type.String({ examples: ['tag'] }),
  id: Type.String(),
  name: Type.Optional(Type.String()),
  applied_at: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  applied_by: Type.Optional(Type.Union([Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: true }), Type.Null()]))
}, { additionalProperties: true, description: "Intercom's tag object" })
