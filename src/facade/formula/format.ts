/**
 * Intercom query object → canonical formula (the inverse of parse + translate).
 *
 * Canonical form: one space around operators and keywords; upper-case keywords; strings in
 * single quotes with `\` and `'` escaped; numbers as JavaScript prints them; nested groups in
 * parentheses (even where precedence would not need them); an OR group of exactly
 * `[{f > x}, {f = x}]` (or `<`) is written `f >= x` (or `<=`), the form `parseFormula` makes.
 */
import { FormulaError, asRangeShorthand, isFormulaField, isGroup } from './model.js'

const OPERATORS = new Set(['=', '!=', 'IN', 'NIN', '<', '<=', '>', '>=', '~', '!~', '^', '$'])
/** Deeper than any valid query; guards against cyclic or absurd objects. */
const MAX_DEPTH = 64

/**
 * Write `query` as a formula.
 * @throws FormulaError (position -1, with a JSON path) for what no formula can express: an
 *   empty group, a field that is not a dotted identifier (or is a bare keyword), an unknown
 *   operator, a value that is not a string, finite number, boolean, null or list of those.
 */
export function format (query: unknown, path = 'query', depth = 0): string {
  if (depth > MAX_DEPTH) throw new FormulaError('query too deep', -1, `more than ${MAX_DEPTH} levels`, path)
  if (isGroup(query)) {
    const shorthand = asComparisonShorthand(query)
    if (shorthand !== undefined) return shorthand
    if (query.value.length === 0) throw new FormulaError(`empty ${query.operator} group`, -1, 'a group needs at least one filter', path)
    return query.value.map((member, i) => {
      const text = format(member, `${path}.value[${i}]`, depth + 1)
      return isGroup(member) && asComparisonShorthand(member) === undefined ? `(${text})` : text
    }).join(` ${query.operator} `)
  }
  if (typeof query !== 'object' || query === null) {
    throw new FormulaError('not a filter', -1, 'expected { field, operator, value } or { operator: AND|OR, value: [...] }', path)
  }
  const { field, operator, value } = query as { field?: unknown, operator?: unknown, value?: unknown }
  if (typeof field !== 'string' || !isFormulaField(field)) {
    throw new FormulaError('invalid field', -1, 'a field is dotted identifiers such as custom_attributes.plan, and not a keyword', `${path}.field`)
  }
  if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
    throw new FormulaError('invalid operator', -1, 'expected one of =, !=, IN, NIN, <, <=, >, >=, ~, !~, ^, $', `${path}.operator`)
  }
  return `${field} ${operator} ${formatValue(value, `${path}.value`)}`
}

/** `f >= x` / `f <= x` for the OR groups `parseFormula` makes of them; else undefined. */
function asComparisonShorthand (group: unknown): string | undefined {
  const range = asRangeShorthand(group)
  if (range === undefined || !isFormulaField(range.field)) return undefined
  return `${range.field} ${range.operator} ${formatNumber(range.value)}`
}

function formatValue (value: unknown, path: string): string {
  if (Array.isArray(value)) return `[${value.map((v, i) => formatScalar(v, `${path}[${i}]`)).join(', ')}]`
  return formatScalar(value, path)
}

function formatScalar (value: unknown, path: string): string {
  switch (typeof value) {
    case 'string': return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`
    case 'boolean': return String(value)
    case 'number':
      if (!Number.isFinite(value)) throw new FormulaError('invalid value', -1, 'numbers must be finite', path)
      return formatNumber(value)
    case 'object':
      if (value === null) return 'null'
  }
  throw new FormulaError('invalid value', -1, 'expected a string, number, boolean, null or a list of those', path)
}

function formatNumber (n: number): string {
  return Object.is(n, -0) ? '0' : String(n)
}
