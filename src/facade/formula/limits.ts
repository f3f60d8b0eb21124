/**
 * Intercom's nesting and group-size limits (see MAX_NESTING / MAX_GROUP_SIZE in `model.ts` for
 * the spec's words and how they are read), checked on a query object.
 */
import { FormulaError, MAX_GROUP_SIZE, MAX_NESTING, asRangeShorthand, isGroup, type IntercomQuery } from './model.js'

/** Where each node of a query came from in the formula; nodes not in the map report -1. */
export type Positions = ReadonlyMap<object, number>

/**
 * Throw if `query` nests AND/OR groups deeper than MAX_NESTING levels or has a group with more
 * than MAX_GROUP_SIZE members. Filters are not inspected; any object that is not an AND/OR group
 * with an array `value` counts as one filter.
 * @throws FormulaError at the position of the too-deep group / the first member past the limit
 *   (from `positions`, else -1 with a JSON path such as `query.value[0].value[15]`)
 */
export function checkLimits (query: IntercomQuery, positions?: Positions): void {
  walk(query, 1, 'query', positions)
}

function walk (node: unknown, level: number, path: string, positions: Positions | undefined): void {
  if (!isGroup(node)) return
  const where = (n: unknown, p: string): [number, string | undefined] => {
    const pos = typeof n === 'object' && n !== null ? positions?.get(n) : undefined
    return pos === undefined ? [-1, p] : [pos, undefined]
  }
  if (level > MAX_NESTING) {
    const [pos, at] = where(node, path)
    const hint = pos >= 0 && asRangeShorthand(node) !== undefined ? ' (a >= or <= makes an OR group)' : ''
    throw new FormulaError('nesting too deep', pos, `Intercom allows at most ${MAX_NESTING} nested levels of AND/OR groups${hint}`, at)
  }
  if (node.value.length > MAX_GROUP_SIZE) {
    const [pos, at] = where(node.value[MAX_GROUP_SIZE], `${path}.value[${MAX_GROUP_SIZE}]`)
    throw new FormulaError(`too many filters in an ${node.operator} group`, pos,
      `Intercom allows at most ${MAX_GROUP_SIZE} filters in each AND or OR group`, at)
  }
  node.value.forEach((member, i) => { walk(member, level + 1, `${path}.value[${i}]`, positions) })
}
