/**
 * Ticket shapes: Intercom's `ticket` and `ticket_part` objects, the normalised ticket list, and the
 * facade's ticket inputs (Intercom's field names; `ticket_attributes` is free-form).
 */
import { Type, type Static } from '@sinclair/typebox'
import { TICKET_FIELDS, TICKET_EXAMPLE } from './intercom-objects.js'
import { FreeObjectSchema, ListSchema, TimestampSchema } from './common.js'

/** Intercom's ticket, returned as Intercom returns it (fields beyond these pass through). */
export const TicketSchema = Type.Object({
  type: Type.String({ description: 'The type of object.', examples: [TICKET_EXAMPLE.type] }),
  id: Type.String({ description: "Intercom's id.", examples: [TICKET_EXAMPLE.id] }),
  ...TICKET_FIELDS
}, { $id: 'Ticket', title: 'Ticket', additionalProperties: true, 'x-pass-through': true, examples: [TICKET_EXAMPLE], description: "Intercom's ticket object, as Intercom sends it (its documented fields; others pass through)" })
export type Ticket = Static<typeof TicketSchema>

/** A normalised page of tickets. */
export const TicketListSchema = ListSchema(Type.Ref('Ticket'), { $id: 'TicketList', title: 'TicketList' })

/** Intercom's ticket part (replyTicket's answer). */
export const TicketPartSchema = Type.Object({
  type: Type.String({ examples: ['ticket_part'] }),
  id: Type.String(),
  part_type: Type.Optional(Type.String({ examples: ['comment'] })),
  body: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  created_at: Type.Optional(Type.Integer()),
  author: Type.Optional(Type.Object({}, { additionalProperties: true }))
}, { additionalProperties: true, description: "Intercom's ticket part object" })

const id255 = (description: string) => Type.String({ minLength: 1, maxLength: 255, description })

/** One contact of a new ticket: by Intercom id, by your external_id, or by email (created when unknown). */
const TicketContactSchema = Type.Union([
  Type.Object({ id: id255("The contact's Intercom id") }, { additionalProperties: false }),
  Type.Object({ external_id: id255('Your id for the contact') }, { additionalProperties: false }),
  Type.Object({ email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'A contact with this email is created when none exists' }) }, { additionalProperties: false })
])

/** POST /tickets: Intercom's createTicket body. */
export const CreateTicketBodySchema = Type.Object({
  ticket_type_id: id255('The ticket type'),
  contacts: Type.Array(TicketContactSchema, { minItems: 1, maxItems: 1, description: 'The contact the ticket is about (Intercom takes exactly one)' }),
  ticket_attributes: Type.Optional({ ...FreeObjectSchema, description: 'e.g. { "_default_title_": "...", "_default_description_": "..." }' }),
  conversation_to_link_id: Type.Optional(id255('A conversation to link to the ticket')),
  company_id: Type.Optional(id255("The company's Intercom id")),
  created_at: Type.Optional(TimestampSchema),
  assignment: Type.Optional(Type.Object({
    admin_assignee_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
    team_assignee_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' }))
  }, { additionalProperties: false })),
  skip_notifications: Type.Optional(Type.Boolean())
}, {
  additionalProperties: false,
  examples: [{ ticket_type_id: '1', contacts: [{ id: '6762f0dd1bb69f9f2193bb01' }], ticket_attributes: { _default_title_: 'Export fails', _default_description_: 'The CSV is empty' } }]
})
export type CreateTicketBody = Static<typeof CreateTicketBodySchema>

/** PATCH /tickets/{id}: Intercom's updateTicket body, at least one field. */
export const UpdateTicketBodySchema = Type.Object({
  ticket_attributes: Type.Optional(FreeObjectSchema),
  ticket_state_id: Type.Optional(id255('A state of the ticket\'s type')),
  company_id: Type.Optional(id255("The company's Intercom id")),
  open: Type.Optional(Type.Boolean({ description: 'false closes the ticket (and unsnoozes it)' })),
  is_shared: Type.Optional(Type.Boolean()),
  snoozed_until: Type.Optional(TimestampSchema),
  admin_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'The admin performing the update' })),
  assignee_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'Admin or team to assign; "0" unassigns' })),
  skip_notifications: Type.Optional(Type.Boolean())
}, { additionalProperties: false, minProperties: 1, examples: [{ ticket_state_id: '2', ticket_attributes: { _default_title_: 'Export fails on large files' } }] })
export type UpdateTicketBody = Static<typeof UpdateTicketBodySchema>
