/**
 * Conversations: createConversation (a contact-initiated in-app message), retrieveConversation,
 * replyConversation (admin comment / note / quick_reply, or contact comment).
 *
 * Ids are numeric strings. A contact's message becomes the conversation's `source`
 * (delivered_as 'customer_initiated'); replies are appended as conversation parts and the whole
 * conversation is answered. A contact replying to a closed or snoozed conversation reopens it
 * (part_type 'open'), as in Intercom's examples.
 */
import { EmulatorError, contactNotFound, parameterInvalid, resourceNotFound } from '../errors.js'
import {
  adminAuthor, attachmentsFromUrls, contactAuthor, contactConversation, renderConversation, toHtmlBody,
  type Contact, type ConversationPart, type ConversationRecord, type PartAuthor
} from '../models.js'
import type { EmulatorStore } from '../store.js'
import { bodyObject, queryValue, type HandlerEntry } from './types.js'

/** Render with the store's current external ids. */
export function render (store: EmulatorStore, c: ConversationRecord, plaintext = false): Record<string, unknown> {
  return renderConversation(c, (id) => store.contacts.get(id)?.external_id, { plaintext })
}

const optionalTimestamp = (v: unknown, field: string): number | undefined => {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v)) throw parameterInvalid(`${field} must be a Unix timestamp (integer seconds)`, field)
  return v
}

const stringList = (v: unknown, field: string): string[] | undefined => {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw parameterInvalid(`${field} must be an array of URLs`, field)
  return v as string[]
}

/** The contact a contact reply names (intercom_user_id, user_id = external_id, or email). */
function replyingContact (store: EmulatorStore, body: Record<string, unknown>): Contact {
  let contact: Contact | undefined
  if (typeof body.intercom_user_id === 'string') contact = store.contacts.get(body.intercom_user_id)
  else if (typeof body.user_id === 'string') contact = store.contacts.byExternalId(body.user_id)
  else if (typeof body.email === 'string') {
    const email = body.email.toLowerCase()
    contact = store.contacts.userByEmail(body.email) ?? [...store.contacts.values()].find((c) => c.email?.toLowerCase() === email)
  } else throw parameterInvalid('A contact reply needs intercom_user_id, user_id or email')
  if (contact === undefined) throw contactNotFound()
  return contact
}

/** The conversation a reply targets: by id, or 'last' = the contact's most recent conversation. */
function targetConversation (store: EmulatorStore, id: string, body: Record<string, unknown>): ConversationRecord {
  if (id === 'last') {
    const hasContact = body.intercom_user_id !== undefined || body.user_id !== undefined || body.email !== undefined
    if (!hasContact) throw resourceNotFound()
    const contact = replyingContact(store, body)
    let latest: ConversationRecord | undefined
    for (const c of store.conversations.values()) {
      if (c.contact_ids.includes(contact.id) && (latest === undefined || c.updated_at >= latest.updated_at)) latest = c
    }
    if (latest === undefined) throw resourceNotFound()
    return latest
  }
  const conversation = store.conversations.get(id)
  if (conversation === undefined) throw resourceNotFound()
  return conversation
}

/** Build a part in the conversation's current state. */
export function newPart (store: EmulatorStore, c: ConversationRecord, partType: string, body: string | null, author: PartAuthor,
  createdAt: number, attachmentUrls: string[] | undefined, metadata: Record<string, unknown> = {}): ConversationPart {
  return {
    type: 'conversation_part',
    id: store.newPartId(),
    part_type: partType,
    body,
    created_at: createdAt,
    updated_at: createdAt,
    notified_at: createdAt,
    assigned_to: null,
    author,
    attachments: attachmentsFromUrls(attachmentUrls),
    external_id: null,
    redacted: false,
    metadata,
    email_message_metadata: null,
    state: c.state,
    tags: [],
    event_details: null,
    app_package_code: null
  }
}

