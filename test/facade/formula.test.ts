import { deepStrictEqual, ok } from 'node:assert/strict'
import fc from 'fast-check'
import { test } from 'tap'
import {
  FormulaError,
  MAX_FORMULA_LENGTH,
  MAX_GROUP_SIZE,
  MAX_PARENTHESES,
  checkQueryLimits,
  formatQuery,
  parseFormula,
  type IntercomFilter,
  type IntercomGroup,
  type IntercomQuery
} from '../../src/facade/formula.js'
import { isoToUnixSeconds } from '../../src/facade/formula/dates.js'

const f = (field: string, operator: IntercomFilter['operator'], value: IntercomFilter['value']): IntercomFilter => ({ field, operator, value })
const and = (...value: IntercomQuery[]): IntercomGroup => ({ operator: 'AND', value })
const or = (...value: IntercomQuery[]): IntercomGroup => ({ operator: 'OR', value })

/** The FormulaError `fn` throws (fails the test if it throws anything else, or nothing). */
function formulaError (fn: () => unknown): FormulaError {
  try {
    fn()
  } catch (err) {
    if (err instanceof FormulaError) return err
    throw err
  }
  throw new Error('expected a FormulaError, nothing was thrown')
}

// ---------------------------------------------------------------------------------------------
// Grammar
// ---------------------------------------------------------------------------------------------

const JAN_1_2024 = 1704067200

const grammar: Array<[string, IntercomQuery]> = [
  ["role = 'user'", f('role', '=', 'user')],
  ['role = "user"', f('role', '=', 'user')],
  ["role!='lead'", f('role', '!=', 'lead')],
  ['owner_id = 42', f('owner_id', '=', 42)],
  ['score > -3.5', f('score', '>', -3.5)],
  ['score < 1e3', f('score', '<', 1000)],
  ['n = 2.5E-3', f('n', '=', 0.0025)],
  ['n = -0', f('n', '=', 0)],
  ['unsubscribed_from_emails = true', f('unsubscribed_from_emails', '=', true)],
  ['open = FALSE', f('open', '=', false)],
  ['phone = Null', f('phone', '=', null)],
  ["email ~ 'acme'", f('email', '~', 'acme')],
  ["email !~ 'spam'", f('email', '!~', 'spam')],
  ["name ^ 'Jo'", f('name', '^', 'Jo')],
  ["email $ '@acme.com'", f('email', '$', '@acme.com')],
  ["role IN ['user', 'lead']", f('role', 'IN', ['user', 'lead'])],
  ['owner_id nin [1,2,3]', f('owner_id', 'NIN', [1, 2, 3])],
  ["tag_id In []", f('tag_id', 'IN', [])],
  ["id IN ['a', 2]", f('id', 'IN', ['a', 2])],
  ["custom_attributes.plan = 'pro'", f('custom_attributes.plan', '=', 'pro')],
  ["source.author.email = 'a@b.c'", f('source.author.email', '=', 'a@b.c')],
  ["ticket_attribute.123 = 'x'", f('ticket_attribute.123', '=', 'x')],
  ['custom_attributes.null = null', f('custom_attributes.null', '=', null)],
  ["index = 'x'", f('index', '=', 'x')], // keywords are whole words: 'index' is a field
  ["name = 'it\\'s'", f('name', '=', "it's")],
  ['name = "say \\"hi\\""', f('name', '=', 'say "hi"')],
  ["name = 'back\\\\slash'", f('name', '=', 'back\\slash')],
  ["name = 'a\"b'", f('name', '=', 'a"b')],
  ["name = '日本 😀'", f('name', '=', '日本 😀')],
  ["name = ''", f('name', '=', '')],
  ["name = 'AND OR ( ) [ ]'", f('name', '=', 'AND OR ( ) [ ]')],
  ["created_at > '2024-01-01'", f('created_at', '>', JAN_1_2024)],
  ["(((role = 'user')))", f('role', '=', 'user')],
  ['a = 1 AND b = 2', and(f('a', '=', 1), f('b', '=', 2))],
  ['a = 1 and b = 2 AND c = 3', and(f('a', '=', 1), f('b', '=', 2), f('c', '=', 3))],
  ['a = 1 AND (b = 2 AND c = 3)', and(f('a', '=', 1), f('b', '=', 2), f('c', '=', 3))],
  ['(a = 1 AND b = 2) AND c = 3', and(f('a', '=', 1), f('b', '=', 2), f('c', '=', 3))],
  ['a = 1 OR b = 2 or c = 3', or(f('a', '=', 1), f('b', '=', 2), f('c', '=', 3))],
  ['a = 1 OR b = 2 AND c = 3', or(f('a', '=', 1), and(f('b', '=', 2), f('c', '=', 3)))],
  ['a = 1 AND b = 2 OR c = 3', or(and(f('a', '=', 1), f('b', '=', 2)), f('c', '=', 3))],
  ['a = 1 AND (b = 2 OR c = 3)', and(f('a', '=', 1), or(f('b', '=', 2), f('c', '=', 3)))],
  ['(a = 1 OR b = 2) AND (c = 3 OR d = 4)', and(or(f('a', '=', 1), f('b', '=', 2)), or(f('c', '=', 3), f('d', '=', 4)))],
  ["role = 'user' AND (created_at > '2024-01-01' OR email ~ 'acme')",
    and(f('role', '=', 'user'), or(f('created_at', '>', JAN_1_2024), f('email', '~', 'acme')))],
  ['  a=1\n\tAND\r\nb=2  ', and(f('a', '=', 1), f('b', '=', 2))],
  ["(a=1)AND(b='x')", and(f('a', '=', 1), f('b', '=', 'x'))],
  // >= and <= become an OR of > / < and =
  ['count >= 5', or(f('count', '>', 5), f('count', '=', 5))],
  ['count <= 5', or(f('count', '<', 5), f('count', '=', 5))],
  ["created_at >= '2024-01-01'", or(f('created_at', '>', JAN_1_2024), f('created_at', '=', JAN_1_2024))],
  ['a >= 1 AND b = 2', and(or(f('a', '>', 1), f('a', '=', 1)), f('b', '=', 2))],
  ['a >= 1 OR b = 2', or(f('a', '>', 1), f('a', '=', 1), f('b', '=', 2))], // merges into the enclosing OR
  ['a >= 1 AND b <= 9', and(or(f('a', '>', 1), f('a', '=', 1)), or(f('b', '<', 9), f('b', '=', 9)))]
]

