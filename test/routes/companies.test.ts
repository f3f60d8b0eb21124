import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream } from '../helper.js'

test('POST /companies sends createOrUpdateCompany with Unix seconds; the same company_id updates', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/companies',
    payload: { company_id: 'acme-1', name: 'Acme', plan: 'pro', size: 40, remote_created_at: '2024-01-01T00:00:00Z', custom_attributes: { tier: 'gold', seats: 12 } }
  })
  t.equal(res.statusCode, 200)
  const company = json(res)
  t.match(company, { type: 'company', company_id: 'acme-1', name: 'Acme', remote_created_at: 1704067200, custom_attributes: { tier: 'gold', seats: 12 } })
  t.match(company.id, /^[0-9a-f]{24}$/)
  let calls = upstream(t, emulator)
  t.same(calls.map((r) => `${r.method} ${r.path} ${r.operationId}`), ['POST /companies createOrUpdateCompany'])
  t.same(calls[0].body, { company_id: 'acme-1', name: 'Acme', plan: 'pro', size: 40, remote_created_at: 1704067200, custom_attributes: { tier: 'gold', seats: 12 } })

  emulator.resetRecords()
  const again = await app.inject({ method: 'POST', url: '/companies', payload: { company_id: 'acme-1', monthly_spend: 990 } })
  t.equal(again.statusCode, 200)
  t.equal(json(again).id, company.id, 'updated, not created')
  t.equal(json(again).monthly_spend, 990)
  calls = upstream(t, emulator)
  t.same(calls[0].body, { company_id: 'acme-1', monthly_spend: 990 })
})

test('POST /companies refuses a missing company_id, a bad website and unknown fields, with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'POST', url: '/companies', payload: { name: 'X', website: 'not a url', employees: 3, custom_attributes: { nested: { a: 1 } } } })
  t.equal(res.statusCode, 400)
  const fields = json(res).errors.map((e: { field: string }) => e.field)
  for (const f of ['body.company_id', 'body.website', 'body.employees']) t.ok(fields.includes(f), f)
  t.ok(fields.some((f: string) => f.startsWith('body.custom_attributes')), 'custom_attributes values are flat')
  t.equal(emulator.requests.length, 0)
})

test('GET /companies pages through retrieveCompany with page numbers inside the cursor', async (t) => {
  const { app, emulator } = await build(t)
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/companies', payload: { company_id: `c-${i}`, name: `Company ${i}` } })
  emulator.resetRecords()
  const res = await app.inject({ method: 'GET', url: '/companies?per_page=2' })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.equal(page.data.length, 2)
  t.equal(page.total_count, 3)
  t.type(page.next_cursor, 'string')
  t.notOk(/^\d+$/.test(page.next_cursor), 'the cursor is opaque')
  let calls = upstream(t, emulator)
  t.same(calls.map((r) => `${r.method} ${r.path} ${r.operationId}`), ['GET /companies retrieveCompany'])
  t.same(calls[0].query, { page: '1', per_page: '2' })

  emulator.resetRecords()
  const next = await app.inject({ method: 'GET', url: `/companies?per_page=2&starting_after=${page.next_cursor}` })
  t.equal(json(next).data.length, 1)
  t.equal(json(next).next_cursor, null)
  calls = upstream(t, emulator)
  t.same(calls[0].query, { page: '2', per_page: '2' })
})

test('GET /companies?company_id= and ?name= look one company up; a miss is 404', async (t) => {
  const { app, emulator } = await build(t)
  await app.inject({ method: 'POST', url: '/companies', payload: { company_id: 'look-1', name: 'Lookup Ltd' } })
  await app.inject({ method: 'POST', url: '/companies', payload: { company_id: 'other', name: 'Other' } })
  emulator.resetRecords()
  const byId = await app.inject({ method: 'GET', url: '/companies?company_id=look-1' })
  t.equal(byId.statusCode, 200)
  t.match(json(byId), { data: [{ company_id: 'look-1' }], total_count: 1, next_cursor: null })
  const byName = await app.inject({ method: 'GET', url: '/companies?name=Lookup%20Ltd' })
  t.match(json(byName), { data: [{ company_id: 'look-1' }], total_count: 1 })
  const calls = upstream(t, emulator)
  t.same(calls.map((r) => r.query), [{ company_id: 'look-1', page: '1' }, { name: 'Lookup Ltd', page: '1' }])

  const miss = await app.inject({ method: 'GET', url: '/companies?company_id=nope' })
  t.equal(miss.statusCode, 404)
  t.match(json(miss).upstream.errors, [{ code: 'company_not_found' }])
})

