import fc from 'fast-check'
import { test } from 'tap'
import {
  CONTACT_SEARCH_FIELDS, CONVERSATION_SEARCH_FIELDS, FieldTypeError, FormulaError, TICKET_SEARCH_FIELDS,
  checkQueryLimits, parseFormula, type IntercomQuery, type SearchFields
} from '../../src/facade/formula.js'
import { build, json, upstream } from '../helper.js'

/** The FormulaError `fn` throws (fails if it throws anything else, or nothing). */
function formulaError (fn: () => unknown): FormulaError {
  try {
    fn()
  } catch (err) {
    if (err instanceof FormulaError) return err
    throw err
  }
  throw new Error('expected a FormulaError, nothing was thrown')
}

// [formula, fields, position, reason]: refused before anything is sent
const refused: Array<[string, SearchFields, number, string]> = [
  ["created_at ~ '2024'", CONTACT_SEARCH_FIELDS, 0, "'~' cannot be used on created_at, a date field in Intercom's contacts search (it takes = > <)"],
  ["role = 'user' AND created_at != 1704067200", CONTACT_SEARCH_FIELDS, 18, "'!=' cannot be used on created_at, a date field in Intercom's contacts search (it takes = > <)"],
  ['created_at IN [1, 2]', CONTACT_SEARCH_FIELDS, 0, "'IN' cannot be used on created_at, a date field in Intercom's contacts search (it takes = > <)"],
  ['name > 5', CONTACT_SEARCH_FIELDS, 0, "'>' cannot be used on name, a string field in Intercom's contacts search (it takes = != IN NIN ~ !~ ^ $)"],
  ["tag_id IN ['a']", CONTACT_SEARCH_FIELDS, 0, "'IN' cannot be used on tag_id, a tag field in Intercom's contacts search (it takes = !=)"],
  ["email = 'a' OR (owner_id ~ '1' AND role = 'user')", CONTACT_SEARCH_FIELDS, 16, "'~' cannot be used on owner_id, an integer field in Intercom's contacts search (it takes = != IN NIN > < >= <=)"],
  ["created_at = 'soon'", CONTACT_SEARCH_FIELDS, 0, "created_at is a date field: compare it with a number (Unix seconds or an ISO 8601 date such as '2024-01-31')"],
  ["owner_id = 'x'", CONTACT_SEARCH_FIELDS, 0, 'owner_id is an integer field: compare it with a number'],
  ["unsubscribed_from_emails = 'yes'", CONTACT_SEARCH_FIELDS, 0, 'unsubscribed_from_emails is a boolean field: compare it with true or false'],
  ["open > 1", CONVERSATION_SEARCH_FIELDS, 0, "'>' cannot be used on open, a boolean field in Intercom's conversations search (it takes = != IN NIN)"],
  ["statistics.count_reopens ^ '1'", CONVERSATION_SEARCH_FIELDS, 0, "'^' cannot be used on statistics.count_reopens, an integer field in Intercom's conversations search (it takes = != IN NIN > <)"],
  ["state = 'open' AND title $ 'x' AND open ~ 'x'", TICKET_SEARCH_FIELDS, 35, "'~' cannot be used on open, a boolean field in Intercom's tickets search (it takes = != IN NIN)"]
]

test('an operator a field\'s type cannot take is refused with its position and reason', async (t) => {
  for (const [formula, fields, position, reason] of refused) {
    const err = formulaError(() => parseFormula(formula, fields))
    t.ok(err instanceof FieldTypeError, formula)
    t.match(err, { position, reason }, formula)
    t.ok(err.message.includes(` at position ${position}: `), err.message)
    t.doesNotThrow(() => parseFormula(formula), 'without fields: not checked')
  }
})

test('what the tables allow passes', async (t) => {
  const accepted: Array<[string, SearchFields]> = [
    ["created_at > '2024-01-01'", CONTACT_SEARCH_FIELDS],
    ["created_at >= '2024-01-01'", CONTACT_SEARCH_FIELDS], // sent as > OR =, both fine on dates
    ['created_at = 1704067200 AND owner_id >= 3', CONTACT_SEARCH_FIELDS],
    ["role IN ['user', 'lead'] AND email ~ 'acme' AND name ^ 'A' AND email $ '.com' AND email !~ 'spam'", CONTACT_SEARCH_FIELDS],
    ["tag_id = '1' OR tag_id != '2'", CONTACT_SEARCH_FIELDS],
    ['phone = null AND unsubscribed_from_emails = false', CONTACT_SEARCH_FIELDS],
    ["custom_attributes.plan > 3 AND custom_attributes.tier ~ 'x'", CONTACT_SEARCH_FIELDS], // not in the table: Intercom judges
    ["created_at != 5 AND created_at IN [1, '2024-01-31'] AND open != true", CONVERSATION_SEARCH_FIELDS], // conversations: != and IN take all types
    ["priority ~ 'urgent' AND admin_assignee_id > 0", CONVERSATION_SEARCH_FIELDS],
    ["ticket_attribute.12 > 5 AND admin_assignee_id ~ '9'", TICKET_SEARCH_FIELDS]
  ]
  for (const [formula, fields] of accepted) t.doesNotThrow(() => parseFormula(formula, fields), formula)
})

