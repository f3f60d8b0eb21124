/**
 * Admin-initiated messages (POST /messages): the facade's input. The answer is Intercom's message
 * object (`Message`, schemas/conversations.ts).
 */
import { Type, type Static } from '@sinclair/typebox'
import { OpaqueIdSchema, TimestampSchema } from './common.js'

/** POST /messages: an in-app message or an email from an admin to one contact. */
export const CreateMessageBodySchema = Type.Object({
  message_type: Type.Union([Type.Literal('in_app'), Type.Literal('email')]),
  body: Type.String({ minLength: 1, maxLength: 65_536, description: 'HTML or plain text', examples: ['Your export is ready.'] }),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Required for an email' })),
  template: Type.Optional(Type.Union([Type.Literal('plain'), Type.Literal('personal')], { description: 'Email style (default plain for an email)' })),
  from_admin_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'The sending admin (default: INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin)' })),
  to_contact_id: { ...OpaqueIdSchema, description: "The recipient contact's Intercom id" },
  to_type: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('lead')], { description: "The recipient's role (default user)" })),
  created_at: Type.Optional({ ...TimestampSchema, description: 'When the message was created (Unix seconds or ISO 8601; sent as Unix seconds); default now' })
}, {
  additionalProperties: false,
  examples: [
    { message_type: 'in_app', body: 'Your export is ready.', to_contact_id: '6762f0dd1bb69f9f2193bb01' },
    { message_type: 'email', subject: 'Your export', body: 'It is ready.', template: 'plain', to_contact_id: '6762f0dd1bb69f9f2193bb01' }
  ]
})
export type CreateMessageBody = Static<typeof CreateMessageBodySchema>
