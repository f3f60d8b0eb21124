/**
 * Shared vocabulary of the filter-formula module: Intercom's search query object, the error the
 * module throws, and the limits it enforces.
 */

/**
 * Operators of Intercom's `single_filter_search_request` (spec 2.14, `operator` enum).
 * `parseFormula` never emits `>=` or `<=` (see `translate.ts`); they are listed because a
 * passthrough query may carry them, and `formatQuery` can render them.
 */
export type IntercomOperator = '=' | '!=' | 'IN' | 'NIN' | '<' | '<=' | '>' | '>=' | '~' | '!~' | '^' | '$'

/** A scalar a filter can compare with; lists (for IN/NIN) hold strings and numbers only. */
export type IntercomScalar = string | number | boolean | null

/** One comparison: Intercom's `single_filter_search_request`. */
export interface IntercomFilter {
  field: string
  operator: IntercomOperator
  value: IntercomScalar | Array<string | number>
}

/** A boolean group: Intercom's `multiple_filter_search_request`. */
export interface IntercomGroup {
  operator: 'AND' | 'OR'
  value: IntercomQuery[]
}

/** Intercom's search `query`: a single filter, or an AND/OR group of filters and groups. */
export type IntercomQuery = IntercomFilter | IntercomGroup

/**
 * Intercom's limits, quoted from the descriptions of SearchContacts, searchConversations and
 * searchTickets in spec/intercom/api.intercom.io.2.14.yaml ("Nesting & Limitations"):
 *
 *   "There's a limit of max 2 nested filters"
 *   "There's a limit of max 15 filters for each AND or OR group"
 *
 * The spec illustrates nesting with "(1 OR 2) AND (3 OR 4)": a group whose members are groups of
 * filters. We read "max 2 nested" as: at most 2 levels of AND/OR groups from the root to any
 * filter (a lone filter is level 0, `a AND b` is 1, `(a OR b) AND c` is 2, one more level is an
 * error). "Filters for each group" counts a group's direct members, whether filters or groups.
 * The spec states no limit on the total number of filters, so none is enforced beyond what the
 * two rules imply (15 × 15).
 */
export const MAX_NESTING = 2
/** See {@link MAX_NESTING}: "max 15 filters for each AND or OR group". */
export const MAX_GROUP_SIZE = 15

/** Longest formula accepted, in UTF-16 code units (a facade limit, not Intercom's). */
export const MAX_FORMULA_LENGTH = 4096
/**
 * Deepest parenthesis nesting accepted (a facade limit that keeps the recursive-descent parser
 * far from the stack limit; redundant parentheses add no level, so this is not Intercom's limit).
 */
export const MAX_PARENTHESES = 32

/** Words with a meaning in the grammar (matched case-insensitively); they cannot be field names. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'in', 'nin', 'true', 'false', 'null'])

/** A field: identifier segments joined by dots; segments after the first may start with a digit (`ticket_attribute.123`). */
export const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/

/** Is `field` writable in a formula (a well-formed path that is not a bare keyword)? */
export function isFormulaField (field: string): boolean {
  return FIELD_PATTERN.test(field) && !KEYWORDS.has(field.toLowerCase())
}

/**
 * The one error this module throws.
 *
 * - `position`: 0-based offset into the formula (UTF-16 code units) of the offending text, or
 *   -1 when the error is not about formula text (a passthrough query, or `formatQuery` input).
 * - `reason`: short explanation of what was expected or which rule was broken.
 * - `path`: for position -1, where in the query object the problem is (e.g. `query.value[2]`).
 * - `message`: `filter: <what> at position <n>: <reason>`, e.g.
 *   `filter: unexpected ')' at position 17: expected a value`; for position -1:
 *   `query: <what> at <path>: <reason>`.
 */
export class FormulaError extends Error {
  override readonly name = 'FormulaError'
  readonly position: number
  readonly reason: string
  readonly path: string | undefined

  constructor (what: string, position: number, reason: string, path?: string) {
    super(position >= 0
      ? `filter: ${what} at position ${position}: ${reason}`
      : `query: ${what}${path !== undefined ? ` at ${path}` : ''}: ${reason}`)
    this.position = position
    this.reason = reason
    this.path = path
  }
}

/** Is `q` an AND/OR group (rather than a single filter)? Tolerates arbitrary JSON. */
export function isGroup (q: unknown): q is IntercomGroup {
  if (typeof q !== 'object' || q === null) return false
  const { operator, value } = q as { operator?: unknown, value?: unknown }
  return (operator === 'AND' || operator === 'OR') && Array.isArray(value)
}

/**
 * If `q` is the OR group that `a >= x` / `a <= x` becomes (`[{a > x}, {a = x}]`, or `<`), the
 * parts of that comparison; else undefined.
 */
export function asRangeShorthand (q: unknown): { field: string, operator: '>=' | '<=', value: number } | undefined {
  if (!isGroup(q) || q.operator !== 'OR' || q.value.length !== 2) return undefined
  const [a, b] = q.value as unknown[] as Array<Partial<Record<'field' | 'operator' | 'value', unknown>> | null>
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return undefined
  if (typeof a.field !== 'string' || a.field !== b.field) return undefined
  if ((a.operator !== '>' && a.operator !== '<') || b.operator !== '=') return undefined
  if (typeof a.value !== 'number' || !Number.isFinite(a.value) || a.value !== b.value) return undefined
  return { field: a.field, operator: a.operator === '>' ? '>=' : '<=', value: a.value }
}
