import { matrixTest as test } from '../helper.js'
import { build, json, rawRequest, seedContact, upstream } from '../helper.js'

test('POST /contacts sends CreateContact with Unix seconds and the headers that matter', async (t, v) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/contacts',
    headers: { 'x-request-id': 'req-create-1' },
    payload: { role: 'user', external_id: 'u-1', email: 'ada@example.com', name: 'Ada', signed_up_at: '2024-01-01T00:00:00Z' }
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-request-id'], 'req-create-1')
  const contact = json(res)
  t.equal(contact.type, 'contact')
  t.equal(contact.external_id, 'u-1')
  t.match(contact.id, /^[0-9a-f]{24}$/)
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.equal(calls[0].method, 'POST')
  t.equal(calls[0].path, '/contacts')
  t.same(calls[0].body, { role: 'user', external_id: 'u-1', email: 'ada@example.com', name: 'Ada', signed_up_at: 1704067200 })
  t.equal(calls[0].headers.authorization, `Bearer ${emulator.token}`)
  t.equal(calls[0].headers.accept, 'application/json')
  t.equal(calls[0].headers['intercom-version'], v)
  t.equal(calls[0].headers['x-request-id'], 'req-create-1')
  t.match(calls[0].headers['content-type'], /^application\/json/)
})

test('POST /contacts rejects bad input naming each field, with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 42, nickname: 'x', signed_up_at: 'yesterday' } })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const p = json(res)
  t.equal(p.status, 400)
  t.equal(p.code, 'VALIDATION_ERROR')
  t.equal(p.instance, '/contacts')
  const fields = p.errors.map((e: { field: string }) => e.field).sort()
  t.same(fields, ['body.email', 'body.nickname', 'body.signed_up_at'])
  t.equal(emulator.requests.length, 0, 'no upstream request')
})

test('POST /contacts: a non-numeric owner_id is refused, not coerced', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'a@b.co', owner_id: '12abc' } })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'body.owner_id' }])
  t.equal(emulator.requests.length, 0)
})

test('POST /contacts/upsert creates, then updates by external_id', async (t) => {
  const { app, emulator } = await build(t)
  const first = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'ext-7', email: 'grace@example.com', name: 'Grace' } })
  t.equal(first.statusCode, 200)
  t.equal(json(first).action, 'created')
  let calls = upstream(t, emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /contacts/find_by_external_id/ext-7', 'POST /contacts'])
  t.same(calls[1].body, { external_id: 'ext-7', email: 'grace@example.com', name: 'Grace' })
  const id = json(first).contact.id

  emulator.resetRecords()
  const second = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'ext-7', name: 'Grace Hopper', custom_attributes: { plan: 'pro' } } })
  t.equal(second.statusCode, 200)
  t.equal(json(second).action, 'updated')
  t.equal(json(second).contact.id, id)
  t.equal(json(second).contact.name, 'Grace Hopper')
  calls = upstream(t, emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`PUT /contacts/${id}`], 'the id learned from the first answer: one call')
  t.same(calls[0].body, { external_id: 'ext-7', name: 'Grace Hopper', custom_attributes: { plan: 'pro' } })
})

test('POST /contacts/upsert without the learned ids (CONTACT_ID_CACHE_TTL_MS=0) finds, then updates', async (t) => {
  const { app, emulator } = await build(t, { env: { CONTACT_ID_CACHE_TTL_MS: '0' } })
  const first = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'ext-8', name: 'Ada' } })
  const id = json(first).contact.id
  emulator.resetRecords()
  const second = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'ext-8', name: 'Ada L' } })
  t.equal(json(second).action, 'updated')
  t.same(upstream(t, emulator).map((c) => `${c.method} ${c.path}`), ['GET /contacts/find_by_external_id/ext-8', `PUT /contacts/${id}`])
})

test('POST /contacts/upsert matches by email through SearchContacts', async (t) => {
  const { app, emulator } = await build(t)
  const existing = await seedContact(emulator, { email: 'linus@example.com', name: 'Linus' })
  const res = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'linus@example.com', name: 'Linus T' } })
  t.equal(res.statusCode, 200)
  t.equal(json(res).action, 'updated')
  t.equal(json(res).contact.id, existing.id)
  const calls = upstream(t, emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['POST /contacts/search', `PUT /contacts/${existing.id}`])
  t.same(calls[0].body, { query: { field: 'email', operator: '=', value: 'linus@example.com' }, pagination: { per_page: 5 } })
})

