/**
 * One facade contract over every Intercom version: ONE table of what changed between the
 * supported versions (src/intercom-spec/versions.ts) in what the facade sends or reads, and the
 * functions the translations call, keyed on the request's version (`versionOf(request)`).
 * Found with `npm run version-diff` (scripts/version-diff.ts) over the vendored descriptions.
 *
 * The facade's answers have the shapes of the newest version (2.16, the default): at 2.16 Intercom's
 * bytes pass on untouched, and only an older version's answer is rewritten.
 *
 * | since | where (operationId)                        | what changed                                        | the facade                                                  |
 * |-------|--------------------------------------------|-----------------------------------------------------|-------------------------------------------------------------|
 * | 2.16  | CreateContact, UpdateContact (body)        | `owner_id` integer → string                         | takes a number or a numeric string; sends the version's type |
 * | 2.16  | every contact answer                       | `owner_id` integer → string                         | older answers: the integer as a string                      |
 * | 2.16  | conversation answers                       | `admin_assignee_id`, `team_assignee_id` integer or  | older answers: null → 0                                     |
 * |       |                                            | null → integer, 0 = unassigned                      |                                                             |
 * | 2.16  | ticket answers                             | `admin_assignee_id`, `team_assignee_id` string →    | older answers: the string as an integer (none → 0)          |
 * |       |                                            | integer, 0 = unassigned                             |                                                             |
 * | 2.15  | replyConversation (admin reply body)       | `skip_notifications` added                          | offered; on 2.14 a 400 that says it needs 2.15             |
 * | 2.15  | webhooks                                   | `ticket.resolved` fires next to `ticket.closed`     | `ticketResolutionTopics(version)`                           |
 *
 * Reasons:
 * - Intercom 2.16 made ids strings where they are ids of objects (a contact's owner) and integers
 *   where they are admin or team numbers (assignees), and dropped `null` for "unassigned" in favour of
 *   `0`; a caller of the facade should not have to know which version answered.
 * - `skip_notifications` cannot be emulated on 2.14 (Intercom would notify anyway): refusing it says
 *   so, where silently dropping it would notify the people the caller meant to spare.
 * - Differences the facade neither sends nor documents pass through as the version sends them (new
 *   answer fields, `priority` levels, `ai_agent.resolution_state` values, articles' `parent_id`);
 *   2.16-only inputs the facade does not offer (`email_verified`, `brand_id`, `include_merge_history`,
 *   `attachment_files`, `whatsapp` messages) are refused by the facade's schemas in every version.
 *   SearchContacts' `sort` is documented only from 2.16; Intercom took it before, and it is sent as is.
 */
import { InvalidInputError } from '../errors.js'
import { versionAtLeast, type IntercomVersion } from '../intercom-spec/versions.js'

/** One row of the table above, for the README and tests. */
export interface VersionDifference {
  since: IntercomVersion
  operations: string
  change: string
  handling: string
}

/** The differences the facade absorbs (the table above). */
export const VERSION_DIFFERENCES: readonly VersionDifference[] = [
  { since: '2.16', operations: 'CreateContact, UpdateContact (request)', change: '`owner_id` integer → string', handling: 'accepts a number or a numeric string; sends an integer before 2.16, a string from 2.16' },
  { since: '2.16', operations: 'contact answers', change: '`owner_id` integer → string', handling: 'answers before 2.16 carry it as a string' },
  { since: '2.16', operations: 'conversation answers', change: '`admin_assignee_id`, `team_assignee_id`: integer or null → integer, `0` = unassigned', handling: 'answers before 2.16: null becomes 0' },
  { since: '2.16', operations: 'ticket answers', change: '`admin_assignee_id`, `team_assignee_id`: string → integer, `0` = unassigned', handling: 'answers before 2.16: the integer (none → 0)' },
  { since: '2.15', operations: 'replyConversation (request)', change: '`skip_notifications` added to admin replies', handling: 'offered on POST /conversations/{id}/reply; 400 on 2.14 and for a contact\'s reply' },
  { since: '2.15', operations: 'webhook topics', change: '`ticket.resolved` fires next to `ticket.closed`', handling: '`ticketResolutionTopics(version)`' }
]

