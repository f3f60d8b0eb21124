import { test } from 'tap'
import { harness, isErrorList } from './helpers.js'

// ---- companies, tags, notes, data events (their spec corrections: test/intercom-spec/load.test.ts) ----

test('data events: 202 with no body; the list needs type=user and exactly one identifier', async (t) => {
  const { call, emulator } = await harness(t)
  const c = (await call('POST', '/contacts', { external_id: 'e-1', email: 'e@example.com' })).body
  const accepted = await call('POST', '/events', { event_name: 'paid', created_at: 1700000000, user_id: 'e-1', metadata: { amount: 3, link: { url: 'https://x.example', value: 'x' } } })
  t.equal(accepted.status, 202)
  t.equal(accepted.body, undefined)
  const noCreatedAt = await call('POST', '/events', { event_name: 'paid', user_id: 'e-1' })
  t.equal(noCreatedAt.status, 400, 'Intercom requires created_at')
  const unknown = await call('POST', '/events', { event_name: 'paid', created_at: 1, user_id: 'nobody' })
  t.equal(unknown.status, 404)
  t.ok(isErrorList(unknown.body, 'not_found'))

  const list = await call('GET', `/events?type=user&intercom_user_id=${c.id}`)
  t.equal(list.status, 200)
  t.match(list.body, { type: 'event.list', events: [{ type: 'event', event_name: 'paid', created_at: 1700000000, user_id: 'e-1' }] })
  t.equal((await call('GET', '/events?type=user')).status, 400, 'no identifier')
  t.equal((await call('GET', '/events?type=user&user_id=e-1&email=e@example.com')).status, 400, 'two identifiers')
  t.equal((await call('GET', '/events?type=lead&user_id=e-1')).status, 400, 'type must be user')
  t.equal(emulator.violations.filter((v) => v.operationId === 'lisDataEvents').length, 0, 'identifiers pass the patched description')
})

test('companies: create or update by company_id, lookup 404, members and user_count', async (t) => {
  const { call } = await harness(t)
  const a = (await call('POST', '/companies', { company_id: 'x-1', name: 'X' })).body
  const b = (await call('POST', '/companies', { company_id: 'x-1', size: 5 })).body
  t.equal(a.id, b.id)
  t.match(b, { name: 'X', size: 5, user_count: 0, tags: { type: 'tag.list', tags: [] } })
  const miss = await call('GET', '/companies?company_id=none')
  t.equal(miss.status, 404)
  t.ok(isErrorList(miss.body, 'company_not_found'))
  const c = (await call('POST', '/contacts', { email: 'm@example.com' })).body
  const attached = await call('POST', `/contacts/${c.id}/companies`, { id: a.id })
  t.equal(attached.body.user_count, 1)
  t.match((await call('GET', `/contacts/${c.id}`)).body.companies, { data: [{ type: 'company', id: a.id }], total_count: 1 })
  const wrong = await call('POST', `/contacts/${c.id}/companies`, { id: 'nope' })
  t.equal(wrong.status, 404)
  t.ok(isErrorList(wrong.body, 'company_not_found'))
  t.equal((await call('DELETE', `/companies/${a.id}`)).body.deleted, true)
  t.same((await call('GET', `/contacts/${c.id}`)).body.companies.data, [], 'deleting the company detaches its contacts')
})

test('notes and tags: createNote takes a 24-hex contact id; deleteTag answers 200 with no body', async (t) => {
  const { call, emulator } = await harness(t)
  const c = (await call('POST', '/contacts', { email: 'n@example.com' })).body
  const note = await call('POST', `/contacts/${c.id}/notes`, { body: 'hi', admin_id: '991267460' })
  t.equal(note.status, 200)
  t.equal(note.body.body, '<p>hi</p>')
  t.equal((await call('POST', `/contacts/${c.id}/notes`, { body: 'x', admin_id: '1' })).status, 404, 'unknown admin')
  const tag = (await call('POST', '/tags', { name: 'T' })).body
  t.equal((await call('POST', `/contacts/${c.id}/tags`, { id: tag.id })).status, 200)
  const del = await call('DELETE', `/tags/${tag.id}`)
  t.equal(del.status, 200)
  t.equal(del.body, undefined)
  t.same((await call('GET', `/contacts/${c.id}/tags`)).body.data, [])
  t.same(emulator.violations, [])
})

test('MergeContact: a lead into a user only', async (t) => {
  const { call } = await harness(t)
  const lead = (await call('POST', '/contacts', { role: 'lead', name: 'L' })).body
  const user = (await call('POST', '/contacts', { email: 'u@example.com' })).body
  t.equal((await call('POST', '/contacts/merge', { from: user.id, into: lead.id })).status, 400)
  const merged = await call('POST', '/contacts/merge', { from: lead.id, into: user.id })
  t.equal(merged.status, 200)
  t.equal(merged.body.id, user.id)
  t.equal((await call('GET', `/contacts/${lead.id}`)).status, 404)
})
