/**
 * The schema layer's messages and limits, for every route (issue 16 items 8 and 13): numbers must
 * be finite anywhere in a body (`1e309` is `Infinity` to JSON.parse and `null` to JSON.stringify),
 * and enum/const failures name the allowed values. Nothing reaches Intercom for any of these.
 */
import { test } from 'tap'
import { build, json } from '../helper.js'
import { fieldErrors } from '../../src/validation.js'

const post = (url: string, text: string) => ({ method: 'POST' as const, url, headers: { 'content-type': 'application/json' }, payload: text })

test('1e309 is refused with a 400 naming the field, in typed fields and free-form objects alike', async (t) => {
  const { app, emulator } = await build(t)
  const cases: Array<[string, string, string]> = [
    ['/contacts', '{"email":"a@b.co","custom_attributes":{"score":1e309}}', 'body.custom_attributes.score'],
    ['/companies', '{"company_id":"c1","monthly_spend":1e309}', 'body.monthly_spend'],
    ['/companies', '{"company_id":"c1","custom_attributes":{"arr":-1E+400}}', 'body.custom_attributes.arr'],
    ['/events', `{"event_name":"x","user_id":"u","metadata":{"n":1${'0'.repeat(310)}}}`, 'body.metadata.n'],
    ['/intercom/operations/CreateContact', '{"body":{"email":"a@b.co","custom_attributes":{"x":[1,2e999]}}}', 'body.body.custom_attributes.x.1']
  ]
  for (const [url, text, field] of cases) {
    const res = await app.inject(post(url, text))
    t.equal(res.statusCode, 400, url)
    t.match(json(res), { code: 'VALIDATION_ERROR', errors: [{ field, message: /finite/ }] }, text.slice(0, 60))
  }
  t.equal(emulator.requests.length, 0, 'nothing sent to Intercom')
})

test('large but finite numbers, and 1e309 inside a string, still pass', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject(post('/contacts', '{"email":"big@b.co","custom_attributes":{"big":1.5e308,"note":"1e309"}}'))
  t.equal(res.statusCode, 200)
  t.same((emulator.requests[0].body as { custom_attributes: unknown }).custom_attributes, { big: 1.5e308, note: '1e309' })
})

test('enum and const failures list the allowed values', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/messages', payload: { message_type: 'sms', body: 'x', to_contact_id: 'c1', template: 3 } })
  t.equal(res.statusCode, 400)
  const p = json(res)
  t.same(p.errors, [
    { field: 'body.message_type', message: 'must be one of: in_app, email' },
    { field: 'body.template', message: 'must be one of: plain, personal' }
  ])
  t.match(p.detail, /body\.message_type must be one of: in_app, email/)
  t.equal(emulator.requests.length, 0)
})

test('fieldErrors: enum keyword, nested paths, and non-literal unions keep their messages', async (t) => {
  t.same(fieldErrors([{ instancePath: '/state', keyword: 'enum', params: { allowedValues: ['open', 'closed', 1] }, message: 'must be equal to one of the allowed values' }], 'querystring'),
    [{ field: 'querystring.state', message: 'must be one of: open, closed, 1' }])
  t.same(fieldErrors([
    { instancePath: '/at', keyword: 'type', params: { type: 'integer' }, message: 'must be integer' },
    { instancePath: '/at', keyword: 'format', params: { format: 'date-time' }, message: 'must match format "date-time"' },
    { instancePath: '/at', keyword: 'anyOf', params: {}, message: 'must match a schema in anyOf' }
  ], undefined), [{ field: 'body.at', message: 'must be integer or must match format "date-time"' }])
})
