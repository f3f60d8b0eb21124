/**
 * Shapes of the contact sub-resources: merge, archive state, notes, companies of a contact.
 */
import { Type, type Static } from '@sinclair/typebox'
import { ListSchema, OpaqueIdSchema } from './common.js'

/** POST /contacts/merge: a lead (`from`) into a user (`into`), by Intercom ids. */
export const MergeContactsBodySchema = Type.Object({
  from: OpaqueIdSchema,
  into: OpaqueIdSchema
}, { additionalProperties: false, examples: [{ from: '6762f0d51bb69f9f2193bb7f', into: '6762f0d51bb69f9f2193bb80' }] })
export type MergeContactsBody = Static<typeof MergeContactsBodySchema>

/** ArchiveContact / UnarchiveContact answer: a contact reference with `archived`. */
export const ContactArchivedSchema = Type.Object({
  type: Type.String({ examples: ['contact'] }),
  id: Type.String(),
  external_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  archived: Type.Boolean()
}, { additionalProperties: true })

/** Intercom's note on a contact. */
export const NoteSchema = Type.Object({
  type: Type.String({ examples: ['note'] }),
  id: Type.String({ examples: ['31'] }),
  created_at: Type.Optional(Type.Integer({ description: 'Unix seconds' })),
  contact: Type.Optional(Type.Union([Type.Object({ type: Type.Optional(Type.String()), id: Type.Optional(Type.String()) }, { additionalProperties: true }), Type.Null()])),
  author: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
  body: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'HTML' }))
}, { $id: 'Note', title: 'Note', additionalProperties: true, description: "Intercom's note object" })

/** A normalised page of notes. */
export const NoteListSchema = ListSchema(Type.Ref('Note'), { $id: 'NoteList', title: 'NoteList' })

/** POST /contacts/{id}/notes. Without `admin_id` the note is the default admin's. */
export const CreateNoteBodySchema = Type.Object({
  body: Type.String({ minLength: 1, maxLength: 65_536, examples: ['Called about the renewal.'] }),
  admin_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'The author; default: INTERCOM_DEFAULT_ADMIN_ID, else the token\'s admin' }))
}, { additionalProperties: false, examples: [{ body: 'Called about the renewal.' }] })
export type CreateNoteBody = Static<typeof CreateNoteBodySchema>

/** POST /contacts/{id}/companies: attach by the company's Intercom id. */
export const AttachCompanyBodySchema = Type.Object({
  company_id: Type.String({ minLength: 1, maxLength: 255, pattern: '^(?!\\.{1,2}$)[^\\u0000-\\u001F\\u007F]+$', description: "The company's Intercom id (not your company_id)", examples: ['6762f09a1bb69f9f2193bb34'] })
}, { additionalProperties: false, examples: [{ company_id: '6762f09a1bb69f9f2193bb34' }] })
export type AttachCompanyBody = Static<typeof AttachCompanyBodySchema>

/** `{ id, company_id }` path parameters (both Intercom ids). */
export const ContactCompanyParamsSchema = Type.Object({ id: OpaqueIdSchema, company_id: OpaqueIdSchema })
