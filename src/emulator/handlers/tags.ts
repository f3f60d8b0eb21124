/**
 * Tags: listTags, createTag (create by name, idempotent; rename with `id`), findTag, deleteTag
 * (removes the tag from contacts and companies too; answers 200 with no body, as Intercom).
 * Tagging companies or users in bulk through createTag is not emulated (400).
 */
import { parameterInvalid, resourceNotFound } from '../errors.js'
import { crmOf, refreshContactSubList } from '../crm.js'
import { Reply, bodyObject, type HandlerEntry } from './types.js'

/** The tag handlers, by Intercom operationId. */
export const tagHandlers: HandlerEntry[] = [
  {
    operationId: 'listTags',
    handler: ({ store }) => ({ type: 'list', data: [...crmOf(store).tags.values()] })
  },
  {
    operationId: 'createTag',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      if (body.companies !== undefined || body.users !== undefined) throw parameterInvalid('the emulator only creates and renames tags', 'name')
      if (typeof body.name !== 'string' || body.name.trim() === '') throw parameterInvalid('invalid tag parameters', 'name')
      const crm = crmOf(store)
      if (body.id !== undefined) {
        const tag = crm.tags.get(String(body.id))
        if (tag === undefined) throw resourceNotFound()
        tag.name = body.name
        return tag
      }
      const existing = [...crm.tags.values()].find((t) => t.name === body.name)
      if (existing !== undefined) return existing
      const tag = { type: 'tag' as const, id: crm.newTagId(), name: body.name }
      crm.tags.set(tag.id, tag)
      return tag
    }
  },
  {
    operationId: 'findTag',
    handler: ({ store, params }) => {
      const tag = crmOf(store).tags.get(params.tag_id)
      if (tag === undefined) throw resourceNotFound()
      return tag
    }
  },
  {
    operationId: 'deleteTag',
    handler: ({ store, params }) => {
      const crm = crmOf(store)
      if (!crm.tags.delete(params.tag_id)) throw resourceNotFound()
      for (const [contactId, applied] of crm.contactTags) {
        if (applied.delete(params.tag_id)) refreshContactSubList(store, contactId, 'tags')
      }
      for (const company of crm.companies.values()) company.tag_ids = company.tag_ids.filter((id) => id !== params.tag_id)
      return new Reply(200, undefined)
    }
  }
]
