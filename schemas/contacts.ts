/**
 * Contact shapes (Intercom's `contact` object and the facade's contact inputs). Field names are
 * Intercom's; timestamps in are Unix seconds or ISO 8601, out are Intercom's Unix seconds.
 */
import { Type, type Static } from '@sinclair/typebox'
import { CONTACT_FIELDS, CONTACT_EXAMPLE } from './intercom-objects.js'
import { FreeObjectSchema, ListSchema, TimestampSchema } from './common.js'
import { PATH_VALUE_RULE } from '../src/upstream/path.js'

const NullableString = Type.Union([Type.String(), Type.Null()])

/** Intercom's contact, returned as Intercom returns it (fields beyond these pass through). */
export const ContactSchema = Type.Object({
  type: Type.String({ description: 'The type of object.', examples: [CONTACT_EXAMPLE.type] }),
  id: Type.String({ description: "Intercom's id.", examples: [CONTACT_EXAMPLE.id] }),
  ...CONTACT_FIELDS
}, { $id: 'Contact', title: 'Contact', additionalProperties: true, 'x-pass-through': true, examples: [CONTACT_EXAMPLE], description: "Intercom's contact object, as Intercom sends it (its documented fields; others pass through)" })
export type Contact = Static<typeof ContactSchema>

const email = Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$', examples: ['ada@example.com'] })
/** An external_id goes into a path (`ShowContactByExternalId`, the upsert), so it follows the path-value rule. */
const externalId = Type.String({ ...PATH_VALUE_RULE, examples: ['user-1001'] })

/** Writable contact fields, as Intercom names them. */
const contactFields = {
  role: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('lead')], { description: 'user (default) or lead' })),
  external_id: Type.Optional(externalId),
  email: Type.Optional(email),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { examples: ['Ada Lovelace'] })),
  avatar: Type.Optional(Type.Union([Type.String({ format: 'uri' }), Type.Null()])),
  signed_up_at: Type.Optional(TimestampSchema),
  last_seen_at: Type.Optional(TimestampSchema),
  owner_id: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[1-9][0-9]{0,19}$' }), Type.Null()], { description: "The owning admin's id, a number or a numeric string (sent as an integer before Intercom 2.16, a string from 2.16); null clears it", examples: ['991267460'] })),
  company_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "An Intercom company id: after the contact is written it is attached to this company (Intercom `attachContactToACompany`); Intercom's contact body has no such field", examples: ['6762f0dd1bb69f9f2193bb90'] })),
  unsubscribed_from_emails: Type.Optional(Type.Boolean()),
  custom_attributes: Type.Optional(FreeObjectSchema)
}

/** POST /contacts: at least one of email, external_id or role (Intercom's rule). */
export const CreateContactBodySchema = Type.Object(contactFields, {
  additionalProperties: false,
  anyOf: [{ required: ['email'] }, { required: ['external_id'] }, { required: ['role'] }],
  examples: [{ role: 'user', external_id: 'user-1001', email: 'ada@example.com', name: 'Ada Lovelace' }]
})
export type CreateContactBody = Static<typeof CreateContactBodySchema>

/** POST /contacts/upsert: matched by external_id, else email; one of them is required. */
export const UpsertContactBodySchema = Type.Object(contactFields, {
  additionalProperties: false,
  anyOf: [{ required: ['external_id'] }, { required: ['email'] }],
  examples: [{ external_id: 'user-1001', email: 'ada@example.com', name: 'Ada Lovelace', custom_attributes: { plan: 'pro' } }]
})
export type UpsertContactBody = Static<typeof UpsertContactBodySchema>

/** PATCH /contacts/{id}: any writable field, at least one. */
export const UpdateContactBodySchema = Type.Object(contactFields, {
  additionalProperties: false,
  minProperties: 1,
  examples: [{ name: 'Ada King', custom_attributes: { plan: 'enterprise' } }]
})
export type UpdateContactBody = Static<typeof UpdateContactBodySchema>

/** The upsert answer. */
export const UpsertResultSchema = Type.Object({
  action: Type.Union([Type.Literal('created'), Type.Literal('updated')]),
  contact: Type.Ref('Contact')
}, { $id: 'UpsertResult', title: 'UpsertResult', 'x-pass-through': true })

/** DeleteContact's answer. */
export const DeletedContactSchema = Type.Object({
  type: Type.String({ examples: ['contact'] }),
  id: Type.String(),
  external_id: Type.Optional(NullableString),
  deleted: Type.Boolean()
}, { additionalProperties: true })

/** `{ external_id }` path parameters. */
export const ExternalIdParamsSchema = Type.Object({ external_id: Type.String({ ...PATH_VALUE_RULE }) })

export { SearchBodySchema, type SearchBody } from './search.js'

/** A normalised page of contacts. */
export const ContactListSchema = ListSchema(Type.Ref('Contact'), { $id: 'ContactList', title: 'ContactList' })
