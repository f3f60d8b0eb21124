/**
 * Conversation shapes (Intercom's `conversation` and `message` objects, and the facade's inputs).
 */
import { Type, type Static } from '@sinclair/typebox'
import { OpaqueIdSchema, TimestampSchema } from './common.js'

/** Intercom's conversation, returned as Intercom returns it (fields beyond these pass through). */
export const ConversationSchema = Type.Object({
  type: Type.String({ examples: ['conversation'] }),
  id: Type.String({ examples: ['499'] }),
  created_at: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
  updated_at: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
  state: Type.Optional(Type.String({ examples: ['open'] })),
  open: Type.Optional(Type.Boolean())
}, { $id: 'Conversation', title: 'Conversation', additionalProperties: true, description: "Intercom's conversation object" })
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