/** True when answers of `v` must be rewritten to the facade's (2.16) shapes. */
export function needsAnswerRewrite (v: IntercomVersion): boolean {
  return !versionAtLeast(v, '2.16')
}

/** A contact's `owner_id` as version `v` wants it: an integer before 2.16, a string from 2.16 (null stays null). */
export function ownerIdFor (v: IntercomVersion, ownerId: number | string | null): number | string | null {
  if (ownerId === null) return null
  return versionAtLeast(v, '2.16') ? String(ownerId) : Number(ownerId)
}

/**
 * Check the reply options version `v` cannot carry.
 * @throws InvalidInputError (400) for `skip_notifications` on 2.14, or on a contact's reply
 */
export function checkReplyOptions (v: IntercomVersion, body: { skip_notifications?: boolean }, authorIsAdmin: boolean): void {
  if (body.skip_notifications === undefined) return
  if (!versionAtLeast(v, '2.15')) {
    throw new InvalidInputError([{ field: 'body.skip_notifications', message: `needs Intercom-Version 2.15 or newer: Intercom ${v} has no way to reply without notifying` }])
  }
  if (!authorIsAdmin) throw new InvalidInputError([{ field: 'body.skip_notifications', message: 'is for an admin\'s reply only (Intercom has it on admin replies)' }])
}

/** The webhook topics that say a ticket was resolved, in version `v`. */
export function ticketResolutionTopics (v: IntercomVersion): string[] {
  return versionAtLeast(v, '2.15') ? ['ticket.closed', 'ticket.resolved'] : ['ticket.closed']
}

type Obj = Record<string, unknown>

function isObj (x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** A contact answered by a version before 2.16, in 2.16's shape (in place). */
function contact (c: unknown): void {
  if (isObj(c) && typeof c.owner_id === 'number') c.owner_id = String(c.owner_id)
}

/** A conversation answered by a version before 2.16, in 2.16's shape (in place). */
function conversation (c: unknown): void {
  if (!isObj(c)) return
  if (c.admin_assignee_id === null) c.admin_assignee_id = 0
  if (c.team_assignee_id === null) c.team_assignee_id = 0
}

function assigneeNumber (x: unknown): unknown {
  if (x === null || x === undefined || x === '') return 0
  if (typeof x === 'string' && /^[0-9]+$/.test(x)) return Number(x)
  return x
}

/** A ticket answered by a version before 2.16, in 2.16's shape (in place). */
function ticket (t: unknown): void {
  if (!isObj(t)) return
  if ('admin_assignee_id' in t) t.admin_assignee_id = assigneeNumber(t.admin_assignee_id)
  if ('team_assignee_id' in t) t.team_assignee_id = assigneeNumber(t.team_assignee_id)
}

const REWRITES = { contact, conversation, ticket }

/** The object kinds whose answers differ between versions. */
export type AnswerKind = keyof typeof REWRITES

/**
 * Version `v`'s answer in the facade's (2.16) shape: one object, or a list of them under `listKey`
 * (e.g. `data`, `conversations`, `tickets`). Rewritten in place and returned; untouched from 2.16.
 */
export function answerFor<T> (v: IntercomVersion, kind: AnswerKind, answer: T, listKey?: string): T {
  if (!needsAnswerRewrite(v)) return answer
  const rewrite = REWRITES[kind]
  if (listKey === undefined) rewrite(answer)
  else if (isObj(answer) && Array.isArray(answer[listKey])) for (const item of answer[listKey] as unknown[]) rewrite(item)
  return answer
}

/**
 * `answerFor` over raw JSON bytes (from `IntercomClient.callRaw`): from 2.16 the same bytes, else
 * parsed, rewritten and serialised again.
 */
export function answerBytesFor (v: IntercomVersion, kind: AnswerKind, bytes: Buffer, listKey?: string): Buffer {
  if (!needsAnswerRewrite(v)) return bytes
  return Buffer.from(JSON.stringify(answerFor(v, kind, JSON.parse(bytes.toString('utf8')) as unknown, listKey)))
}
