/**
 * Filter formulas for the search routes: a human-readable filter such as
 *
 *   role = 'user' AND (created_at > '2024-01-01' OR email ~ 'acme')
 *
 * ⇄ Intercom's search `query` object (SearchContacts, searchConversations, searchTickets in
 * spec/intercom/api.intercom.io.2.14.yaml).
 *
 * Pipeline: `formula/lexer.ts` (tokens) → `formula/parser.ts` (grammar, in EBNF there; syntax
 * tree) → `formula/translate.ts` (value checks, dates, `>=`/`<=`, flattening) →
 * `formula/limits.ts` (Intercom's limits). `formula/format.ts` goes back.
 */
import { format } from './formula/format.js'
import { checkLimits } from './formula/limits.js'
import { FormulaError, MAX_FORMULA_LENGTH, type IntercomQuery } from './formula/model.js'
import { parseSyntax } from './formula/parser.js'
import { translate } from './formula/translate.js'
import { checkFields, type SearchFields } from './formula/fields.js'

export {
  FormulaError,
  MAX_FORMULA_LENGTH,
  MAX_GROUP_SIZE,
  MAX_NESTING,
  MAX_PARENTHESES,
  type IntercomFilter,
  type IntercomGroup,
  type IntercomOperator,
  type IntercomQuery,
  type IntercomScalar
} from './formula/model.js'
export { CONTACT_SEARCH_FIELDS, CONVERSATION_SEARCH_FIELDS, TICKET_SEARCH_FIELDS, FieldTypeError, checkFields, type FieldType, type SearchFields } from './formula/fields.js'

/**
 * Parse a filter formula into Intercom's query object.
 *
 * Returns a single filter `{ field, operator, value }` when the formula is one comparison, else
 * a group `{ operator: 'AND' | 'OR', value: [...] }` of filters and groups, flattened (no group
 * directly holds a group with its own operator; redundant parentheses add no level).
 * - ISO 8601 dates in strings (`'2024-01-31'`, `'2024-01-31T10:00:00Z'`; UTC without a zone)
 *   become Unix seconds, except as the value of `~ !~ ^ $`.
 * - `a >= x` is sent as `{ operator: 'OR', value: [a > x, a = x] }`, `a <= x` as `[a < x, a = x]`.
 *
 * @throws FormulaError (with the 0-based `position` of the offending text) for: empty input;
 *   input over MAX_FORMULA_LENGTH characters; unterminated strings, bad escapes, stray
 *   characters; syntax errors and trailing input; IN/NIN without a list, a list with another
 *   operator, a value the operator cannot take; parentheses nested over MAX_PARENTHESES; and
 *   Intercom's limits (see {@link checkQueryLimits}); with `fields`, an operator the field's type
 *   cannot take or a value of another type (formula/fields.ts).
 */
export function parseFormula (input: string, fields?: SearchFields): IntercomQuery {
  if (input.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError('filter too long', MAX_FORMULA_LENGTH, `a filter can have at most ${MAX_FORMULA_LENGTH} characters`)
  }
  const positions = new Map<object, number>()
  const query = translate(parseSyntax(input), positions)
  checkLimits(query, positions)
  if (fields !== undefined) checkFields(query, fields, positions)
  return query
}

/**
 * Write a query object as a canonical formula: `parseFormula(formatQuery(q))` equals `q` for
 * any `q` made by `parseFormula` (numbers stay numbers, so dates come back as Unix seconds:
 * formula → query → formula → query gives the first query again), provided the canonical text
 * fits MAX_FORMULA_LENGTH (it can be longer than the input: `1e21` → `1e+21`). For other queries the
 * result is the flattened equivalent, provided the values suit their operators; a string
 * value that is an ISO date would come back as a number.
 *
 * @throws FormulaError (position -1, `path` naming the spot, e.g. `query.value[1].field`) when
 *   the query cannot be written as a formula: an empty group, a field that is not a dotted
 *   identifier or is a bare keyword, an unknown operator, a value that is not a string, finite
 *   number, boolean, null or a list of those.
 */
export function formatQuery (query: IntercomQuery): string {
  return format(query)
}

/**
 * Check Intercom's search limits on a query object (for the passthrough `query` form; parsed
 * formulas are already checked). From the spec's search operations: "There's a limit of max 2
 * nested filters" (read as at most 2 levels of AND/OR groups) and "There's a limit of max 15
 * filters for each AND or OR group" (direct members, filters or groups). Only groups
 * (`operator` AND/OR with an array `value`) are inspected; anything else counts as one filter.
 *
 * @throws FormulaError with position -1 and `path` (e.g. `query.value[0].value[15]`) when a
 *   group is nested too deep or has too many members, and (with `fields`) when a filter's operator
 *   or value does not suit its field's type
 */
export function checkQueryLimits (query: IntercomQuery, fields?: SearchFields): void {
  checkLimits(query)
  if (fields !== undefined) checkFields(query, fields)
}
