/**
 * Conversation translations: the facade's reply body → Intercom's `replyConversation` body, and the
 * conversation actions (close, open, snooze, assign) → `manageConversation` bodies.
 */
import { InvalidInputError } from '../errors.js'
import { toUnixSeconds, type Timestamp } from '../../schemas/common.js'
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

/** Intercom's replyConversation / replyTicket body for this author (`skip_notifications` checked first with `checkReplyOptions`, src/facade/versions.ts). */
export function toReplyPayload (body: ReplyBody & { skip_notifications?: boolean }, author: ReplyAuthor): Record<string, unknown> {
  const out: Record<string, unknown> = {
    message_type: author.type === 'admin' ? (body.message_type ?? 'comment') : 'comment',
    ...author,
    body: body.body
  }
  if (body.attachment_urls !== undefined) out.attachment_urls = body.attachment_urls
  if (body.created_at !== undefined) out.created_at = toUnixSeconds(body.created_at)
  if (body.skip_notifications !== undefined) out.skip_notifications = body.skip_notifications
  return out
}

/** The facade's conversation actions and the `message_type` manageConversation takes for each. */
export const MANAGE_MESSAGE_TYPES = { close: 'close', open: 'open', snooze: 'snoozed', assign: 'assignment' } as const

/**
 * Intercom's manageConversation body for one action, by the acting admin `adminId`:
 * close `{ message_type: 'close', type: 'admin', admin_id, body? }`, open `{ message_type: 'open', admin_id }`,
 * snooze `{ message_type: 'snoozed', admin_id, snoozed_until }` (Unix seconds),
 * assign `{ message_type: 'assignment', type: 'admin'|'team', admin_id, assignee_id, body? }`.
 */
export function toManagePayload (
  action: keyof typeof MANAGE_MESSAGE_TYPES,
  body: { body?: string, snoozed_until?: Timestamp, assignee_id?: string, assignee_type?: 'admin' | 'team' },
  adminId: string
): Record<string, unknown> {
  const out: Record<string, unknown> = { message_type: MANAGE_MESSAGE_TYPES[action] }
  if (action === 'close') out.type = 'admin'
  if (action === 'assign') out.type = body.assignee_type
  out.admin_id = adminId
  if (action === 'assign') out.assignee_id = body.assignee_id
  if (action === 'snooze') out.snoozed_until = toUnixSeconds(body.snoozed_until)
  if ((action === 'close' || action === 'assign') && body.body !== undefined) out.body = body.body
  return out
}
