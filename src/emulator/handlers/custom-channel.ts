/**
 * The custom-channel events ("Fin over API"), which Intercom serves (its public reference lists them
 * under "Custom Channel Events", managed availability) but none of its 2.14..2.16 descriptions has:
 * so they are routed here, outside the description-driven router (index.ts `extraRoute`), for
 * every version, and their bodies are checked by the handlers instead of the description:
 *
 *   POST /custom_channel_events/notify_new_conversation     notifyNewConversation
 *   POST /custom_channel_events/notify_new_message          notifyNewMessage          + body
 *   POST /custom_channel_events/notify_quick_reply_selected notifyQuickReplySelected  + quick_reply_option_id
 *   POST /custom_channel_events/notify_attribute_collected  notifyAttributeCollected  + attribute { id, value }
 *
 * Every body has `event_id`, `external_conversation_id` and `contact` `{ type: user | lead,
 * external_id, name?, email? }` (name and email required for a user). A missing or mistyped field
 * is a 400 parameter_invalid naming it; a user contact without name or email is a 422
 * parameter_invalid. The contact is found by external_id (else created with that role); a new
 * conversation becomes an Intercom conversation of that contact (again for the same
 * external_conversation_id: the same one); a message is a contact comment part, a quick reply a
 * comment part with `metadata.quick_reply_option_id`, a collected attribute a conversation custom
 * attribute. The three events after the first on an unknown external_conversation_id are a 404
 * not_found. An event_id seen before (for the same event) answers as the first time and changes
 * nothing. Each answers 200 `{ external_conversation_id, conversation_id, external_contact_id,
 * contact_id }` (Intercom's custom_channel_notification_response).
 */
import { EmulatorError, parameterInvalid } from '../errors.js'
import { contactConversation, contactAuthor, toHtmlBody, type Contact, type ConversationRecord } from '../models.js'
import { platform, type CustomChannelMapping } from '../platform.js'
import type { EmulatorStore } from '../store.js'
import { newPart } from './conversations.js'
import { bodyObject, type HandlerEntry } from './types.js'

/** A handler with the route it serves (these operations are in no description). */
export interface ExtraRoute extends HandlerEntry { method: 'POST', path: string }

interface BaseEvent { eventId: string, externalConversationId: string, contact: { type: 'user' | 'lead', external_id: string, name?: string, email?: string } }

const text = (v: unknown): v is string => typeof v === 'string' && v !== ''

/** The fields every event has (throws 400 / 422 as the module docstring says). */
function baseEvent (body: Record<string, unknown>): BaseEvent {
  if (!text(body.event_id)) throw parameterInvalid('event_id is required and must be a string', 'event_id')
  if (!text(body.external_conversation_id)) throw parameterInvalid('external_conversation_id is required and must be a string', 'external_conversation_id')
  const contact = body.contact
  if (typeof contact !== 'object' || contact === null || Array.isArray(contact)) throw parameterInvalid('contact is required and must be an object', 'contact')
  const c = contact as Record<string, unknown>
  if (c.type !== 'user' && c.type !== 'lead') throw parameterInvalid('contact.type must be "user" or "lead"', 'contact.type')
  if (!text(c.external_id)) throw parameterInvalid('contact.external_id is required and must be a string', 'contact.external_id')
  for (const f of ['name', 'email'] as const) {
    if (c[f] !== undefined && typeof c[f] !== 'string') throw parameterInvalid(`contact.${f} must be a string`, `contact.${f}`)
  }
  if (c.type === 'user' && (!text(c.name) || !text(c.email))) throw new EmulatorError(422, 'contact.name and contact.email are required for a user contact', 'parameter_invalid', { field: text(c.name) ? 'contact.email' : 'contact.name' })
  return { eventId: body.event_id, externalConversationId: body.external_conversation_id, contact: c as BaseEvent['contact'] }
}

/** The contact with the event's external_id, else a new one of its role. */
function eventContact (store: EmulatorStore, e: BaseEvent): Contact {
  return store.contacts.byExternalId(e.contact.external_id) ??
    store.createContact({ role: e.contact.type, external_id: e.contact.external_id, name: e.contact.name, email: e.contact.email })
}

const answer = (m: CustomChannelMapping): CustomChannelMapping => ({ ...m })

