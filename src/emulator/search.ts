/**
 * Intercom's search query language (POST /contacts/search), evaluated in memory.
 *
 * A query is a filter `{ field, operator, value }` or a group `{ operator: 'AND'|'OR', value: [...] }`
 * of filters and groups. Rules enforced as Intercom documents them (SearchContacts description):
 * at most 2 levels of nested groups, at most 15 entries per group, operators allowed per field type
 * (string: = != IN NIN ~ !~ ^ $; integer: = != IN NIN < > <= >=; boolean: = != IN NIN;
 * date: = < > only; tag_id/segment_id: = != only), IN/NIN take arrays, other operators do not,
 * values must match the field's type. Date fields are matched by UTC calendar day unless the store
 * says 'second': `=` the whole day, `>` from the start of the next day, `<` before the start of the day.
 * Violations throw 400 `parameter_invalid`.
 *
 * Results are sorted (default `created_at` ascending, ties by id) and cut into pages with an opaque
 * `starting_after` cursor (base64url of `[sortValue, id, page]`).
 */
import { parameterInvalid } from './errors.js'
import type { Contact } from './models.js'

/** Value type of a searchable field. 'any' (custom attributes) accepts every operator. */
export type FieldType = 'string' | 'integer' | 'date' | 'boolean' | 'any'

/** How to read and compare one searchable field. */
export interface SearchField<T> {
  type: FieldType
  get: (doc: T) => unknown
  /** Compare strings case-insensitively (emails). */
  caseInsensitive?: boolean
  /** Restrict operators further (tag_id: = and != only). */
  operators?: readonly string[]
  /** The field is a list: a filter matches when any element matches (tag_id). */
  multi?: boolean
}

/** Resolves a field name of a query to its definition; undefined for unknown fields. */
export type FieldResolver<T> = (name: string) => SearchField<T> | undefined

/** Documented limits of Intercom's search. */
export const SEARCH_LIMITS = { maxNestedGroups: 2, maxEntriesPerGroup: 15, defaultPerPage: 50, maxPerPage: 150 } as const

const OPERATORS_BY_TYPE: Record<FieldType, readonly string[]> = {
  string: ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'],
  integer: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>='],
  date: ['=', '<', '>'],
  boolean: ['=', '!=', 'IN', 'NIN'],
  any: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>=', '~', '!~', '^', '$']
}

const DAY = 86400

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Coerce one query value to the field's type, or throw 400. */
function coerce (value: unknown, type: FieldType, field: string): unknown {
  if (value === null || type === 'any') return value
  switch (type) {
    case 'integer':
    case 'date':
      if (typeof value === 'number' && Number.isFinite(value)) return value
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
      throw parameterInvalid(`${field} must be ${type === 'date' ? 'a date (Unix timestamp)' : 'an integer'}, got ${JSON.stringify(value)}`, field)
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (value === 'true' || value === 'false') return value === 'true'
      throw parameterInvalid(`${field} must be a boolean, got ${JSON.stringify(value)}`, field)
    default:
      if (typeof value === 'string') return value
      if (typeof value === 'number' || typeof value === 'boolean') return String(value)
      throw parameterInvalid(`${field} must be a string, got ${JSON.stringify(value)}`, field)
  }
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return undefined
}

/** Equality between a document value and a (coerced) query value. */
function equals (docValue: unknown, queryValue: unknown, field: SearchField<unknown>): boolean {
  if (queryValue === null) return docValue == null || docValue === ''
  if (docValue == null) return false
  if (typeof queryValue === 'string' && typeof docValue === 'string') {
    return field.caseInsensitive === true ? docValue.toLowerCase() === queryValue.toLowerCase() : docValue === queryValue
  }
  const a = num(docValue)
  const b = num(queryValue)
  if (a !== undefined && b !== undefined && (field.type !== 'string')) return a === b
  return String(docValue) === String(queryValue)
}

