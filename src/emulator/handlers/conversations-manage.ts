/**
 * Conversations beyond create / retrieve / reply: listConversations, searchConversations,
 * manageConversation (close, snooze, open, assignment), updateConversation,
 * attachTagToConversation and detachTagFromConversation.
 *
 * Lists and searches answer `conversation.list` with cursor `pages` (newest update first for the
 * list; search sorts by `created_at` unless told otherwise), items without their parts as in
 * Intercom's conversation_list_item. Search takes the fields of Intercom's table for conversations.
 */
import { EmulatorError, parameterInvalid } from '../errors.js'
import { adminAuthor, toHtmlBody, type Admin, type ConversationRecord } from '../models.js'
import { compileSearchQuery, sortAndPage, type FieldResolver, type SearchField } from '../search.js'
import type { EmulatorStore } from '../store.js'
import { helpdesk } from '../helpdesk.js'
import { newPart, render } from './conversations.js'
import { bodyObject, queryValue, type HandlerEntry } from './types.js'

/** A conversation as lists and searches show it: without its parts. */
function listItem (store: EmulatorStore, c: ConversationRecord): Record<string, unknown> {
  const { conversation_parts: _parts, ...item } = render(store, c)
  return item
}

const conversationFields = new Map<string, SearchField<ConversationRecord>>()
for (const f of ['created_at', 'updated_at', 'waiting_since', 'snoozed_until'] as const) conversationFields.set(f, { type: 'date', get: (c) => c[f] })
for (const f of ['type', 'id', 'delivered_as', 'subject', 'body', 'url'] as const) conversationFields.set(`source.${f}`, { type: 'string', get: (c) => c.source[f] })
for (const f of ['id', 'type', 'name', 'email'] as const) conversationFields.set(`source.author.${f}`, { type: 'string', get: (c) => c.source.author[f] })
conversationFields.set('id', { type: 'string', get: (c) => c.id })
conversationFields.set('state', { type: 'string', get: (c) => c.state })
conversationFields.set('priority', { type: 'string', get: (c) => c.priority })
conversationFields.set('title', { type: 'string', get: (c) => c.title })
conversationFields.set('channel_initiated', { type: 'string', get: (c) => c.source.type })
conversationFields.set('open', { type: 'boolean', get: (c) => c.state === 'open' })
conversationFields.set('read', { type: 'boolean', get: (c) => c.read })
conversationFields.set('admin_assignee_id', { type: 'integer', get: (c) => c.admin_assignee_id })
conversationFields.set('team_assignee_id', { type: 'integer', get: (c) => c.team_assignee_id })
conversationFields.set('contact_ids', { type: 'string', multi: true, get: (c) => c.contact_ids })
conversationFields.set('teammate_ids', { type: 'string', multi: true, get: (c) => [...new Set(c.parts.filter((p) => p.author.type === 'admin').map((p) => p.author.id))] })
conversationFields.set('tag_ids', { type: 'string', multi: true, get: (c) => c.tags.map((t) => String((t as { id?: unknown }).id)) })

/** Field resolver for conversation search: Intercom's table plus `custom_attributes.<name>`. */
export const resolveConversationField: FieldResolver<ConversationRecord> = (name) => {
  const known = conversationFields.get(name)
  if (known !== undefined) return known
  if (name.startsWith('custom_attributes.') && name.length > 'custom_attributes.'.length) {
    const attr = name.slice('custom_attributes.'.length)
    return { type: 'any', get: (c) => c.custom_attributes[attr] }
  }
  return undefined
}

/** The acting admin of a manage / tag request (404 admin_not_found when unknown). */
function actingAdmin (store: EmulatorStore, adminId: unknown): Admin {
  const admin = store.admins.get(String(adminId))
  if (admin === undefined) throw new EmulatorError(404, 'Admin not found', 'admin_not_found')
  return admin
}

function conversationOf (store: EmulatorStore, id: string): ConversationRecord {
  const c = store.conversations.get(id)
  if (c === undefined) throw new EmulatorError(404, 'Conversation not found', 'not_found')
  return c
}

/**
 * A tag by id: from the store's tag registry when it has one (`store.tags`, kept by the tag
 * operations), else any id is taken as an existing tag named after it.
 */
function tagById (store: EmulatorStore, id: string): { id: string, name: string } {
  const registry = (store as unknown as { tags?: Map<string, { id: string, name: string }> }).tags
  if (registry instanceof Map) {
    const tag = registry.get(id)
    if (tag === undefined) throw new EmulatorError(404, 'Tag not found', 'tag_not_found')
    return { id: tag.id, name: tag.name }
  }
  return { id, name: `Tag ${id}` }
}

/** A list page in Intercom's conversation.list shape. */
function conversationList (store: EmulatorStore, docs: ConversationRecord[], sort: unknown, pagination: unknown): Record<string, unknown> {
  const page = sortAndPage(docs, resolveConversationField, sort, pagination)
  return { type: 'conversation.list', pages: page.pages, total_count: page.total_count, conversations: page.data.map((c) => listItem(store, c)) }
}

