/**
 * Field types of Intercom's search operations and the operators each type takes, from the
 * "Accepted Fields" and "Accepted Operators" tables of SearchContacts, searchConversations and
 * searchTickets in spec/intercom/api.intercom.io.2.14.yaml. A filter whose operator the field's
 * type cannot take ("you cannot search with `>` for a given string value"), or whose value does
 * not match the field's type ("as `created_at` accepts a date, the `value` cannot be a string such
 * as "foorbar""), is refused before anything is sent.
 *
 * Only what the tables say is enforced: a field not in a table (custom attributes, ticket
 * attributes, keys the tables omit) and an operator a table does not list are not checked, so
 * Intercom stays the judge there. `null` is accepted for every type (`phone = null`).
 */
import { FormulaError, isGroup, type IntercomOperator, type IntercomQuery } from './model.js'
import type { Positions } from './limits.js'

/** A searchable field's type. `tag` is contacts' `tag_id` (only `=` and `!=`). */
export type FieldType = 'string' | 'integer' | 'date' | 'boolean' | 'tag'

/** One search operation's fields and operator rules. */
export interface SearchFields {
  /** For messages, e.g. `contacts`. */
  resource: string
  /** Field → type. */
  types: Readonly<Record<string, FieldType>>
  /** Operator → the types that take it; an operator missing here is not checked. */
  operators: Readonly<Partial<Record<IntercomOperator, readonly FieldType[]>>>
}

const ALL: readonly FieldType[] = ['string', 'integer', 'date', 'boolean', 'tag']
const STRING_OPS = { '~': ['string'], '!~': ['string'], '^': ['string'], $: ['string'] } as const

const typesOf = (spec: Record<FieldType, string>): Record<string, FieldType> => {
  const out: Record<string, FieldType> = {}
  for (const [type, names] of Object.entries(spec) as Array<[FieldType, string]>) {
    for (const name of names.split(/\s+/).filter(Boolean)) out[name] = type
  }
  return out
}

/** SearchContacts: Date fields take only `=`, `>`, `<`; `tag_id` only `=` and `!=`. */
export const CONTACT_SEARCH_FIELDS: SearchFields = {
  resource: 'contacts',
  types: typesOf({
    string: `id role name avatar email email_domain phone external_id language_override browser browser_language os
      location.country location.region location.city ios_app_version ios_device ios_app_device ios_os_version ios_app_name
      ios_sdk_version android_app_version android_device android_app_name andoid_sdk_version segment_id`,
    integer: 'owner_id',
    date: `created_at signed_up_at updated_at last_seen_at last_contacted_at last_replied_at last_email_opened_at
      last_email_clicked_at ios_last_seen_at android_last_seen_at`,
    boolean: 'unsubscribed_from_emails marked_email_as_spam has_hard_bounced',
    tag: 'tag_id'
  }),
  operators: {
    '=': ALL,
    '!=': ['string', 'integer', 'boolean', 'tag'],
    IN: ['string', 'integer', 'boolean'],
    NIN: ['string', 'integer', 'boolean'],
    '>': ['integer', 'date'],
    '<': ['integer', 'date'],
    '>=': ['integer'],
    '<=': ['integer'],
    ...STRING_OPS
  }
}

/** searchConversations. */
export const CONVERSATION_SEARCH_FIELDS: SearchFields = {
  resource: 'conversations',
  types: typesOf({
    string: `id source.type source.id source.delivered_as source.subject source.body source.author.id source.author.type
      source.author.name source.author.email source.url contact_ids teammate_ids channel_initiated state tag_ids priority
      statistics.last_closed_by_id conversation_rating.remark conversation_rating.contact_id conversation_rating.admin_d
      ai_agent.resolution_state ai_agent.last_answer_type ai_agent.rating_remark ai_agent.source_type ai_agent.source_title`,
    integer: `admin_assignee_id team_assignee_id statistics.time_to_assignment statistics.time_to_admin_reply
      statistics.time_to_first_close statistics.time_to_last_close statistics.median_time_to_reply statistics.count_reopens
      statistics.count_assignments statistics.count_conversation_parts conversation_rating.score ai_agent.rating`,
    date: `created_at updated_at waiting_since snoozed_until statistics.first_contact_reply_at statistics.first_assignment_at
      statistics.first_admin_reply_at statistics.first_close_at statistics.last_assignment_at
      statistics.last_assignment_admin_reply_at statistics.last_contact_reply_at statistics.last_admin_reply_at
      statistics.last_close_at conversation_rating.requested_at conversation_rating.replied_at`,
    boolean: 'open read ai_agent_participated',
    tag: ''
  }),
  operators: { '=': ALL, '!=': ALL, IN: ALL, NIN: ALL, '>': ['integer', 'date'], '<': ['integer', 'date'], ...STRING_OPS }
}