/** Compile one filter into a predicate. */
function compileFilter<T> (filter: Record<string, unknown>, resolve: FieldResolver<T>, datePrecision: 'day' | 'second'): (doc: T) => boolean {
  const name = filter.field
  const operator = filter.operator
  if (typeof name !== 'string' || name === '') throw parameterInvalid('Each filter needs a field', 'field')
  if (typeof operator !== 'string') throw parameterInvalid(`Filter on ${name} needs an operator`, name)
  const field = resolve(name)
  if (field === undefined) throw parameterInvalid(`${name} is not a searchable field`, name)
  const allowed = field.operators ?? OPERATORS_BY_TYPE[field.type]
  if (!allowed.includes(operator)) {
    throw parameterInvalid(`Operator ${operator} is not supported on ${name} (${field.type} field; allowed: ${allowed.join(' ')})`, name)
  }
  if (!('value' in filter)) throw parameterInvalid(`Filter on ${name} needs a value`, name)
  const raw = filter.value
  const isList = operator === 'IN' || operator === 'NIN'
  if (isList !== Array.isArray(raw)) {
    throw parameterInvalid(isList ? `${operator} needs an array value (${name})` : `${operator} does not take an array value (${name})`, name)
  }
  const values = isList ? (raw as unknown[]).map((v) => coerce(v, field.type, name)) : [coerce(raw, field.type, name)]
  const value = values[0]
  const f = field as SearchField<unknown>
  // Contains / starts with / ends with compare case-insensitively.
  const text = (v: unknown): string => String(v).toLowerCase()

  let test: (docValue: unknown) => boolean
  if (field.type === 'date' && datePrecision === 'day' && value !== null) {
    const start = Math.floor((value as number) / DAY) * DAY
    test = (d) => {
      const t = num(d)
      if (t === undefined) return false
      if (operator === '=') return t >= start && t < start + DAY
      if (operator === '>') return t >= start + DAY
      return t < start // '<'
    }
  } else {
    switch (operator) {
      case '=': test = (d) => equals(d, value, f); break
      case '!=': test = (d) => !equals(d, value, f); break
      case 'IN': test = (d) => values.some((v) => equals(d, v, f)); break
      case 'NIN': test = (d) => !values.some((v) => equals(d, v, f)); break
      case '<': case '>': case '<=': case '>=': {
        const q = num(value)
        if (q === undefined) throw parameterInvalid(`${operator} needs a number (${name})`, name)
        test = (d) => {
          const t = num(d)
          if (t === undefined) return false
          return operator === '<' ? t < q : operator === '>' ? t > q : operator === '<=' ? t <= q : t >= q
        }
        break
      }
      case '~': test = (d) => d != null && value != null && text(d).includes(text(value)); break
      case '!~': test = (d) => d == null || value == null || !text(d).includes(text(value)); break
      case '^': test = (d) => d != null && value != null && text(d).startsWith(text(value)); break
      case '$': test = (d) => d != null && value != null && text(d).endsWith(text(value)); break
      default: throw parameterInvalid(`Unknown operator ${operator}`, name)
    }
  }
  if (field.multi === true) {
    const negative = operator === '!=' || operator === 'NIN' || operator === '!~'
    return (doc) => {
      const list = field.get(doc)
      const items = Array.isArray(list) ? list : []
      return negative ? items.every((x) => test(x)) : items.some((x) => test(x))
    }
  }
  return (doc) => test(field.get(doc))
}

/**
 * Compile a search `query` into a predicate, enforcing Intercom's limits.
 * Throws 400 `parameter_invalid` for anything Intercom would refuse.
 */
