/**
 * Data event translations: the facade's track body → Intercom's `createDataEvent` body, and the
 * event list's paging. Intercom pages events with a `pages.next` URL; its query travels inside an
 * opaque cursor, and only the query (never a path or host) is ever sent back, to GET /events.
 */
import { InvalidInputError } from '../errors.js'
import { toUnixSeconds } from '../../schemas/common.js'
import type { CreateEventBody } from '../../schemas/events.js'

const IDENTIFIERS = ['user_id', 'id', 'email'] as const

/**
 * Intercom's createDataEvent body: exactly one identifier, `created_at` in Unix seconds (now when
 * not given: Intercom requires it and de-duplicates on it).
 * @throws InvalidInputError (400) naming the identifiers when none or more than one is given
 */
export function toDataEventPayload (body: CreateEventBody, nowSeconds: number = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const given = IDENTIFIERS.filter((k) => body[k] !== undefined)
  if (given.length === 0) throw new InvalidInputError(IDENTIFIERS.map((k) => ({ field: `body.${k}`, message: 'is required: name the contact with exactly one of user_id, id or email' })))
  if (given.length > 1) throw new InvalidInputError(given.slice(1).map((k) => ({ field: `body.${k}`, message: `cannot be combined with ${given[0]}: give exactly one identifier` })))
  const out: Record<string, unknown> = { event_name: body.event_name, created_at: toUnixSeconds(body.created_at) ?? nowSeconds }
  out[given[0]] = body[given[0]]
  if (body.metadata !== undefined) out.metadata = body.metadata
  return out
}

const CURSOR_PREFIX = 'events:'

/** The cursor for Intercom's `pages.next` URL, or null when there is none. */
export function encodeEventsCursor (next: unknown): string | null {
  if (typeof next !== 'string' || next === '') return null
  let url: URL
  try {
    url = new URL(next)
  } catch {
    return null
  }
  return Buffer.from(CURSOR_PREFIX + url.search.replace(/^\?/, '')).toString('base64url')
}

/**
 * The query parameters inside a cursor from {@link encodeEventsCursor}.
 * @throws InvalidInputError (400, querystring.starting_after) for a cursor it did not make
 */
export function decodeEventsCursor (cursor: string): Record<string, string> {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!text.startsWith(CURSOR_PREFIX)) throw new InvalidInputError([{ field: 'querystring.starting_after', message: 'is not a cursor this list gave (pass the previous answer\'s next_cursor)' }])
  return Object.fromEntries(new URLSearchParams(text.slice(CURSOR_PREFIX.length)))
}