test('20 concurrent upserts of one new external_id end with exactly one contact', async (t) => {
  const { app, emulator } = await build(t)
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'race-1', name: `n${i}` } })))
  t.same(results.map((r) => r.statusCode), Array(20).fill(200))
  const actions = results.map((r) => json(r).action)
  t.equal(actions.filter((a) => a === 'created').length, 1, 'one created')
  t.equal(actions.filter((a) => a === 'updated').length, 19, 'the others updated')
  t.equal(new Set(results.map((r) => json(r).contact.id)).size, 1, 'all name one contact')
  const creates = upstream(t, emulator).filter((c) => c.method === 'POST' && c.path === '/contacts')
  t.ok(creates.length >= 1)
  const list = await fetch(`${emulator.url}/contacts/find_by_external_id/race-1`, { headers: { authorization: `Bearer ${emulator.token}` } })
  t.equal(list.status, 200)
})

test('20 concurrent upserts of one new email, with search lagging, end with exactly one contact', async (t) => {
  // Without the learned ids (which would order these upserts in one process), so that every one creates.
  const { app, emulator } = await build(t, { emulator: { searchLagMs: 5_000 }, env: { CONTACT_ID_CACHE_TTL_MS: '0' } })
  const results = await Promise.all(Array.from({ length: 20 }, () =>
    app.inject({ method: 'POST', url: '/contacts/upsert', payload: { email: 'race@example.com', role: 'user' } })))
  t.same(results.map((r) => r.statusCode), Array(20).fill(200))
  t.equal(results.filter((r) => json(r).action === 'created').length, 1)
  t.equal(new Set(results.map((r) => json(r).contact.id)).size, 1)
  const calls = upstream(t, emulator)
  t.equal(calls.filter((c) => c.method === 'POST' && c.path === '/contacts').length, 20, 'search saw nothing: every call tried to create')
  t.equal(calls.filter((c) => c.method === 'PUT').length, 19, 'the 19 conflicts updated the id the 409 named')
})

test('POST /contacts/upsert needs external_id or email', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { name: 'Nobody' } })
  t.equal(res.statusCode, 400)
  t.same(json(res).errors.map((e: { field: string }) => e.field).sort(), ['body.email', 'body.external_id'])
  t.equal(emulator.requests.length, 0)
})

test('GET /contacts/:id calls ShowContact with the id percent-encoded', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'x@example.com' })
  const res = await app.inject({ method: 'GET', url: `/contacts/${c.id}` })
  t.equal(res.statusCode, 200)
  t.equal(json(res).id, c.id)
  t.same(upstream(t, emulator).map((r) => `${r.method} ${r.path}`), [`GET /contacts/${c.id}`])

  emulator.resetRecords()
  const sneaky = await app.inject({ method: 'GET', url: '/contacts/..%2Fadmins' })
  t.equal(sneaky.statusCode, 404, 'Intercom finds no contact of that id')
  t.equal(emulator.requests[0].path, '/contacts/..%2Fadmins', 'the slash stays encoded: no other endpoint is reached')
})

test('GET /contacts/:id refuses dot segments and control characters without calling Intercom', async (t) => {
  const { app, emulator } = await build(t)
  for (const url of ['/contacts/%2E%2E', '/contacts/%2e', '/contacts/a%0Ab', `/contacts/${'x'.repeat(256)}`]) {
    const res = await rawRequest(app, 'GET', url)
    t.equal(res.statusCode, 400, url)
    t.match(res.body.errors, [{ field: 'params.id' }], url)
  }
  t.equal(emulator.requests.length, 0)
})

test('GET /contacts/by-external-id/:external_id calls ShowContactByExternalId', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { external_id: 'abc/1', email: 'e@example.com' })
  const res = await app.inject({ method: 'GET', url: '/contacts/by-external-id/abc%2F1' })
  t.equal(res.statusCode, 200)
  t.equal(json(res).id, c.id)
  t.same(upstream(t, emulator).map((r) => `${r.method} ${r.path}`), ['GET /contacts/find_by_external_id/abc%2F1'])
})

test('PATCH /contacts/:id sends UpdateContact (PUT); an empty body is refused', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'p@example.com' })
  const res = await app.inject({ method: 'PATCH', url: `/contacts/${c.id}`, payload: { name: 'Pat', last_seen_at: 1700000000 } })
  t.equal(res.statusCode, 200)
  t.equal(json(res).name, 'Pat')
  const calls = upstream(t, emulator)
  t.same(calls.map((r) => `${r.method} ${r.path}`), [`PUT /contacts/${c.id}`])
  t.same(calls[0].body, { name: 'Pat', last_seen_at: 1700000000 })

  emulator.resetRecords()
  const empty = await app.inject({ method: 'PATCH', url: `/contacts/${c.id}`, payload: {} })
  t.equal(empty.statusCode, 400)
  t.equal(emulator.requests.length, 0)
})

test('DELETE /contacts/:id sends DeleteContact', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'd@example.com' })
  const res = await app.inject({ method: 'DELETE', url: `/contacts/${c.id}` })
  t.equal(res.statusCode, 200)
  t.match(json(res), { id: c.id, deleted: true })
  t.same(upstream(t, emulator).map((r) => `${r.method} ${r.path}`), [`DELETE /contacts/${c.id}`])
})