export function compileSearchQuery<T> (query: unknown, resolve: FieldResolver<T>, datePrecision: 'day' | 'second' = 'day'): (doc: T) => boolean {
  const compile = (node: unknown, depth: number): ((doc: T) => boolean) => {
    if (!isObject(node)) throw parameterInvalid('A search query must be a filter or a group of filters', 'query')
    const op = node.operator
    if (op === 'AND' || op === 'OR') {
      if (depth + 1 > SEARCH_LIMITS.maxNestedGroups) {
        throw parameterInvalid(`Search queries support at most ${SEARCH_LIMITS.maxNestedGroups} levels of nested filters`, 'query')
      }
      if (!Array.isArray(node.value)) throw parameterInvalid(`An ${op} group needs an array value`, 'query')
      if (node.value.length > SEARCH_LIMITS.maxEntriesPerGroup) {
        throw parameterInvalid(`Search queries support at most ${SEARCH_LIMITS.maxEntriesPerGroup} filters per ${op} group, got ${node.value.length}`, 'query')
      }
      const parts = node.value.map((child) => compile(child, depth + 1))
      return op === 'AND' ? (doc) => parts.every((p) => p(doc)) : (doc) => parts.some((p) => p(doc))
    }
    return compileFilter(node, resolve, datePrecision)
  }
  return compile(query, 0)
}

/** A page of sorted results with Intercom's `pages` object. */
export interface SearchPage<T> {
  type: 'list'
  data: T[]
  total_count: number
  pages: {
    type: 'pages'
    page: number
    per_page: number
    total_pages: number
    next?: { page: number; starting_after: string }
  }
}

/** Encode a cursor: base64url of `[sortValue, id, page]` (page = the page the cursor ends). */
export function encodeCursor (sortValue: unknown, id: string, page: number): string {
  return Buffer.from(JSON.stringify([sortValue ?? null, id, page])).toString('base64url')
}

/** Decode a cursor made by {@link encodeCursor}; throws 400 when it is not one. */
export function decodeCursor (cursor: string): { sortValue: unknown; id: string; page: number } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 3 && typeof parsed[1] === 'string' && Number.isInteger(parsed[2])) {
      return { sortValue: parsed[0], id: parsed[1], page: parsed[2] as number }
    }
  } catch { /* fall through */ }
  throw parameterInvalid('starting_after is not a valid cursor', 'starting_after')
}

/** Order two sort values: numbers numerically, strings by code unit, null/undefined last. */
function compareValues (a: unknown, b: unknown): number {
  const an = a == null
  const bn = b == null
  if (an || bn) return an === bn ? 0 : an ? 1 : -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const as = String(a)
  const bs = String(b)
  return as < bs ? -1 : as > bs ? 1 : 0
}

/**
 * Sort `docs`, then return the page after the `starting_after` cursor.
 * `sort` is Intercom's `{ field, order: 'ascending'|'descending' }`; `pagination` is `{ per_page, starting_after }`.
 */
export function sortAndPage<T extends { id: string }> (
  docs: T[],
  resolve: FieldResolver<T>,
  sort: unknown,
  pagination: unknown,
  defaultSortField = 'created_at'
): SearchPage<T> {
  let sortField = defaultSortField
  let descending = false
  if (sort !== undefined && sort !== null) {
    if (!isObject(sort) || typeof sort.field !== 'string') throw parameterInvalid('sort needs a field', 'sort')
    sortField = sort.field
    const order = sort.order ?? 'ascending'
    if (order !== 'ascending' && order !== 'descending') throw parameterInvalid('sort.order must be ascending or descending', 'sort')
    descending = order === 'descending'
  }
  const field = resolve(sortField)
  if (field === undefined || field.multi === true) throw parameterInvalid(`${sortField} is not a sortable field`, 'sort')

  let perPage: number = SEARCH_LIMITS.defaultPerPage
  let startingAfter: string | null | undefined
  if (isObject(pagination)) {
    if (pagination.per_page !== undefined && pagination.per_page !== null) {
      if (typeof pagination.per_page !== 'number' || !Number.isInteger(pagination.per_page) || pagination.per_page < 1) {
        throw parameterInvalid('per_page must be a positive integer', 'per_page')
      }
      perPage = Math.min(pagination.per_page, SEARCH_LIMITS.maxPerPage)
    }
    startingAfter = pagination.starting_after as string | null | undefined
  }

  const keyed = docs.map((doc) => ({ doc, key: field.get(doc) }))
  const order = (a: { key: unknown; id: string }, b: { key: unknown; id: string }): number => {
    let c = compareValues(a.key, b.key)
    if (descending && a.key != null && b.key != null) c = -c
    if (c !== 0) return c
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  }
  keyed.sort((a, b) => order({ key: a.key, id: a.doc.id }, { key: b.key, id: b.doc.id }))

  let start = 0
  let page = 1
  if (typeof startingAfter === 'string' && startingAfter !== '') {
    const cursor = decodeCursor(startingAfter)
    const idx = keyed.findIndex((k) => order({ key: k.key, id: k.doc.id }, { key: cursor.sortValue, id: cursor.id }) > 0)
    start = idx === -1 ? keyed.length : idx
    page = cursor.page + 1
  }
  const slice = keyed.slice(start, start + perPage)
  const total = keyed.length
  const result: SearchPage<T> = {
    type: 'list',
    data: slice.map((k) => k.doc),
    total_count: total,
    pages: { type: 'pages', page, per_page: perPage, total_pages: Math.ceil(total / perPage) }
  }
  if (start + perPage < total && slice.length > 0) {
    const last = slice[slice.length - 1]
    result.pages.next = { page: page + 1, starting_after: encodeCursor(last.key, last.doc.id, page) }
  }
  return result
}