test('the query form is checked too, with a JSON path', async (t) => {
  const q = { operator: 'AND', value: [{ field: 'role', operator: '=', value: 'user' }, { field: 'created_at', operator: '>=', value: 1 }] } as IntercomQuery
  t.match(formulaError(() => checkQueryLimits(q, CONTACT_SEARCH_FIELDS)), { position: -1, path: 'query.value[1]', reason: /'>=' cannot be used on created_at/ })
  t.doesNotThrow(() => checkQueryLimits(q), 'without fields: not checked')
  t.doesNotThrow(() => checkQueryLimits({ field: 'constructor', operator: '~', value: 'x' }, CONTACT_SEARCH_FIELDS), 'object keys are not fields')
})

const OPERATORS = ['=', '!=', 'IN', 'NIN', '>', '<', '~', '!~', '^', '$'] as const
const VALUE_OF: Record<string, string> = { string: "'x'", integer: '5', date: "'2024-01-31'", boolean: 'true', tag: "'7'" }

test('property: a one-filter formula passes exactly when the table allows its operator for the field\'s type', async (t) => {
  for (const fields of [CONTACT_SEARCH_FIELDS, CONVERSATION_SEARCH_FIELDS, TICKET_SEARCH_FIELDS]) {
    const names = Object.keys(fields.types)
    fc.assert(fc.property(fc.constantFrom(...names), fc.constantFrom(...OPERATORS), (field, operator) => {
      const type = fields.types[field]
      const scalar = VALUE_OF[type]
      // a value the grammar accepts for the operator, of the field's type where the grammar allows
      const value = operator === 'IN' || operator === 'NIN'
        ? `[${type === 'boolean' ? '1' : scalar}]`
        : ['~', '!~', '^', '$'].includes(operator) ? "'x'" : ['>', '<'].includes(operator) ? (type === 'date' ? scalar : '5') : scalar
      const formula = `${field} ${operator} ${value}`
      const allowed = fields.operators[operator]?.includes(type) ?? true
      let threw: FormulaError | undefined
      try {
        parseFormula(formula, fields)
      } catch (err) {
        if (!(err instanceof FormulaError)) throw err
        threw = err
      }
      if (allowed) return threw === undefined || (threw instanceof FieldTypeError && threw.part === 'value' && type === 'boolean')
      return threw instanceof FieldTypeError && threw.part === 'operator' && threw.position === 0
    }), { numRuns: 300 })
    t.pass(`${fields.resource}: ${names.length} fields × ${OPERATORS.length} operators`)
  }
})

test('POST /contacts/search refuses a field/operator mismatch in every form, before anything is sent', async (t) => {
  const { app, emulator } = await build(t)
  const formula = await app.inject({ method: 'POST', url: '/contacts/search', payload: { filter: "role = 'user' AND created_at ~ '2024'" } })
  t.equal(formula.statusCode, 400)
  t.match(json(formula).errors, [{ field: 'body.filter', message: /at position 18: '~' cannot be used on created_at, a date field/ }])
  const shorthand = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'name', operator: '>', value: 3 } })
  t.equal(shorthand.statusCode, 400)
  t.match(json(shorthand).errors, [{ field: 'body.operator', message: /'>' cannot be used on name/ }])
  const badValue = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'created_at', operator: '>', value: 'tomorrow' } })
  t.equal(badValue.statusCode, 400)
  t.match(json(badValue).errors, [{ field: 'body.value', message: 'created_at is a date field: compare it with a number (Unix seconds)' }])
  const query = await app.inject({ method: 'POST', url: '/contacts/search', payload: { query: { field: 'tag_id', operator: 'NIN', value: ['1'] } } })
  t.equal(query.statusCode, 400)
  t.match(json(query).errors, [{ field: 'body.query', message: /'NIN' cannot be used on tag_id/ }])
  t.equal(emulator.requests.length, 0, 'nothing sent')

  const ok = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'created_at', operator: '>=', value: 1704067200 } })
  t.equal(ok.statusCode, 200, 'created_at >= x is sent as > OR =, which dates take')
  t.same(upstream(t, emulator)[0].body, { query: { operator: 'OR', value: [{ field: 'created_at', operator: '>', value: 1704067200 }, { field: 'created_at', operator: '=', value: 1704067200 }] } })
})
