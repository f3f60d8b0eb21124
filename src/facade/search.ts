/**
 * Search translation shared by the search routes: the facade's search body (one of the forms
 * `query` or shorthand `field`/`operator`/`value`) → Intercom's search request
 * `{ query, pagination?: { per_page, starting_after }, sort?: { field, order } }`.
 */
import { InvalidInputError } from '../errors.js'
import type { SearchBody } from '../../schemas/contacts.js'

/** Intercom's search request body (SearchContacts, searchConversations, searchTickets). */
export interface IntercomSearchRequest {
  query: Record<string, unknown>
  pagination?: { per_page?: number; starting_after?: string }
  sort?: { field: string; order: 'ascending' | 'descending' }
}

/**
 * Build Intercom's search body.
 * @throws InvalidInputError (400) unless exactly one form is given, naming the fields at fault
 */
export function toIntercomSearch (body: SearchBody): IntercomSearchRequest {
  const shorthand = body.field !== undefined || body.operator !== undefined || body.value !== undefined
  const forms = [body.query !== undefined, shorthand].filter(Boolean).length
  if (forms !== 1) {
    throw new InvalidInputError(
      forms === 0
        ? [{ field: 'body.query', message: 'is required unless field, operator and value are given' }]
        : [{ field: 'body.query', message: 'cannot be combined with field/operator/value: give exactly one search form' }]
    )
  }
  let query: Record<string, unknown>
  if (body.query !== undefined) {
    query = body.query
  } else {
    const missing = (['field', 'operator', 'value'] as const).filter((k) => body[k] === undefined)
    if (missing.length > 0) throw new InvalidInputError(missing.map((k) => ({ field: `body.${k}`, message: 'is required with the shorthand form' })))
    query = { field: body.field, operator: body.operator, value: body.value }
  }
  const out: IntercomSearchRequest = { query }
  if (body.per_page !== undefined || body.starting_after !== undefined) {
    out.pagination = { per_page: body.per_page, starting_after: body.starting_after }
  }
  if (body.sort_field !== undefined) out.sort = { field: body.sort_field, order: body.sort_order ?? 'descending' }
  else if (body.sort_order !== undefined) throw new InvalidInputError([{ field: 'body.sort_field', message: 'is required with sort_order' }])
  return out
}