test('grammar: formula → query', async (t) => {
  for (const [formula, expected] of grammar) {
    t.strictSame(parseFormula(formula), expected, formula)
  }
  t.ok(grammar.length >= 25)
})

test('formatQuery writes the canonical formula', async (t) => {
  const rows: Array<[IntercomQuery, string]> = [
    [f('role', '=', 'user'), "role = 'user'"],
    [f('name', '=', "it's a \\ \"test\""), "name = 'it\\'s a \\\\ \"test\"'"],
    [f('n', '>', -0), 'n > 0'],
    [f('n', '<', 1e21), 'n < 1e+21'],
    [f('b', '!=', false), 'b != false'],
    [f('p', '=', null), 'p = null'],
    [f('r', 'NIN', ['a', 1]), "r NIN ['a', 1]"],
    [f('r', 'IN', []), 'r IN []'],
    [and(f('a', '=', 1), or(f('b', '=', 2), f('c', '=', 3))), 'a = 1 AND (b = 2 OR c = 3)'],
    [or(f('a', '=', 1), and(f('b', '=', 2), f('c', '=', 3))), 'a = 1 OR (b = 2 AND c = 3)'],
    [or(f('a', '>', 5), f('a', '=', 5)), 'a >= 5'],
    [and(or(f('a', '<', 5), f('a', '=', 5)), f('b', '=', 1)), 'a <= 5 AND b = 1'],
    [or(f('a', '=', 5), f('a', '>', 5)), 'a = 5 OR a > 5'], // only the exact shape parseFormula makes
    [f('a', '>=', 5), 'a >= 5'], // a passthrough >= (parses back as the OR form)
    [and(f('a', '=', 1)), 'a = 1'],
    [and(and(f('a', '=', 1), f('b', '=', 2)), f('c', '=', 3)), '(a = 1 AND b = 2) AND c = 3']
  ]
  for (const [query, formula] of rows) t.equal(formatQuery(query), formula, formula)
})

