/**
 * Answers from Intercom that are not what they seem (issue 16 items 6 and 7, the facade's part):
 * a 2xx lacking a field the response schema requires, a list whose cursor repeats, a list that is
 * not a list, and a failure on a later `?all=true` page; each an upstream fault answered through
 * the one error mapper (502 `UPSTREAM_BAD_ANSWER`, "may have been applied" for a write).
 */
import { test } from 'tap'
import { json } from '../helper.js'
import { buildWithFake } from './fake-intercom.js'
import { PROBLEM_CODES } from '../../schemas/common.js'

const contact = (id: string) => ({ type: 'contact', id, email: `${id}@example.com` })

test('a 2xx write answer lacking a required field is a 502 that says the write may have been applied, sent once', async (t) => {
  const { app, requests } = await buildWithFake(t, () => ({ body: { type: 'contact', email: 'a@b.co' } }))
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'a@b.co' } })
  t.equal(res.statusCode, 502)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const p = json(res)
  t.match(p, { status: 502, code: 'UPSTREAM_BAD_ANSWER', instance: '/contacts' })
  t.match(p.detail, /lacks the required field id/)
  t.match(p.detail, /may or may not have been applied/)
  t.notMatch(p.detail, /is required!/, 'not the serializer\'s message')
  t.same(requests.map((r) => `${r.method} ${r.path}`), ['POST /contacts'], 'sent once')
})

test('a 2xx read answer lacking a required field is a 502 without the write wording', async (t) => {
  const { app } = await buildWithFake(t, () => ({ body: { type: 'company', name: 'Acme' } }))
  const res = await app.inject({ method: 'GET', url: '/companies/c1' })
  t.equal(res.statusCode, 502)
  t.match(json(res), { code: 'UPSTREAM_BAD_ANSWER', detail: /lacks the required field id/ })
  t.notMatch(json(res).detail, /applied/)
})

test('a list answer that is not a list (truncated JSON, a string for data) is a 502, not a 500', async (t) => {
  const answers = ['{"type":"list","data":[{"type":"contact","id":"1"}', '{"type":"list","data":"odd"}']
  let n = 0
  const { app } = await buildWithFake(t, () => ({ body: answers[n++] }))
  for (const body of answers) {
    const res = await app.inject({ method: 'GET', url: '/contacts' })
    t.equal(res.statusCode, 502, body)
    t.match(json(res), { code: 'UPSTREAM_BAD_ANSWER', detail: /^Intercom answered, but/ }, body)
  }
})

test('?all=true stops at a cursor Intercom gives twice, with an error line from the mapper', async (t) => {
  // Intercom answers start → c1 → c2 → c1 → ...: without the check, 10,000 calls.
  const { app, requests } = await buildWithFake(t, (req) => {
    const after = req.query.get('starting_after')
    return { body: { type: 'list', data: [contact(after ?? 'first')], pages: { next: { starting_after: after === 'c1' ? 'c2' : 'c1' } } } }
  })
  const res = await app.inject({ method: 'GET', url: '/contacts?all=true' })
  t.equal(res.statusCode, 200)
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l))
  t.same(lines.slice(0, 3).map((c) => c.id), ['first', 'c1', 'c2'])
  t.equal(lines.length, 4)
  t.match(lines[3], { error: { status: 502, code: 'UPSTREAM_BAD_ANSWER', type: 'urn:intercom-facade:problem:upstream-bad-answer', instance: '/contacts', detail: /cursor it had given before/ } })
  t.equal(requests.length, 3, 'three upstream calls')
})

test('a page-numbered list that repeats its page stops too', async (t) => {
  const { app, requests } = await buildWithFake(t, () => ({ body: { type: 'list', data: [{ type: 'company', id: 'x' }], pages: { page: 1, total_pages: 5 } } }))
  const res = await app.inject({ method: 'GET', url: '/companies?all=true' })
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(requests.length, 2, 'page 1, then page 2 answering page 1 again')
  t.match(lines.at(-1), { error: { code: 'UPSTREAM_BAD_ANSWER' } })
})

test('a later ?all=true page failing ends the stream with the mapped problem, no library message', async (t) => {
  const { app } = await buildWithFake(t, (req) => req.query.get('starting_after') === null
    ? { body: { type: 'list', data: [contact('a')], pages: { next: { starting_after: 'p2' } } } }
    : { status: 500, body: { type: 'error.list', request_id: 'r-500', errors: [{ code: 'server_error', message: 'Server Error' }] } })
  const res = await app.inject({ method: 'GET', url: '/contacts?all=true' })
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 2)
  const err = lines[1].error
  t.match(err, { status: 502, code: 'UPSTREAM_ERROR', title: 'Bad Gateway', upstream: { status: 500, request_id: 'r-500', errors: [{ code: 'server_error' }] } })
  t.notMatch(err.detail, /UpstreamHttpError|answered 500: server_error \(/, "the mapper's wording, not the error's message")
})

test("Intercom's own error code stays under upstream.errors; the problem code is from the fixed set", async (t) => {
  const { app } = await buildWithFake(t, () => ({ status: 400, body: { type: 'error.list', request_id: 'r1', errors: [{ code: 'some_new_intercom_code', message: 'odd' }] } }))
  const res = await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.equal(res.statusCode, 400)
  const p = json(res)
  t.equal(p.code, 'UPSTREAM_BAD_REQUEST')
  t.ok(Object.hasOwn(PROBLEM_CODES, p.code))
  t.same(p.upstream.errors, [{ code: 'some_new_intercom_code', message: 'odd' }])
})

test("Intercom's objects pass as Intercom sent them: documented types never coerce a value", async (t) => {
  const sent = { type: 'contact', id: 'c1', email: null, owner_id: 321, custom_attributes: { a: 1 }, undocumented: { x: true } }
  const { app } = await buildWithFake(t, () => ({ body: sent }))
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { role: 'lead' } })
  t.equal(res.statusCode, 200)
  t.same(json(res), sent, 'null stays null (not ""), a number stays a number (not "321")')
})

test('an upsert whose contact lacks its id is a 502 naming contact.id', async (t) => {
  const { app } = await buildWithFake(t, (req) => req.path === '/contacts/search'
    ? { body: { type: 'list', data: [], total_count: 0 } }
    : { body: { type: 'contact', email: 'a@b.co' } })
  const res = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'a@b.co' } })
  t.equal(res.statusCode, 502)
  t.match(json(res), { code: 'UPSTREAM_BAD_ANSWER', detail: /lacks the required field contact\.id.*may or may not have been applied/ })
})