const CONTACT_DATE_FIELDS = ['created_at', 'signed_up_at', 'updated_at', 'last_seen_at', 'last_contacted_at', 'last_replied_at',
  'last_email_opened_at', 'last_email_clicked_at', 'ios_last_seen_at', 'android_last_seen_at'] as const
const CONTACT_STRING_FIELDS = ['id', 'role', 'name', 'email', 'phone', 'external_id', 'language_override', 'browser',
  'browser_language', 'os', 'ios_app_version', 'ios_device', 'ios_os_version', 'ios_app_name', 'ios_sdk_version',
  'android_app_version', 'android_device', 'android_app_name', 'android_sdk_version', 'android_os_version', 'browser_version'] as const
const CONTACT_BOOLEAN_FIELDS = ['unsubscribed_from_emails', 'marked_email_as_spam', 'has_hard_bounced'] as const

const contactFields = new Map<string, SearchField<Contact>>()
for (const f of CONTACT_DATE_FIELDS) contactFields.set(f, { type: 'date', get: (c) => c[f] })
for (const f of CONTACT_STRING_FIELDS) contactFields.set(f, { type: 'string', get: (c) => c[f], caseInsensitive: f === 'email' })
for (const f of CONTACT_BOOLEAN_FIELDS) contactFields.set(f, { type: 'boolean', get: (c) => c[f] })
contactFields.set('owner_id', { type: 'integer', get: (c) => c.owner_id })
contactFields.set('avatar', { type: 'string', get: (c) => c.avatar?.image_url ?? null })
contactFields.set('email_domain', { type: 'string', get: (c) => c.email?.split('@')[1] ?? null, caseInsensitive: true })
for (const f of ['country', 'region', 'city'] as const) contactFields.set(`location.${f}`, { type: 'string', get: (c) => c.location[f] })
// Spelled this way in Intercom's table of accepted fields.
contactFields.set('andoid_sdk_version', { type: 'string', get: (c) => c.android_sdk_version })
contactFields.set('ios_app_device', { type: 'string', get: (c) => c.ios_device })
contactFields.set('tag_id', { type: 'string', operators: ['=', '!='], multi: true, get: (c) => c.tags.data.map((t) => t.id) })
// The emulator has no segments: nothing is in any segment.
contactFields.set('segment_id', { type: 'string', operators: ['=', '!='], multi: true, get: () => [] })

/** Field resolver for contacts: the accepted fields of Intercom's table plus `custom_attributes.<name>`. */
export const resolveContactField: FieldResolver<Contact> = (name) => {
  const known = contactFields.get(name)
  if (known !== undefined) return known
  if (name.startsWith('custom_attributes.') && name.length > 'custom_attributes.'.length) {
    const attr = name.slice('custom_attributes.'.length)
    return { type: 'any', get: (c) => c.custom_attributes[attr] }
  }
  return undefined
}