test('formatQuery refuses what no formula can express', async (t) => {
  const rows: Array<[unknown, string, string]> = [
    [and(), 'query', 'a group needs at least one filter'],
    [and(f('a', '=', 1), or()), 'query.value[1]', 'a group needs at least one filter'],
    [f('has space', '=', 1), 'query.field', 'a field is dotted identifiers such as custom_attributes.plan, and not a keyword'],
    [f('and', '=', 1), 'query.field', 'a field is dotted identifiers such as custom_attributes.plan, and not a keyword'],
    [{ field: 'a', operator: '==', value: 1 }, 'query.operator', 'expected one of =, !=, IN, NIN, <, <=, >, >=, ~, !~, ^, $'],
    [f('a', '=', Number.NaN), 'query.value', 'numbers must be finite'],
    [{ field: 'a', operator: '=', value: { x: 1 } }, 'query.value', 'expected a string, number, boolean, null or a list of those'],
    [{ field: 'a', operator: 'IN', value: [[1]] }, 'query.value[0]', 'expected a string, number, boolean, null or a list of those'],
    [null, 'query', 'expected { field, operator, value } or { operator: AND|OR, value: [...] }']
  ]
  for (const [query, path, reason] of rows) {
    const err = formulaError(() => formatQuery(query as IntercomQuery))
    t.match(err, { position: -1, path, reason }, path)
  }
  const cyclic: { operator: 'AND', value: unknown[] } = { operator: 'AND', value: [] }
  cyclic.value.push(cyclic)
  t.match(formulaError(() => formatQuery(cyclic as IntercomQuery)), { position: -1, reason: 'more than 64 levels' })
})

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

test('error message format', async (t) => {
  const err = formulaError(() => parseFormula('(last_seen_at >= )'))
  t.ok(err instanceof Error)
  t.equal(err.name, 'FormulaError')
  t.equal(err.message, "filter: unexpected ')' at position 17: expected a value")
  t.equal(err.position, 17)
  t.equal(err.reason, 'expected a value')
})

const errors: Array<[string, number, string]> = [
  ['', 0, "expected a comparison such as role = 'user'"],
  [' \n\t ', 0, "expected a comparison such as role = 'user'"],
  ["a = 'abc", 4, "expected a closing '"],
  ['a = "abc\\"', 4, 'expected a closing "'],
  ["a = 'x\\n'", 6, "only \\', \\\" and \\\\ are escapes"],
  ['a = 1 b = 2', 6, 'expected AND, OR or end of input'],
  ['a = 1)', 5, "expected AND, OR or end of input (unbalanced ')')"],
  ['(a = 1', 6, "expected ')' to close the '(' at position 0"],
  ['(a = 1 OR (b = 2)', 17, "expected ')' to close the '(' at position 0"],
  ['a = 1 AND', 9, "expected a field or '('"],
  ['a = 1 AND ()', 11, "expected a field or '('"],
  ['= 1', 0, "expected a field or '('"],
  ['AND = 1', 0, 'expected a field (keywords are not field names)'],
  ['a = 1 or Or = 2', 9, 'expected a field (keywords are not field names)'],
  ['a 1', 2, 'expected an operator (=, !=, >, >=, <, <=, ~, !~, ^, $, IN or NIN)'],
  ['a == 1', 3, 'expected a value'],
  ['a =', 3, 'expected a value'],
  ['a = user', 4, "expected a value (quote text: 'user')"],
  ['a # 1', 2, 'not part of the filter syntax (quote text values)'],
  ['a ! 1', 2, "expected '!=' or '!~'"],
  ['a.b. = 1', 3, "expected a name after '.'"],
  ['a = 12ab', 4, 'a number is digits with an optional sign, fraction and exponent, e.g. -12.5e3'],
  ['a = 1e999', 4, 'number is out of range'],
  ['a ~ 5', 4, "'~' needs a string"],
  ['a ^ null', 4, "'^' needs a string"],
  ["a > 'soon'", 4, "'>' needs a number or an ISO 8601 date such as '2024-01-31'"],
  ['a <= true', 5, "'<=' needs a number or an ISO 8601 date such as '2024-01-31'"],
  ["a IN 'x'", 5, "IN needs a list, e.g. a IN ['a', 'b']"],
  ['a NIN 1', 6, "NIN needs a list, e.g. a NIN ['a', 'b']"],
  ['a = [1, 2]', 4, "a list can only be used with IN or NIN, not '='"],
  ["a ~ ['x']", 4, "a list can only be used with IN or NIN, not '~'"],
  ['a IN [1, true]', 9, 'list items must be strings or numbers'],
  ['a IN [1 2]', 8, "expected ',' or ']' to close the '[' at position 5"],
  ['a IN [1,]', 8, 'expected a list item (string, number, true, false or null)'],
  ['a IN [[1]]', 6, 'expected a list item (string, number, true, false or null); lists cannot be nested'],
  ["a = ) 'unterminated", 4, 'expected a value'] // the leftmost error wins
]

test('error positions and reasons', async (t) => {
  for (const [formula, position, reason] of errors) {
    const err = formulaError(() => parseFormula(formula))
    t.match(err, { position, reason }, JSON.stringify(formula))
    t.ok(err.message.startsWith('filter: ') && err.message.includes(` at position ${position}: ${reason}`), err.message)
  }
  t.ok(errors.length >= 10)
})