/** searchTickets (`ticket_attribute.{id}` can be any type: not checked). */
export const TICKET_SEARCH_FIELDS: SearchFields = {
  resource: 'tickets',
  types: typesOf({
    string: 'id title description category ticket_type_id contact_ids teammate_ids admin_assignee_id team_assignee_id state',
    integer: '',
    date: 'created_at updated_at snoozed_until',
    boolean: 'open',
    tag: ''
  }),
  operators: { '=': ALL, '!=': ALL, IN: ALL, NIN: ALL, '>': ['integer', 'date'], '<': ['integer', 'date'], ...STRING_OPS }
}

/** A filter refused for its field's type; `part` says whether the operator or the value is at fault. */
export class FieldTypeError extends FormulaError {
  constructor (readonly part: 'operator' | 'value', position: number, reason: string, path?: string) {
    super(part === 'operator' ? 'operator not allowed' : 'value does not match the field', position, reason, path)
  }
}

const TYPE_NAMES: Record<FieldType, string> = { string: 'a string', integer: 'an integer', date: 'a date', boolean: 'a boolean', tag: 'a tag' }

/** Does `value` suit a field of `type`? Strings are not checked (ids may be sent as numbers). */
function suits (type: FieldType, value: unknown): boolean {
  if (value === null) return true
  if (Array.isArray(value)) return value.every((v) => suits(type, v))
  switch (type) {
    case 'integer': return typeof value === 'number'
    case 'date': return typeof value === 'number'
    case 'boolean': return typeof value === 'boolean'
    default: return true
  }
}

/**
 * Throw if a filter of `query` uses an operator its field's type cannot take, or a value of
 * another type. Groups are walked; anything that is not a `{ field, operator }` filter is skipped.
 * @throws FieldTypeError (a FormulaError) at the filter's position in the formula (from `positions`), else -1 with
 *   a JSON path such as `query.value[1]`
 */
export function checkFields (query: IntercomQuery, fields: SearchFields, positions?: Positions, path = 'query'): void {
  if (isGroup(query)) {
    query.value.forEach((member, i) => { checkFields(member, fields, positions, `${path}.value[${i}]`) })
    return
  }
  const { field, operator, value } = query as { field?: unknown, operator?: unknown, value?: unknown }
  if (typeof field !== 'string' || typeof operator !== 'string') return
  const type = Object.hasOwn(fields.types, field) ? fields.types[field] : undefined
  if (type === undefined) return
  const pos = positions?.get(query as object)
  const where: [number, string | undefined] = pos === undefined ? [-1, path] : [pos, undefined]
  const allowed = fields.operators[operator as IntercomOperator]
  if (allowed !== undefined && !allowed.includes(type)) {
    const takes = (Object.entries(fields.operators) as Array<[string, readonly FieldType[]]>).filter(([, ts]) => ts.includes(type)).map(([op]) => op)
    throw new FieldTypeError('operator', where[0],
      `'${operator}' cannot be used on ${field}, ${TYPE_NAMES[type]} field in Intercom's ${fields.resource} search (it takes ${takes.join(' ')})`, where[1])
  }
  if (!suits(type, value)) {
    const hint = type !== 'date' ? '' : where[0] >= 0 ? ' (Unix seconds or an ISO 8601 date such as \'2024-01-31\')' : ' (Unix seconds)'
    throw new FieldTypeError('value', where[0], `${field} is ${TYPE_NAMES[type]} field: compare it with ${type === 'boolean' ? 'true or false' : `a number${hint}`}`, where[1])
  }
}