/** The conversation handlers, by Intercom operationId. */
export const conversationHandlers: HandlerEntry[] = [
  {
    operationId: 'createConversation',
    handler: ({ store, body: raw }) => {
      const body = bodyObject(raw)
      const from = bodyObject(body.from)
      if (typeof from.id !== 'string') throw parameterInvalid('from.id is required', 'from')
      if (typeof body.body !== 'string' || body.body === '') throw parameterInvalid('Body is required', 'body')
      const contact = store.contacts.get(from.id)
      if (contact === undefined) throw contactNotFound()
      const now = store.nowSeconds()
      const createdAt = optionalTimestamp(body.created_at, 'created_at') ?? now
      const messageId = store.newMessageId()
      const conversation = contactConversation({ conversation: store.newConversationId(), message: messageId }, contact, {
        body: body.body as string,
        createdAt,
        subject: typeof body.subject === 'string' ? body.subject : undefined,
        attachments: attachmentsFromUrls(stringList(body.attachment_urls, 'attachment_urls'))
      })
      store.conversations.set(conversation.id, conversation)
      return {
        type: 'user_message',
        id: messageId,
        created_at: createdAt,
        body: body.body,
        message_type: 'inapp',
        conversation_id: conversation.id
      }
    }
  },
  {
    operationId: 'retrieveConversation',
    handler: ({ store, params, query }) => {
      const conversation = store.conversations.get(params.conversation_id)
      if (conversation === undefined) throw resourceNotFound()
      return render(store, conversation, queryValue(query, 'display_as') === 'plaintext')
    }
  },
  {
    operationId: 'replyConversation',
    handler: ({ store, params, body: raw }) => {
      const body = bodyObject(raw)
      const conversation = targetConversation(store, params.conversation_id, body)
      const now = store.nowSeconds()
      const createdAt = optionalTimestamp(body.created_at, 'created_at') ?? now
      const attachmentUrls = stringList(body.attachment_urls, 'attachment_urls')
      const messageType = body.message_type
      const text = typeof body.body === 'string' && body.body !== '' ? body.body : undefined

      if (body.type === 'admin') {
        const admin = store.admins.get(String(body.admin_id))
        if (admin === undefined) throw resourceNotFound()
        let part: ConversationPart
        if (messageType === 'comment' || messageType === 'note') {
          if (text === undefined) throw parameterInvalid('Body is required', 'body')
          part = newPart(store, conversation, messageType, toHtmlBody(text), adminAuthor(admin), createdAt, attachmentUrls)
          if (messageType === 'comment') conversation.waiting_since = null
        } else if (messageType === 'quick_reply') {
          if (!Array.isArray(body.reply_options) || body.reply_options.length === 0) throw parameterInvalid('reply_options is required for quick_reply', 'reply_options')
          part = newPart(store, conversation, 'quick_reply', null, adminAuthor(admin), createdAt, attachmentUrls,
            { quick_reply_options: body.reply_options })
        } else {
          throw parameterInvalid(`message_type must be comment, note or quick_reply, got ${JSON.stringify(messageType)}`, 'message_type')
        }
        conversation.parts.push(part)
      } else if (body.type === 'user') {
        const contact = replyingContact(store, body)
        if (messageType !== 'comment') throw parameterInvalid(`message_type must be comment, got ${JSON.stringify(messageType)}`, 'message_type')
        if (text === undefined) throw parameterInvalid('Body is required', 'body')
        let partType = 'comment'
        if (conversation.state !== 'open') {
          // A contact's reply reopens a closed or snoozed conversation.
          partType = 'open'
          conversation.state = 'open'
          conversation.snoozed_until = null
          conversation.count_reopens += 1
        }
        conversation.parts.push(newPart(store, conversation, partType, toHtmlBody(text), contactAuthor(contact), createdAt, attachmentUrls))
        conversation.waiting_since ??= createdAt
        conversation.first_contact_reply ??= { created_at: createdAt, type: 'conversation', url: null }
        if (!conversation.contact_ids.includes(contact.id)) {
          conversation.contact_ids.push(contact.id)
          conversation.contact_external_ids[contact.id] = contact.external_id
        }
      } else {
        throw new EmulatorError(400, `type must be admin or user, got ${JSON.stringify(body.type)}`, 'parameter_invalid', { field: 'type' })
      }
      conversation.updated_at = Math.max(now, conversation.updated_at)
      return render(store, conversation)
    }
  }
]