test('input length cap', async (t) => {
  const exact = `a = '${'x'.repeat(MAX_FORMULA_LENGTH - 6)}'`
  t.equal(exact.length, MAX_FORMULA_LENGTH)
  t.strictSame(parseFormula(exact), f('a', '=', 'x'.repeat(MAX_FORMULA_LENGTH - 6)))
  const err = formulaError(() => parseFormula(`a = '${'x'.repeat(MAX_FORMULA_LENGTH - 5)}'`))
  t.match(err, { position: MAX_FORMULA_LENGTH, reason: `a filter can have at most ${MAX_FORMULA_LENGTH} characters` })
})

test('parenthesis nesting cap', async (t) => {
  const nest = (n: number): string => `${'('.repeat(n)}a = 1${')'.repeat(n)}`
  t.strictSame(parseFormula(nest(MAX_PARENTHESES)), f('a', '=', 1))
  t.match(formulaError(() => parseFormula(nest(MAX_PARENTHESES + 1))), {
    position: MAX_PARENTHESES, reason: `parentheses can be nested at most ${MAX_PARENTHESES} deep`
  })
  // far past the cap: still a FormulaError, not a stack overflow
  t.match(formulaError(() => parseFormula('('.repeat(4000))), { position: MAX_PARENTHESES })
})

// ---------------------------------------------------------------------------------------------
// Intercom's limits: "max 2 nested filters", "max 15 filters for each AND or OR group"
// ---------------------------------------------------------------------------------------------

/** `n` comparisons `<prefix>0 = 0 <op> <prefix>1 = 1 ...` */
const chain = (n: number, op: 'AND' | 'OR', prefix = 'f'): string =>
  Array.from({ length: n }, (_, i) => `${prefix}${i} = ${i}`).join(` ${op} `)
const filters = (n: number, prefix = 'f'): IntercomFilter[] => Array.from({ length: n }, (_, i) => f(`${prefix}${i}`, '=', i))

test('limits: nesting depth', async (t) => {
  // at the limit: the spec's own example, (1 OR 2) AND (3 OR 4)
  t.strictSame(parseFormula('(a = 1 OR b = 2) AND (c = 3 OR d = 4)'),
    and(or(f('a', '=', 1), f('b', '=', 2)), or(f('c', '=', 3), f('d', '=', 4))))
  t.strictSame(parseFormula('((a = 1)) AND ((b = 2 OR (c = 3) OR (d = 4 OR e = 5)))'),
    and(f('a', '=', 1), or(f('b', '=', 2), f('c', '=', 3), f('d', '=', 4), f('e', '=', 5))), 'redundant parentheses add no level')
  t.strictSame(parseFormula('a >= 1 AND b = 2'), and(or(f('a', '>', 1), f('a', '=', 1)), f('b', '=', 2)), '>= at level 2')

  // past the limit
  const deep = '((a = 1 OR b = 2) AND c = 3) OR d = 4'
  t.match(formulaError(() => parseFormula(deep)), {
    position: 1, reason: 'Intercom allows at most 2 nested levels of AND/OR groups'
  })
  t.match(formulaError(() => parseFormula('x = 0 OR (a = 1 AND (b = 2 OR c = 3 OR d >= 4))')), {
    position: 20, reason: 'Intercom allows at most 2 nested levels of AND/OR groups'
  }, 'reported at the ( of the level-3 group')
  t.doesNotThrow(() => parseFormula('a = 1 AND (b = 2 OR c = 3 OR d >= 4)'), 'a >= inside an OR merges into it: no extra level')
  t.match(formulaError(() => parseFormula('(a >= 1 AND b = 2) OR c = 3')), {
    position: 1, reason: 'Intercom allows at most 2 nested levels of AND/OR groups (a >= or <= makes an OR group)'
  })
})

