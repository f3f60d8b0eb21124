/**
 * Conversation translations: the facade's reply body → Intercom's `replyConversation` body.
 */
import { InvalidInputError } from '../errors.js'
import { toUnixSeconds } from '../../schemas/common.js'
import type { ReplyBody } from '../../schemas/conversations.js'

/** Who a reply is from, as Intercom wants it. */
export type ReplyAuthor =
  | { type: 'admin', admin_id: string }
  | { type: 'user', intercom_user_id: string }
  | { type: 'user', email: string }

/**
 * The author the caller named (`admin_id`, `contact_id` or `email`), or null for the default admin.
 * @throws InvalidInputError (400) for two authors, or a note from a contact
 */
export function replyAuthor (body: ReplyBody): ReplyAuthor | null {
  const named = (['admin_id', 'contact_id', 'email'] as const).filter((k) => body[k] !== undefined)
  if (named.length > 1) throw new InvalidInputError(named.slice(1).map((k) => ({ field: `body.${k}`, message: `cannot be combined with ${named[0]}: give at most one author` })))
  if (body.message_type === 'note' && (body.contact_id !== undefined || body.email !== undefined)) {
    throw new InvalidInputError([{ field: 'body.message_type', message: 'note is for admins only; a contact can only comment' }])
  }
  if (body.admin_id !== undefined) return { type: 'admin', admin_id: body.admin_id }
  if (body.contact_id !== undefined) return { type: 'user', intercom_user_id: body.contact_id }
  if (body.email !== undefined) return { type: 'user', email: body.email }
  return null
}

/** Intercom's replyConversation body for this author. */
export function toReplyPayload (body: ReplyBody, author: ReplyAuthor): Record<string, unknown> {
  const out: Record<string, unknown> = {
    message_type: author.type === 'admin' ? (body.message_type ?? 'comment') : 'comment',
    ...author,
    body: body.body
  }
  if (body.attachment_urls !== undefined) out.attachment_urls = body.attachment_urls
  if (body.created_at !== undefined) out.created_at = toUnixSeconds(body.created_at)
  return out
}
