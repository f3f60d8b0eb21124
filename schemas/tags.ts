/**
 * Tag shapes: Intercom's `tag` object (with `applied_at` / `applied_by` when it is a contact's tag)
 * and the facade's tag inputs.
 */
import { Type, type Static } from '@sinclair/typebox'
import { ListSchema, OpaqueIdSchema } from './common.js'

/** Intercom's tag, returned as Intercom returns it. */
export const TagSchema = Type.Object({
  type: Type.String({ examples: ['tag'] }),
  id: Type.String({ examples: ['81'] }),
  name: Type.Optional(Type.String({ examples: ['VIP'] })),
  applied_at: Type.Optional(Type.Union([Type.Integer({ description: 'Unix seconds' }), Type.Null()])),
  applied_by: Type.Optional(Type.Union([Type.Object({ type: Type.Optional(Type.String()), id: Type.Optional(Type.Union([Type.String(), Type.Null()])) }, { additionalProperties: true }), Type.Null()]))
}, { $id: 'Tag', title: 'Tag', additionalProperties: true, description: "Intercom's tag object" })
export type Tag = Static<typeof TagSchema>

/** A normalised list of tags (Intercom answers every tag at once: next_cursor is null). */
export const TagListSchema = ListSchema(Type.Ref('Tag'), { $id: 'TagList', title: 'TagList' })

/** A tag name: what Intercom shows; 1..255 characters, no control characters. */
export const TagNameSchema = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001F\\u007F]+$', examples: ['VIP'] })

/** POST /tags. */
export const CreateTagBodySchema = Type.Object({ name: TagNameSchema }, { additionalProperties: false, examples: [{ name: 'VIP' }] })
export type CreateTagBody = Static<typeof CreateTagBodySchema>

/** POST /contacts/{id}/tags: exactly one of `tag_id` or `tag_name` (created when missing). */
export const TagContactBodySchema = Type.Object({
  tag_id: Type.Optional(OpaqueIdSchema),
  tag_name: Type.Optional(TagNameSchema)
}, {
  additionalProperties: false,
  anyOf: [{ required: ['tag_id'] }, { required: ['tag_name'] }],
  examples: [{ tag_name: 'VIP' }, { tag_id: '81' }]
})
export type TagContactBody = Static<typeof TagContactBodySchema>

/** `{ id, tag_id }` path parameters. */
export const ContactTagParamsSchema = Type.Object({ id: OpaqueIdSchema, tag_id: OpaqueIdSchema })

/** The facade's answer to DELETE /tags/{id} (Intercom answers 200 with no body). */
export const DeletedTagSchema = Type.Object({ type: Type.Literal('tag'), id: Type.String(), deleted: Type.Literal(true) })