test('limits: filters per group', async (t) => {
  t.strictSame(parseFormula(chain(MAX_GROUP_SIZE, 'AND')), and(...filters(MAX_GROUP_SIZE)))
  t.strictSame(parseFormula(chain(MAX_GROUP_SIZE, 'OR')), or(...filters(MAX_GROUP_SIZE)))

  const sixteen = chain(MAX_GROUP_SIZE + 1, 'AND')
  const err = formulaError(() => parseFormula(sixteen))
  t.match(err, { position: sixteen.indexOf('f15 = 15'), reason: 'Intercom allows at most 15 filters in each AND or OR group' })
  t.match(err.message, /^filter: too many filters in an AND group at position \d+: /)

  // a >= in an OR group counts as two filters
  t.strictSame(parseFormula(`${chain(13, 'OR')} OR x >= 1`), or(...filters(13), f('x', '>', 1), f('x', '=', 1)))
  const over = `${chain(14, 'OR')} OR x >= 1`
  t.match(formulaError(() => parseFormula(over)), { position: over.indexOf('x >= 1') })
  // ... and as one (a nested OR group) in an AND group
  t.doesNotThrow(() => parseFormula(`${chain(14, 'AND')} AND x >= 1`))

  // flattening: parentheses that do not change meaning do not split a group
  const split = `(${chain(8, 'AND', 'a')}) AND (${chain(8, 'AND', 'b')})`
  t.match(formulaError(() => parseFormula(split)), { position: split.indexOf('b7 = 7') })

  // the largest query: 15 groups of 15 filters
  const big = Array.from({ length: MAX_GROUP_SIZE }, (_, i) => `(${chain(MAX_GROUP_SIZE, 'OR', `g${i}_`)})`).join(' AND ')
  t.ok(big.length <= MAX_FORMULA_LENGTH, `${big.length} characters`)
  const q = parseFormula(big) as IntercomGroup
  t.equal(q.value.length, MAX_GROUP_SIZE)
  t.ok(q.value.every((g) => (g as IntercomGroup).value.length === MAX_GROUP_SIZE))
  t.strictSame(parseFormula(formatQuery(q)), q)
})

test('checkQueryLimits on passthrough queries', async (t) => {
  t.doesNotThrow(() => { checkQueryLimits(f('a', '=', 1)) })
  t.doesNotThrow(() => { checkQueryLimits(and(or(...filters(15)), ...filters(14))) })
  t.doesNotThrow(() => { checkQueryLimits(or(...Array.from({ length: 15 }, () => f('a', '>=', 1)))) }, 'a passthrough >= is one filter')

  const deep = formulaError(() => { checkQueryLimits(and(f('x', '=', 0), or(f('y', '=', 0), and(f('a', '=', 1), f('b', '=', 2))))) })
  t.match(deep, { position: -1, path: 'query.value[1].value[1]', reason: 'Intercom allows at most 2 nested levels of AND/OR groups' })
  t.equal(deep.message, 'query: nesting too deep at query.value[1].value[1]: Intercom allows at most 2 nested levels of AND/OR groups')

  const wide = formulaError(() => { checkQueryLimits(and(f('x', '=', 0), or(...filters(16)))) })
  t.match(wide, { position: -1, path: 'query.value[1].value[15]', reason: 'Intercom allows at most 15 filters in each AND or OR group' })
  t.equal(wide.message, 'query: too many filters in an OR group at query.value[1].value[15]: Intercom allows at most 15 filters in each AND or OR group')

  // odd JSON is tolerated: only AND/OR objects with an array value are groups
  t.doesNotThrow(() => { checkQueryLimits({ operator: 'AND', value: [null, 1, 'x', { operator: 'OR', value: 'nope' }] } as unknown as IntercomQuery) })
})

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

