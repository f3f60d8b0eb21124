/**
 * Search translation shared by the search routes: the facade's search body (exactly one of the
 * forms `query`, shorthand `field`/`operator`/`value`, or `filter` formula) → Intercom's search
 * request `{ query, pagination?: { per_page, starting_after }, sort?: { field, order } }`.
 * Every form is checked against Intercom's search limits before anything is sent.
 */
import { InvalidInputError } from '../errors.js'
import { checkQueryLimits, FormulaError, parseFormula, type SearchFields } from './formula.js'
import { checkFields, FieldTypeError } from './formula/fields.js'
import type { SearchBody } from '../../schemas/search.js'

/** Intercom's search request body (SearchContacts, searchConversations, searchTickets). */
export interface IntercomSearchRequest {
  query: Record<string, unknown>
  pagination?: { per_page?: number; starting_after?: string }
  sort?: { field: string; order: 'ascending' | 'descending' }
}

/** The query of whichever single form was given. */
function queryOf (body: SearchBody, fields?: SearchFields): Record<string, unknown> {
  const shorthand = body.field !== undefined || body.operator !== undefined || body.value !== undefined
  const given = [body.query !== undefined && 'query', shorthand && 'field', body.filter !== undefined && 'filter'].filter(Boolean) as string[]
  if (given.length === 0) {
    throw new InvalidInputError([{ field: 'body.query', message: 'is required unless filter, or field/operator/value, is given' }])
  }
  if (given.length > 1) {
    throw new InvalidInputError(given.slice(1).map((f) => ({ field: `body.${f}`, message: `cannot be combined with ${given[0]}: give exactly one search form` })))
  }
  try {
    if (body.filter !== undefined) return parseFormula(body.filter, fields) as unknown as Record<string, unknown>
    if (body.query !== undefined) {
      checkQueryLimits(body.query as never, fields)
      return body.query
    }
  } catch (err) {
    if (err instanceof FormulaError) throw new InvalidInputError([{ field: body.filter !== undefined ? 'body.filter' : 'body.query', message: err.message }])
    throw err
  }
  const missing = (['field', 'operator', 'value'] as const).filter((k) => body[k] === undefined)
  if (missing.length > 0) throw new InvalidInputError(missing.map((k) => ({ field: `body.${k}`, message: 'is required with the shorthand form' })))
  const { field, operator, value } = body
  // `>=`/`<=` are not Intercom operators: `a >= x` is sent as `a > x OR a = x`, as the formula does.
  const query = operator === '>=' || operator === '<='
    ? { operator: 'OR', value: [{ field, operator: operator[0], value }, { field, operator: '=', value }] }
    : { field, operator, value }
  if (fields !== undefined) {
    try {
      checkFields(query as never, fields)
    } catch (err) {
      if (err instanceof FieldTypeError) throw new InvalidInputError([{ field: `body.${err.part}`, message: err.reason }])
      throw err
    }
  }
  return query
}

/**
 * Build Intercom's search body.
 * Paging is `per_page`/`starting_after` or Intercom's own `pagination` object (not both).
 * @throws InvalidInputError (400) unless exactly one form is given, for both paging styles at once, for a formula that does not
 * parse (with its position), for a query past Intercom's nesting or group-size limits, and (with
 * the operation's `fields`, e.g. CONTACT_SEARCH_FIELDS) for an operator a field's type cannot take
 */
export function toIntercomSearch (body: SearchBody, fields?: SearchFields): IntercomSearchRequest {
  const out: IntercomSearchRequest = { query: queryOf(body, fields) }
  const topLevel = body.per_page !== undefined || body.starting_after !== undefined
  if (body.pagination !== undefined && topLevel) {
    throw new InvalidInputError([{ field: 'body.pagination', message: 'cannot be combined with per_page or starting_after: give the paging once' }])
  }
  const paging = body.pagination ?? (topLevel ? { per_page: body.per_page, starting_after: body.starting_after } : undefined)
  if (paging !== undefined && (paging.per_page !== undefined || paging.starting_after !== undefined)) {
    out.pagination = { per_page: paging.per_page, starting_after: paging.starting_after }
  }
  if (body.sort_field !== undefined) out.sort = { field: body.sort_field, order: body.sort_order ?? 'descending' }
  else if (body.sort_order !== undefined) throw new InvalidInputError([{ field: 'body.sort_field', message: 'is required with sort_order' }])
  return out
}