/** The mapped conversation of a later event (404 when the conversation was never notified). */
function mapped (store: EmulatorStore, e: BaseEvent): { mapping: CustomChannelMapping, conversation: ConversationRecord, contact: Contact } {
  const mapping = platform(store).customChannel.get(e.externalConversationId)
  const conversation = mapping === undefined ? undefined : store.conversations.get(mapping.conversation_id)
  if (mapping === undefined || conversation === undefined) throw new EmulatorError(404, 'Conversation Not Found', 'not_found')
  const contact = eventContact(store, e)
  if (!conversation.contact_ids.includes(contact.id)) {
    conversation.contact_ids.push(contact.id)
    conversation.contact_external_ids[contact.id] = contact.external_id
  }
  return { mapping: { ...mapping, external_contact_id: e.contact.external_id, contact_id: contact.id }, conversation, contact }
}

/** Append a contact comment part to the conversation. */
function addComment (store: EmulatorStore, c: ConversationRecord, contact: Contact, body: string | null, metadata: Record<string, unknown> = {}): void {
  const now = store.nowSeconds()
  c.parts.push(newPart(store, c, 'comment', body, contactAuthor(contact), now, undefined, metadata))
  c.updated_at = now
  c.waiting_since ??= now
}

/**
 * A route whose handler runs once per `event_id` (of that event kind): a repeated event answers
 * what the first did and changes nothing (Intercom's event_id: "Unique identifier for the event").
 */
const route = (name: string, operationId: string, handler: HandlerEntry['handler']): ExtraRoute => ({
  method: 'POST',
  path: `/custom_channel_events/${name}`,
  operationId,
  handler: (ctx) => {
    const e = baseEvent(bodyObject(ctx.body))
    const seen = platform(ctx.store).customChannelEvents
    const key = `${name} ${e.eventId}`
    const before = seen.get(key)
    if (before !== undefined) return { ...before }
    const out = handler(ctx) as CustomChannelMapping
    seen.set(key, { ...out })
    return out
  }
})

/** The custom-channel event routes and handlers. */
export const CUSTOM_CHANNEL_ROUTES: readonly ExtraRoute[] = [
  route('notify_new_conversation', 'notifyNewConversation', ({ store, body }) => {
    const e = baseEvent(bodyObject(body))
    const state = platform(store)
    const known = state.customChannel.get(e.externalConversationId)
    if (known !== undefined && store.conversations.has(known.conversation_id)) return answer(known)
    const contact = eventContact(store, e)
    const conversation = contactConversation({ conversation: store.newConversationId(), message: store.newMessageId() }, contact, { body: '', createdAt: store.nowSeconds() })
    conversation.source.body = ''
    store.conversations.set(conversation.id, conversation)
    const mapping: CustomChannelMapping = { external_conversation_id: e.externalConversationId, conversation_id: conversation.id, external_contact_id: e.contact.external_id, contact_id: contact.id }
    state.customChannel.set(e.externalConversationId, mapping)
    return answer(mapping)
  }),
  route('notify_new_message', 'notifyNewMessage', ({ store, body }) => {
    const input = bodyObject(body)
    const e = baseEvent(input)
    if (!text(input.body)) throw parameterInvalid('body is required and must be a string', 'body')
    const { mapping, conversation, contact } = mapped(store, e)
    addComment(store, conversation, contact, toHtmlBody(input.body))
    return mapping
  }),
  route('notify_quick_reply_selected', 'notifyQuickReplySelected', ({ store, body }) => {
    const input = bodyObject(body)
    const e = baseEvent(input)
    if (!text(input.quick_reply_option_id)) throw parameterInvalid('quick_reply_option_id is required and must be a string', 'quick_reply_option_id')
    const { mapping, conversation, contact } = mapped(store, e)
    addComment(store, conversation, contact, null, { quick_reply_option_id: input.quick_reply_option_id })
    return mapping
  }),
  route('notify_attribute_collected', 'notifyAttributeCollected', ({ store, body }) => {
    const input = bodyObject(body)
    const e = baseEvent(input)
    const a = input.attribute as Record<string, unknown> | undefined
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw parameterInvalid('attribute is required and must be an object', 'attribute')
    if (!text(a.id)) throw parameterInvalid('attribute.id is required and must be a string', 'attribute.id')
    if (typeof a.value !== 'string') throw parameterInvalid('attribute.value is required and must be a string', 'attribute.value')
    const { mapping, conversation } = mapped(store, e)
    conversation.custom_attributes[a.id] = a.value
    conversation.updated_at = store.nowSeconds()
    return mapping
  })
]

/** Route a request to a custom-channel event (trailing slash ignored, like the router). */
export function customChannelRoute (method: string, rawPath: string): { operationId: string, template: string, params: Record<string, string> } | undefined {
  if (method !== 'POST') return undefined
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath
  const found = CUSTOM_CHANNEL_ROUTES.find((r) => r.path === path)
  return found === undefined ? undefined : { operationId: found.operationId, template: found.path, params: {} }
}