test('GET /companies refuses two lookups at once and a foreign cursor, with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const both = await app.inject({ method: 'GET', url: '/companies?company_id=a&name=b' })
  t.equal(both.statusCode, 400)
  t.match(json(both).errors, [{ field: 'querystring.name' }])
  const cursor = await app.inject({ method: 'GET', url: '/companies?starting_after=abc' })
  t.equal(cursor.statusCode, 400)
  t.match(json(cursor).errors, [{ field: 'querystring.starting_after' }])
  t.equal(emulator.requests.length, 0)
})

test('GET /companies?all=true streams every company as NDJSON', async (t) => {
  const { app, emulator } = await build(t)
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/companies', payload: { company_id: `all-${i}` } })
  emulator.resetRecords()
  const res = await app.inject({ method: 'GET', url: '/companies?all=true&per_page=2' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/x-ndjson/)
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 5)
  t.same(upstream(t, emulator).map((r) => r.query.page), ['1', '2', '3'])
})

test('GET, PATCH and DELETE /companies/:id call RetrieveACompanyById, UpdateCompany (PUT) and deleteCompany', async (t) => {
  const { app, emulator } = await build(t)
  const company = json(await app.inject({ method: 'POST', url: '/companies', payload: { company_id: 'crud-1', name: 'Crud' } }))
  emulator.resetRecords()

  const got = await app.inject({ method: 'GET', url: `/companies/${company.id}` })
  t.equal(got.statusCode, 200)
  t.equal(json(got).name, 'Crud')
  const patched = await app.inject({ method: 'PATCH', url: `/companies/${company.id}`, payload: { name: 'Crud Inc', industry: 'Software' } })
  t.equal(patched.statusCode, 200)
  t.match(json(patched), { name: 'Crud Inc', industry: 'Software', company_id: 'crud-1' })
  const deleted = await app.inject({ method: 'DELETE', url: `/companies/${company.id}` })
  t.equal(deleted.statusCode, 200)
  t.same(json(deleted), { id: company.id, object: 'company', deleted: true })
  const calls = upstream(t, emulator)
  t.same(calls.map((r) => `${r.method} ${r.path} ${r.operationId}`), [
    `GET /companies/${company.id} RetrieveACompanyById`,
    `PUT /companies/${company.id} UpdateCompany`,
    `DELETE /companies/${company.id} deleteCompany`
  ])
  t.same(calls[1].body, { name: 'Crud Inc', industry: 'Software' })

  emulator.resetRecords()
  const gone = await app.inject({ method: 'GET', url: `/companies/${company.id}` })
  t.equal(gone.statusCode, 404)
})

test('PATCH /companies/:id refuses an empty body and company_id, with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const empty = await app.inject({ method: 'PATCH', url: '/companies/abc', payload: {} })
  t.equal(empty.statusCode, 400)
  const id = await app.inject({ method: 'PATCH', url: '/companies/abc', payload: { company_id: 'new' } })
  t.equal(id.statusCode, 400)
  t.match(json(id).errors, [{ field: 'body.company_id' }])
  t.equal(emulator.requests.length, 0)
})

test('GET /companies/:id/contacts calls ListAttachedContacts and normalises the page', async (t) => {
  const { app, emulator } = await build(t)
  const company = json(await app.inject({ method: 'POST', url: '/companies', payload: { company_id: 'm-1' } }))
  for (let i = 0; i < 3; i++) {
    const c = await seedContact(emulator, { email: `m${i}@example.com` })
    await app.inject({ method: 'POST', url: `/contacts/${c.id}/companies`, payload: { company_id: company.id } })
  }
  emulator.resetRecords()
  const res = await app.inject({ method: 'GET', url: `/companies/${company.id}/contacts?per_page=2` })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.equal(page.data.length, 2)
  t.equal(page.data[0].type, 'contact')
  t.equal(page.total_count, 3)
  t.type(page.next_cursor, 'string')
  const calls = upstream(t, emulator)
  t.same(calls.map((r) => `${r.method} ${r.path} ${r.operationId}`), [`GET /companies/${company.id}/contacts ListAttachedContacts`])
  t.same(calls[0].query, { page: '1', per_page: '2' })

  emulator.resetRecords()
  const bad = await app.inject({ method: 'GET', url: `/companies/${company.id}/contacts?per_page=0` })
  t.equal(bad.statusCode, 400)
  t.equal(emulator.requests.length, 0)
})