/** The conversation handlers added for the facade's conversation actions, by Intercom operationId. */
export const conversationManageHandlers: HandlerEntry[] = [
  {
    operationId: 'listConversations',
    handler: ({ store, query }) => {
      const perPage = queryValue(query, 'per_page')
      const pagination = { per_page: perPage === undefined ? 20 : Number(perPage), starting_after: queryValue(query, 'starting_after') }
      return conversationList(store, [...store.conversations.values()], { field: 'updated_at', order: 'descending' }, pagination)
    }
  },
  {
    operationId: 'searchConversations',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      const match = compileSearchQuery(body.query, resolveConversationField, store.searchDatePrecision)
      const pagination = { per_page: 20, ...bodyObject(body.pagination) }
      return conversationList(store, [...store.conversations.values()].filter(match), body.sort, pagination)
    }
  },
  {
    operationId: 'manageConversation',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const c = conversationOf(store, params.conversation_id)
      const admin = actingAdmin(store, body.admin_id)
      const now = store.nowSeconds()
      const text = typeof body.body === 'string' && body.body !== '' ? toHtmlBody(body.body) : null
      switch (body.message_type) {
        case 'close':
          c.state = 'closed'
          c.snoozed_until = null
          c.parts.push(newPart(store, c, 'close', text, adminAuthor(admin), now, undefined))
          break
        case 'snoozed': {
          const until = body.snoozed_until
          if (typeof until !== 'number' || !Number.isInteger(until)) throw parameterInvalid('snoozed_until must be a Unix timestamp', 'snoozed_until')
          c.state = 'snoozed'
          c.snoozed_until = until
          c.parts.push(newPart(store, c, 'snoozed', null, adminAuthor(admin), now, undefined))
          break
        }
        case 'open':
          if (c.state !== 'open') c.count_reopens += 1
          c.state = 'open'
          c.snoozed_until = null
          c.parts.push(newPart(store, c, 'open', null, adminAuthor(admin), now, undefined))
          break
        case 'assignment': {
          const assignee = String(body.assignee_id)
          const type = body.type === 'team' ? 'team' : 'admin'
          if (assignee !== '0') {
            const known = type === 'team' ? helpdesk(store).teams.has(assignee) : store.admins.has(assignee)
            if (!known) throw new EmulatorError(404, `${type === 'team' ? 'Team' : 'Admin'} not found`, `${type}_not_found`)
          }
          const id = assignee === '0' ? null : Number(assignee)
          if (type === 'team') c.team_assignee_id = id
          else c.admin_assignee_id = id
          const part = newPart(store, c, 'assignment', text, adminAuthor(admin), now, undefined)
          part.assigned_to = id === null ? null : { type, id: assignee }
          c.parts.push(part)
          break
        }
        default:
          throw parameterInvalid(`message_type must be close, snoozed, open or assignment, got ${JSON.stringify(body.message_type)}`, 'message_type')
      }
      c.updated_at = Math.max(now, c.updated_at)
      return render(store, c)
    }
  },
  {
    operationId: 'updateConversation',
    handler: ({ store, params, query, body: raw }) => {
      const body = bodyObject(raw)
      const c = conversationOf(store, params.conversation_id)
      if (typeof body.read === 'boolean') c.read = body.read
      if (typeof body.title === 'string') c.title = body.title
      if (body.custom_attributes !== undefined && body.custom_attributes !== null) c.custom_attributes = { ...c.custom_attributes, ...bodyObject(body.custom_attributes) }
      c.updated_at = Math.max(store.nowSeconds(), c.updated_at)
      return render(store, c, queryValue(query, 'display_as') === 'plaintext')
    }
  },
  {
    operationId: 'attachTagToConversation',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const c = conversationOf(store, params.conversation_id)
      const admin = actingAdmin(store, body.admin_id)
      const tag = tagById(store, String(body.id))
      const applied = { type: 'tag', id: tag.id, name: tag.name, applied_at: store.nowSeconds(), applied_by: { type: 'admin', id: admin.id } }
      const existing = c.tags.findIndex((t) => (t as { id?: unknown }).id === tag.id)
      if (existing === -1) c.tags.push(applied)
      else c.tags[existing] = applied
      c.updated_at = Math.max(store.nowSeconds(), c.updated_at)
      return applied
    }
  },
  {
    operationId: 'detachTagFromConversation',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const c = conversationOf(store, params.conversation_id)
      const admin = actingAdmin(store, body.admin_id)
      const index = c.tags.findIndex((t) => (t as { id?: unknown }).id === params.tag_id)
      if (index === -1) throw new EmulatorError(404, 'Tag not found', 'tag_not_found')
      const [tag] = c.tags.splice(index, 1) as Array<{ id: string, name: string }>
      c.updated_at = Math.max(store.nowSeconds(), c.updated_at)
      return { type: 'tag', id: tag.id, name: tag.name, applied_at: store.nowSeconds(), applied_by: { type: 'admin', id: admin.id } }
    }
  }
]
