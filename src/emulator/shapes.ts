/**
 * The emulator's answers in the shape of the request's Intercom version. Objects are stored (and
 * built by the handlers) in 2.14's shapes; from 2.16 Intercom answers some fields with other types,
 * and the emulator does too, as Intercom's 2.16 description says:
 * - a contact's `owner_id` is a string (an integer before 2.16);
 * - a conversation's `admin_assignee_id` / `team_assignee_id` is an integer, `0` when unassigned
 *   (null before 2.16);
 * - a ticket's `admin_assignee_id` / `team_assignee_id` is an integer, `0` when unassigned (a
 *   string before 2.16).
 * Kept independent of the facade's own reading of the same changes (src/facade/versions.ts), so
 * that each checks the other.
 */
import { versionAtLeast, type IntercomVersion } from '../intercom-spec/versions.js'

type Obj = Record<string, unknown>

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)

/** An assignee id as 2.16 has it: an integer, 0 for none. */
function assignee (v: unknown): unknown {
  if (v === null || v === undefined || v === '') return 0
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v)
  return v
}

function reshape (x: unknown): void {
  if (Array.isArray(x)) {
    for (const item of x) reshape(item)
    return
  }
  if (!isObj(x)) return
  if (x.type === 'contact' && typeof x.owner_id === 'number') x.owner_id = String(x.owner_id)
  if (x.type === 'conversation' || x.type === 'ticket') {
    if ('admin_assignee_id' in x) x.admin_assignee_id = assignee(x.admin_assignee_id)
    if ('team_assignee_id' in x) x.team_assignee_id = assignee(x.team_assignee_id)
  }
  for (const v of Object.values(x)) if (typeof v === 'object' && v !== null) reshape(v)
}

/** `body` as version `version` answers it: the same object before 2.16, else a reshaped copy (stored objects are never changed). */
export function answerShape (body: unknown, version: IntercomVersion | undefined): unknown {
  if (version === undefined || !versionAtLeast(version, '2.16') || typeof body !== 'object' || body === null) return body
  const copy = JSON.parse(JSON.stringify(body)) as unknown
  reshape(copy)
  return copy
}