test('POST /contacts/search: shorthand and query forms, normalised pages', async (t) => {
  const { app, emulator } = await build(t)
  for (let i = 0; i < 3; i++) await seedContact(emulator, { email: `s${i}@acme.com`, role: 'user' })
  const res = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'email', operator: '~', value: 'acme', per_page: 2, sort_field: 'created_at', sort_order: 'ascending' } })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.equal(page.data.length, 2)
  t.equal(page.total_count, 3)
  t.type(page.next_cursor, 'string')
  const calls = upstream(t, emulator)
  t.same(calls[0].body, { query: { field: 'email', operator: '~', value: 'acme' }, pagination: { per_page: 2 }, sort: { field: 'created_at', order: 'ascending' } })

  emulator.resetRecords()
  const next = await app.inject({ method: 'POST', url: '/contacts/search', payload: { query: { operator: 'AND', value: [{ field: 'email', operator: '~', value: 'acme' }] }, per_page: 2, starting_after: page.next_cursor } })
  t.equal(next.statusCode, 200)
  t.equal(json(next).data.length, 1)
  t.equal(json(next).next_cursor, null)
  t.same(upstream(t, emulator)[0].body, { query: { operator: 'AND', value: [{ field: 'email', operator: '~', value: 'acme' }] }, pagination: { per_page: 2, starting_after: page.next_cursor } })
})

test('POST /contacts/search needs exactly one form', async (t) => {
  const { app, emulator } = await build(t)
  const both = await app.inject({ method: 'POST', url: '/contacts/search', payload: { query: { field: 'email', operator: '=', value: 'a' }, field: 'email', operator: '=', value: 'a' } })
  t.equal(both.statusCode, 400)
  t.match(json(both).errors, [{ field: 'body.field', message: /give exactly one search form/ }])
  const three = await app.inject({ method: 'POST', url: '/contacts/search', payload: { query: { field: 'email', operator: '=', value: 'a' }, filter: "email = 'a'" } })
  t.equal(three.statusCode, 400)
  t.match(json(three).errors, [{ field: 'body.filter' }])
  const none = await app.inject({ method: 'POST', url: '/contacts/search', payload: { per_page: 10 } })
  t.equal(none.statusCode, 400)
  const half = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'email' } })
  t.equal(half.statusCode, 400)
  t.same(json(half).errors.map((e: { field: string }) => e.field), ['body.operator', 'body.value'])
  const big = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'email', operator: '=', value: 'a', per_page: 151 } })
  t.equal(big.statusCode, 400)
  t.match(json(big).errors, [{ field: 'body.per_page' }])
  t.equal(emulator.requests.length, 0)
})

test('POST /contacts/search: a filter formula becomes Intercom\'s query, dates in Unix seconds', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/contacts/search', payload: { filter: "role = 'user' AND (created_at > '2024-01-01' OR email ~ 'acme')", per_page: 10 } })
  t.equal(res.statusCode, 200)
  t.same(upstream(t, emulator)[0].body, {
    query: { operator: 'AND', value: [{ field: 'role', operator: '=', value: 'user' }, { operator: 'OR', value: [{ field: 'created_at', operator: '>', value: 1704067200 }, { field: 'email', operator: '~', value: 'acme' }] }] },
    pagination: { per_page: 10 }
  })
})

test('POST /contacts/search: a formula or query Intercom would refuse is a 400 before anything is sent', async (t) => {
  const { app, emulator } = await build(t)
  const syntax = await app.inject({ method: 'POST', url: '/contacts/search', payload: { filter: "role = 'user' AND (email ~ 'a'" } })
  t.equal(syntax.statusCode, 400)
  t.match(json(syntax).errors, [{ field: 'body.filter', message: /position \d+/ }])
  const deep = "a = 1 AND (b = 1 OR (c = 1 AND (d = 1 OR e = 2)))"
  const tooDeep = await app.inject({ method: 'POST', url: '/contacts/search', payload: { filter: deep } })
  t.equal(tooDeep.statusCode, 400)
  t.match(json(tooDeep).errors, [{ field: 'body.filter' }])
  const wide = { operator: 'OR', value: Array.from({ length: 16 }, (_, i) => ({ field: 'email', operator: '=', value: `u${i}@x.co` })) }
  const tooWide = await app.inject({ method: 'POST', url: '/contacts/search', payload: { query: wide } })
  t.equal(tooWide.statusCode, 400)
  t.match(json(tooWide).errors, [{ field: 'body.query', message: /15/ }])
  t.equal(emulator.requests.length, 0)
})

test('POST /contacts/search: the shorthand >= is sent as > OR =', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'created_at', operator: '>=', value: 1704067200 } })
  t.equal(res.statusCode, 200)
  t.same(upstream(t, emulator)[0].body, { query: { operator: 'OR', value: [{ field: 'created_at', operator: '>', value: 1704067200 }, { field: 'created_at', operator: '=', value: 1704067200 }] } })
})