test('ISO dates become Unix seconds', async (t) => {
  const dates: Array<[string, number]> = [
    ['2024-01-01', JAN_1_2024],
    ['2024-01-01T10:00:00Z', JAN_1_2024 + 36000],
    ['2024-01-01T10:00:00', JAN_1_2024 + 36000], // no zone: UTC
    ['2024-01-01T10:00', JAN_1_2024 + 36000],
    ['2024-01-01T10:00Z', JAN_1_2024 + 36000],
    ['2024-01-01T10:00:00+02:00', JAN_1_2024 + 28800],
    ['2024-01-01T10:00:00-05:30', JAN_1_2024 + 55800],
    ['2024-01-01T10:00:00.999Z', JAN_1_2024 + 36000], // rounded down to the second
    ['2024-01-01T10:00:00.123456789Z', JAN_1_2024 + 36000],
    ['1969-12-31T23:59:59.500Z', -1],
    ['1970-01-01', 0],
    ['2024-02-29', 1709164800],
    ['2000-01-01T00:00:00Z', 946684800],
    ['0001-01-01', -62135596800],
    ['9999-12-31T23:59:59Z', 253402300799]
  ]
  for (const [text, seconds] of dates) {
    t.equal(Math.floor(Date.parse(text.length === 10 || /Z|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`) / 1000), seconds, `Date.parse agrees on ${text}`)
    t.strictSame(parseFormula(`created_at = '${text}'`), f('created_at', '=', seconds), text)
    t.strictSame(parseFormula(`created_at < "${text}"`), f('created_at', '<', seconds), text)
  }
  t.strictSame(parseFormula("created_at IN ['2024-01-01', 'x', 7]"), f('created_at', 'IN', [JAN_1_2024, 'x', 7]))
  t.strictSame(parseFormula("created_at <= '2024-01-01'"), or(f('created_at', '<', JAN_1_2024), f('created_at', '=', JAN_1_2024)))
})

test('strings that are not full ISO dates stay strings', async (t) => {
  const notDates = [
    '2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-01-32', '2024-01-01T24:00:00Z',
    '2024-01-01T10:60Z', '2024-01-01T10:00:60Z', '2024-01-01 10:00:00', '2024-1-1', '20240101',
    '2024-01-01T10', '2024-01-01T10:00:00+24:00', '2024-01-01T10:00:00+0200', '2024-01-01Z',
    ' 2024-01-01', '2024-01-01 ', '2024-01-01t10:00:00z', '+002024-01-01', '2024-W01-1', 'yesterday'
  ]
  for (const text of notDates) {
    t.equal(isoToUnixSeconds(text), undefined, text)
    t.strictSame(parseFormula(`name = '${text}'`), f('name', '=', text), text)
    t.match(formulaError(() => parseFormula(`created_at > '${text}'`)), { position: 13 }, text)
  }
  // string operators never read dates
  for (const op of ['~', '!~', '^', '$'] as const) {
    t.strictSame(parseFormula(`created_at ${op} '2024-01-01'`), f('created_at', op, '2024-01-01'))
  }
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const RUNS = 1000

const fieldArb = fc.constantFrom(
  'email', 'role', 'created_at', 'x', '_private', 'index', 'nullable', 'android_app_name',
  'custom_attributes.plan', 'custom_attributes.null', 'source.author.email', 'ticket_attribute.123', 'statistics.count_reopens'
)
/** Strings with quotes, backslashes, keywords, whitespace and any Unicode; never a full ISO date. */
const stringArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom("'", '"', '\\', ' ', 'a', 'AND', '(', ']', '\n', 'é', '😀'), maxLength: 8 }),
  fc.constantFrom('', "it's", '\\', '2024-01-01x', 'null', 'true')
).filter((s) => isoToUnixSeconds(s) === undefined)
const integerArb = fc.integer()
const numberArb = fc.oneof(integerArb, fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n === 0 ? 0 : n))

const filterArb: fc.Arbitrary<IntercomFilter> = fc.oneof(
  fc.record({ field: fieldArb, operator: fc.constantFrom('=' as const, '!=' as const), value: fc.oneof(stringArb, numberArb, fc.boolean(), fc.constant(null)) }),
  fc.record({ field: fieldArb, operator: fc.constantFrom('IN' as const, 'NIN' as const), value: fc.array(fc.oneof(stringArb, integerArb), { maxLength: 4 }) }),
  fc.record({ field: fieldArb, operator: fc.constantFrom('<' as const, '>' as const), value: numberArb }),
  // any string, ISO dates included: ~ !~ ^ $ keep them as strings
  fc.record({ field: fieldArb, operator: fc.constantFrom('~' as const, '!~' as const, '^' as const, '$' as const), value: fc.oneof(stringArb, fc.constant('2024-01-01')) })
).map(({ field, operator, value }) => ({ field, operator, value })) // fc.record makes null-prototype objects
const other = (op: 'AND' | 'OR'): 'AND' | 'OR' => op === 'AND' ? 'OR' : 'AND'
const groupArb = (op: 'AND' | 'OR', level: number): fc.Arbitrary<IntercomGroup> =>
  fc.array(level < 2 ? fc.oneof({ weight: 3, arbitrary: filterArb as fc.Arbitrary<IntercomQuery> }, { weight: 1, arbitrary: groupArb(other(op), level + 1) }) : filterArb,
    { minLength: 2, maxLength: MAX_GROUP_SIZE }).map((value) => ({ operator: op, value }))
/** Valid, already-flat queries within Intercom's limits (groups alternate AND/OR, ≥ 2 members). */
const queryArb: fc.Arbitrary<IntercomQuery> = fc.oneof(filterArb, groupArb('AND', 1), groupArb('OR', 1))

/** Flatten as parseFormula does: same-operator subgroups merge, one-member groups vanish. */
function normalise (q: IntercomQuery): IntercomQuery {
  if (!('field' in q)) {
    const value = q.value.map(normalise).flatMap((m) => 'field' in m || m.operator !== q.operator ? [m] : m.value)
    return value.length === 1 ? value[0] : { operator: q.operator, value }
  }
  return q
}

test('property: parseFormula(formatQuery(q)) equals q', async (t) => {
  fc.assert(fc.property(queryArb, (q) => {
    const formula = formatQuery(q)
    fc.pre(formula.length <= MAX_FORMULA_LENGTH)
    deepStrictEqual(parseFormula(formula), normalise(q))
  }), { numRuns: RUNS })
  t.pass(`${RUNS} random queries`)
})

test('property: unflattened queries come back flattened', async (t) => {
  // wrap members in same-operator or one-member groups; the formula drops those levels
  const wrapped = queryArb.chain((q) => fc.constantFrom<'same' | 'single'>('same', 'single').map((how) => {
    if ('field' in q) return { q, wrapped: and(q) }
    return { q, wrapped: how === 'same' ? { operator: q.operator, value: [{ operator: q.operator, value: q.value.slice(0, 1) }, ...q.value.slice(1)] } as IntercomGroup : or(q) }
  }))
  fc.assert(fc.property(wrapped, ({ q, wrapped }) => {
    const formula = formatQuery(wrapped)
    fc.pre(formula.length <= MAX_FORMULA_LENGTH)
    deepStrictEqual(parseFormula(formula), normalise(q))
  }), { numRuns: RUNS })
  t.pass(`${RUNS} random queries`)
})

/** A tiny seeded PRNG, so formula noise is reproducible from fast-check's counterexample. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Write `q` as a formula a human might: random spacing, keyword case, quote style, redundant
 * parentheses, integers as ISO dates (with and without zones) where a date is accepted, and the
 * >= / <= shorthand for the OR groups that mean it.
 */
function noisyFormula (q: IntercomQuery, seed: number): string {
  const rnd = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
  const ws = (): string => pick(['', '', ' ', '  ', '\t', '\n'])
  const sp = (): string => pick([' ', ' ', '  ', '\n', ' \t '])
  const kw = (k: string): string => pick([k, k.toLowerCase(), k[0] + k.slice(1).toLowerCase()])
  const str = (s: string): string => rnd() < 0.5
    ? `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`
    : `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`
  const num = (n: number, dateOk: boolean): string => {
    if (!dateOk || !Number.isInteger(n) || n < -62135596800 || n > 253402300799 || rnd() < 0.5) return String(n)
    const iso = new Date(n * 1000).toISOString() // 2024-01-01T10:00:00.000Z
    const offset = pick([0, 60, -300, 330, 840, -720])
    const local = new Date((n + offset * 60) * 1000).toISOString().slice(0, 19)
    const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`
    const forms = [iso, iso.slice(0, 19), iso.slice(0, 19) + 'Z', local + zone]
    if (n % 86400 === 0) forms.push(iso.slice(0, 10))
    if (n % 60 === 0) forms.push(iso.slice(0, 16))
    return str(pick(forms))
  }
  const value = (v: IntercomFilter['value'], dateOk: boolean): string => {
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => typeof x === 'number' ? num(x, true) : str(x)).join(`${ws()},${ws()}`)}${ws()}]`
    if (typeof v === 'string') return str(v)
    if (typeof v === 'number') return num(v, dateOk)
    return kw(String(v).toUpperCase())
  }
  const comparison = (field: string, op: string, v: IntercomFilter['value']): string => {
    const opText = op === 'IN' || op === 'NIN' ? `${sp()}${kw(op)}${sp()}` : `${ws()}${op}${ws()}`
    return `${field}${opText}${value(v, !['~', '!~', '^', '$'].includes(op))}`
  }
  const parens = (s: string): string => rnd() < 0.2 ? `(${ws()}${s}${ws()})` : s
  const node = (n: IntercomQuery): string => {
    if ('field' in n) return parens(comparison(n.field, n.operator, n.value))
    const range = n.operator === 'OR' && n.value.length === 2 && 'field' in n.value[0] && 'field' in n.value[1] &&
      n.value[0].field === n.value[1].field && (n.value[0].operator === '>' || n.value[0].operator === '<') &&
      n.value[1].operator === '=' && n.value[0].value === n.value[1].value
    if (range) {
      const [a] = n.value as IntercomFilter[]
      return parens(comparison(a.field, `${a.operator}=`, a.value))
    }
    // a noisy parenthesis around a member is fine; around the group it is redundant too
    return `(${ws()}${n.value.map(node).join(`${sp()}${kw(n.operator)}${sp()}`)}${ws()})`
  }
  const body = 'field' in q ? node(q) : q.value.map(node).join(`${sp()}${kw(q.operator)}${sp()}`)
  return `${ws()}${parens(body)}${ws()}`
}

test('property: formula → query → formula → query is stable', async (t) => {
  let checked = 0
  fc.assert(fc.property(queryArb, fc.noBias(fc.integer()), (q, seed) => {
    const formula = noisyFormula(q, seed)
    fc.pre(formula.length <= MAX_FORMULA_LENGTH)
    const first = parseFormula(formula)
    deepStrictEqual(first, q, 'the noisy formula means the generated query')
    const canonical = formatQuery(first)
    const second = parseFormula(canonical)
    deepStrictEqual(second, first)
    deepStrictEqual(formatQuery(second), canonical, 'canonical text is a fixed point')
    checked++
  }), { numRuns: RUNS })
  t.ok(checked >= RUNS, `${checked} formulas`)
})

/** parseFormula returns a query within the limits that round-trips, or throws a FormulaError inside the input. */
function parsesOrFailsCleanly (input: string): void {
  let q: IntercomQuery
  try {
    q = parseFormula(input)
  } catch (err) {
    ok(err instanceof FormulaError, `threw ${String(err)}`)
    ok(Number.isInteger(err.position) && err.position >= 0 && err.position <= input.length, `position ${err.position} of ${input.length}`)
    ok(err.reason.length > 0 && err.message.startsWith('filter: '))
    return
  }
  checkQueryLimits(q)
  const canonical = formatQuery(q)
  if (canonical.length <= MAX_FORMULA_LENGTH) deepStrictEqual(parseFormula(canonical), q)
}

test('property: arbitrary strings parse or throw a FormulaError', async (t) => {
  fc.assert(fc.property(fc.string(), parsesOrFailsCleanly), { numRuns: RUNS })
  fc.assert(fc.property(fc.string({ unit: 'binary' }), parsesOrFailsCleanly), { numRuns: RUNS })
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), parsesOrFailsCleanly), { numRuns: RUNS })
  t.pass(`${3 * RUNS} strings`)
})

test('property: token soup parses or throws a FormulaError', async (t) => {
  const token = fc.constantFrom(
    'a', 'b.c', 'custom_attributes.x', 'x.', '=', '!=', '>', '>=', '<', '<=', '~', '!~', '^', '$', '!',
    'IN', 'nin', 'AND', 'or', 'And', '(', ')', '[', ']', ',', "'s'", '"d\\"q"', "'", '"', '\\', '1',
    '-2.5e3', '1e999', '12x', 'true', 'NULL', "'2024-01-01'", "'2024-02-30'", ' ', ' ', '\n', '#', 'é'
  )
  let parsed = 0
  fc.assert(fc.property(fc.array(token, { maxLength: 40 }).map((ts) => ts.join('')), (input) => {
    parsesOrFailsCleanly(input)
    try { parseFormula(input); parsed++ } catch {}
  }), { numRuns: 3 * RUNS })
  t.pass(`${3 * RUNS} token sequences, ${parsed} valid`)
})

test('property: near-miss formulas (valid ones with a few edits) parse or throw a FormulaError', async (t) => {
  const edit = fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'),
    fc.constantFrom("'", '"', '\\', '(', ')', '[', ']', ',', '=', '>', '!', '.', ' ', 'a', '1', '-', 'AND ', ' OR', 'IN'))
  const mutated = fc.tuple(queryArb, fc.noBias(fc.integer()), fc.array(edit, { minLength: 1, maxLength: 3 }))
    .map(([q, seed, edits]) => edits.reduce((text, [at, how, chunk]) => {
      const i = text.length === 0 ? 0 : at % text.length
      if (how === 'delete') return text.slice(0, i) + text.slice(i + 1)
      return text.slice(0, i) + chunk + text.slice(how === 'insert' ? i : i + 1)
    }, noisyFormula(q, seed)))
  let parsed = 0
  fc.assert(fc.property(mutated, (input) => {
    parsesOrFailsCleanly(input)
    try { parseFormula(input); parsed++ } catch {}
  }), { numRuns: RUNS })
  t.pass(`${RUNS} edited formulas, ${parsed} still valid`)
})

test('property: formatQuery and checkQueryLimits throw only FormulaError on arbitrary JSON', async (t) => {
  const json = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ field: fc.oneof(fieldArb, fc.string()), operator: fc.constantFrom('=', 'IN', '>=', '~', 'AND', '??'), value: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ operator: fc.constantFrom('AND', 'OR'), value: fc.array(tie('node'), { maxLength: 17 }) })
    )
  })).node
  fc.assert(fc.property(json, (value) => {
    for (const fn of [formatQuery, checkQueryLimits]) {
      try {
        fn(value as IntercomQuery)
      } catch (err) {
        ok(err instanceof FormulaError, `threw ${String(err)}`)
        ok(err.position === -1 && typeof err.path === 'string' && err.message.startsWith('query: '))
      }
    }
  }), { numRuns: RUNS })
  t.pass(`${RUNS} JSON values`)
})
