/**
 * Syntax tree → Intercom query object.
 *
 * - Values are checked against their operator:
 *     IN, NIN             a list of strings/numbers (and only these operators take a list)
 *     ~, !~, ^, $         a string (kept as written, never read as a date)
 *     >, <, >=, <=        a number, or a string holding an ISO 8601 date
 *     =, !=               a string, number, true, false or null
 * - ISO 8601 date strings (see `dates.ts`) become Unix seconds, except with ~ !~ ^ $.
 * - `a >= x` becomes `(a > x OR a = x)` and `a <= x` becomes `(a < x OR a = x)`: Intercom's
 *   `>=`/`<=` are not supported on Date fields, and on Date fields Intercom compares whole days
 *   in the workspace's timezone ("`>` matches from the start of the *next* day", "`=` matches the
 *   whole day"), so `> x OR = x` means "from the day of x" there, and exactly `>=` on integers.
 *   Arithmetic such as `> x-1` would be wrong for days and for non-integer numbers. The OR group
 *   is an ordinary group: it counts against Intercom's limits and merges into an enclosing OR.
 * - Flattening: an operand that is a group with the same operator as its parent is spliced into
 *   the parent (`a AND (b AND c)` is one AND group of three); a lone comparison is the filter
 *   itself. (The parser already drops parentheses and one-operand chains.)
 */
import { isoToUnixSeconds } from './dates.js'
import { FormulaError, isGroup, type IntercomFilter, type IntercomGroup, type IntercomQuery } from './model.js'
import type { ComparisonNode, ScalarNode, SyntaxNode, ValueNode } from './parser.js'

/**
 * Translate `node`, recording in `positions` the formula offset of every filter and group made.
 * @throws FormulaError when a value does not suit its operator
 */
export function translate (node: SyntaxNode, positions: Map<object, number>): IntercomQuery {
  if (node.kind === 'comparison') return comparison(node, positions)
  const value: IntercomQuery[] = []
  for (const item of node.items) {
    const q = translate(item, positions)
    if (isGroup(q) && q.operator === node.kind) value.push(...q.value)
    else value.push(q)
  }
  const group: IntercomGroup = { operator: node.kind, value }
  positions.set(group, node.pos)
  return group
}

function comparison (node: ComparisonNode, positions: Map<object, number>): IntercomQuery {
  const { field, operator, value } = node
  const filter = (op: IntercomFilter['operator'], v: IntercomFilter['value']): IntercomFilter => {
    const f: IntercomFilter = { field, operator: op, value: v }
    positions.set(f, node.pos)
    return f
  }
  switch (operator) {
    case 'IN':
    case 'NIN': {
      if (value.kind !== 'list') throw invalid(value, `${operator} needs a list, e.g. ${field} ${operator} ['a', 'b']`)
      return filter(operator, value.items.map((item) => {
        if (item.kind === 'string') return dateOrString(item.value)
        if (item.kind === 'number') return item.value
        throw invalid(item, 'list items must be strings or numbers')
      }))
    }
    case '~':
    case '!~':
    case '^':
    case '$': {
      const v = scalar(value, operator)
      if (v.kind !== 'string') throw invalid(v, `'${operator}' needs a string`)
      return filter(operator, v.value)
    }
    case '>':
    case '<':
    case '>=':
    case '<=': {
      const v = scalar(value, operator)
      const n = v.kind === 'number' ? v.value : v.kind === 'string' ? isoToUnixSeconds(v.value) : undefined
      if (n === undefined) throw invalid(v, `'${operator}' needs a number or an ISO 8601 date such as '2024-01-31'`)
      if (operator === '>' || operator === '<') return filter(operator, n)
      const group: IntercomGroup = { operator: 'OR', value: [filter(operator === '>=' ? '>' : '<', n), filter('=', n)] }
      positions.set(group, node.pos)
      return group
    }
    case '=':
    case '!=': {
      const v = scalar(value, operator)
      return filter(operator, v.kind === 'string' ? dateOrString(v.value) : v.value)
    }
  }
}

function scalar (value: ValueNode, operator: string): ScalarNode {
  if (value.kind === 'list') throw invalid(value, `a list can only be used with IN or NIN, not '${operator}'`)
  return value
}

function dateOrString (text: string): string | number {
  return isoToUnixSeconds(text) ?? text
}

function invalid (value: ValueNode, reason: string): FormulaError {
  return new FormulaError('invalid value', value.pos, reason)
}
