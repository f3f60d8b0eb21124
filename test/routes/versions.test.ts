/**
 * One facade contract over every Intercom version (src/facade/versions.ts), and the seed parameters
 * callers expect (company_id on contacts, created_at on messages, Intercom's `pagination` object in
 * search, owner_id as a numeric string): the exact upstream request of each version.
 */
import { test as tapTest } from 'tap'
import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, seedObject, upstream } from '../helper.js'
import { DEFAULT_ADMIN_ID } from '../../src/emulator/store.js'
import { answerFor, ticketResolutionTopics } from '../../src/facade/versions.js'

test('contact owner_id: a number or a numeric string in, the version\'s type sent (integer before 2.16, string from 2.16)', async (t, v) => {
  const { app, emulator } = await build(t)
  const want = v === '2.16' ? DEFAULT_ADMIN_ID : Number(DEFAULT_ADMIN_ID)
  for (const given of [Number(DEFAULT_ADMIN_ID), DEFAULT_ADMIN_ID]) {
    const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: `owner-${typeof given}@example.com`, owner_id: given } })
    t.equal(res.statusCode, 200, `owner_id as a ${typeof given}`)
    t.equal(json(res).owner_id, DEFAULT_ADMIN_ID, 'answered as 2.16 has it: a string')
  }
  const calls = upstream(t, emulator).filter((c) => c.operationId === 'CreateContact')
  t.same(calls.map((c) => (c.body as any).owner_id), [want, want])
  t.same(calls.map((c) => c.headers['intercom-version']), [v, v])
})

test('PATCH /contacts/{id} sends owner_id as the version wants it, and null as null', async (t, v) => {
  const { app, emulator } = await build(t)
  const ada = await seedContact(emulator, { email: 'owner-patch@example.com' })
  const set = await app.inject({ method: 'PATCH', url: `/contacts/${ada.id}`, payload: { owner_id: DEFAULT_ADMIN_ID } })
  t.equal(set.statusCode, 200)
  const cleared = await app.inject({ method: 'PATCH', url: `/contacts/${ada.id}`, payload: { owner_id: null } })
  t.equal(cleared.statusCode, 200)
  t.equal(json(cleared).owner_id, null)
  const calls = upstream(t, emulator)
  t.same(calls.map((c) => [c.method, c.path, c.body]), [
    ['PUT', `/contacts/${ada.id}`, { owner_id: v === '2.16' ? DEFAULT_ADMIN_ID : Number(DEFAULT_ADMIN_ID) }],
    ['PUT', `/contacts/${ada.id}`, { owner_id: null }]
  ])
})

test('GET /contacts/{id} and the search answer owner_id as a string whatever the version', async (t) => {
  const { app, emulator } = await build(t)
  const ada = await seedContact(emulator, { email: 'owned@example.com', owner_id: DEFAULT_ADMIN_ID })
  const one = await app.inject({ method: 'GET', url: `/contacts/${ada.id}` })
  t.equal(one.statusCode, 200)
  t.equal(json(one).owner_id, DEFAULT_ADMIN_ID)
  const found = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'email', operator: '=', value: 'owned@example.com' } })
  t.equal(found.statusCode, 200)
  t.same(json(found).data.map((c: any) => c.owner_id), [DEFAULT_ADMIN_ID])
})

test('an unassigned conversation answers admin_assignee_id and team_assignee_id 0 whatever the version', async (t) => {
  const { app, emulator } = await build(t)
  const contact = await seedContact(emulator, { email: 'unassigned@example.com' })
  const started = await app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: contact.id, body: 'Hello' } })
  t.equal(started.statusCode, 200)
  const got = await app.inject({ method: 'GET', url: `/conversations/${json(started).conversation_id}` })
  t.equal(got.statusCode, 200)
  t.match(json(got), { admin_assignee_id: 0, team_assignee_id: 0 })
  const list = await app.inject({ method: 'GET', url: '/conversations' })
  t.ok(json(list).data.length > 0)
  t.ok(json(list).data.every((c: any) => c.admin_assignee_id === 0 && c.team_assignee_id === 0), 'listed conversations too')
})

test('ticket admin_assignee_id and team_assignee_id are integers (0 = unassigned) whatever the version', async (t) => {
  const { app, emulator } = await build(t)
  const contact = await seedContact(emulator, { email: 'ticket-assignee@example.com' })
  const created = await app.inject({ method: 'POST', url: '/tickets', payload: { ticket_type_id: '1', contacts: [{ id: contact.id }], ticket_attributes: { _default_title_: 'Assign me' } } })
  t.equal(created.statusCode, 200)
  t.match(json(created), { admin_assignee_id: 0, team_assignee_id: 0 })
  const assigned = await app.inject({ method: 'PATCH', url: `/tickets/${json(created).id}`, payload: { assignee_id: DEFAULT_ADMIN_ID, admin_id: DEFAULT_ADMIN_ID } })
  t.equal(assigned.statusCode, 200)
  t.equal(json(assigned).admin_assignee_id, Number(DEFAULT_ADMIN_ID))
  const calls = upstream(t, emulator)
  t.same(calls.at(-1)?.body, { assignee_id: DEFAULT_ADMIN_ID, admin_id: Number(DEFAULT_ADMIN_ID) }, 'assignee_id is a string in every description')
})

test('skip_notifications on a conversation reply: sent from 2.15, a 400 that says why on 2.14', async (t, v) => {
  const { app, emulator } = await build(t)
  const contact = await seedContact(emulator, { email: 'quiet@example.com' })
  const started = json(await app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: contact.id, body: 'Hello' } }))
  emulator.resetRecords()
  const res = await app.inject({ method: 'POST', url: `/conversations/${started.conversation_id}/reply`, payload: { body: 'Fixed quietly', admin_id: DEFAULT_ADMIN_ID, skip_notifications: true } })
  if (v === '2.14') {
    t.equal(res.statusCode, 400)
    t.same(json(res).errors, [{ field: 'body.skip_notifications', message: 'needs Intercom-Version 2.15 or newer: Intercom 2.14 has no way to reply without notifying' }])
    t.equal(emulator.requests.length, 0)
  } else {
    t.equal(res.statusCode, 200)
    t.same(upstream(t, emulator).map((c) => [c.operationId, c.body]), [
      ['replyConversation', { message_type: 'comment', type: 'admin', admin_id: DEFAULT_ADMIN_ID, body: 'Fixed quietly', skip_notifications: true }]
    ])
  }
  const fromContact = await app.inject({ method: 'POST', url: `/conversations/${started.conversation_id}/reply`, payload: { body: 'Me too', contact_id: contact.id, skip_notifications: true } })
  t.equal(fromContact.statusCode, 400)
  t.equal(json(fromContact).errors[0].field, 'body.skip_notifications')
  const ticketReply = await app.inject({ method: 'POST', url: '/tickets/1/reply', payload: { body: 'x', skip_notifications: true } })
  t.equal(ticketReply.statusCode, 400, 'Intercom\'s replyTicket has no skip_notifications in any version')
  t.same(json(ticketReply).errors, [{ field: 'body.skip_notifications', message: 'is not an accepted field' }])
  t.equal(emulator.requests.length, v === '2.14' ? 0 : 1, 'nothing sent for the refused ones')
})

test('POST /contacts with company_id: create, then attach (attachContactToACompany)', async (t) => {
  const { app, emulator } = await build(t)
  const company = await seedObject(emulator, 'POST', '/companies', { company_id: 'acme-1', name: 'Acme' })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'worker@acme.example', company_id: company.id } })
  t.equal(res.statusCode, 200)
  const contact = json(res)
  t.equal(contact.email, 'worker@acme.example')
  t.same(upstream(t, emulator).map((c) => [c.method, c.path, c.body]), [
    ['POST', '/contacts', { email: 'worker@acme.example' }],
    ['POST', `/contacts/${contact.id}/companies`, { id: company.id }]
  ])
  const companies = json(await app.inject({ method: 'GET', url: `/contacts/${contact.id}/companies` }))
  t.same(companies.data.map((c: any) => c.id), [company.id], 'the contact is attached')
})

test('PATCH /contacts/{id} and upsert with company_id: write, then attach; a failed attach says the contact was written', async (t) => {
  const { app, emulator } = await build(t)
  const company = await seedObject(emulator, 'POST', '/companies', { company_id: 'acme-2', name: 'Acme Two' })
  const ada = await seedContact(emulator, { email: 'patch-company@example.com' })
  const patched = await app.inject({ method: 'PATCH', url: `/contacts/${ada.id}`, payload: { name: 'Ada', company_id: company.id } })
  t.equal(patched.statusCode, 200)
  t.same(upstream(t, emulator).map((c) => [c.method, c.path, c.body]), [
    ['PUT', `/contacts/${ada.id}`, { name: 'Ada' }],
    ['POST', `/contacts/${ada.id}/companies`, { id: company.id }]
  ])
  emulator.resetRecords()
  const upserted = await app.inject({ method: 'POST', url: '/contacts/upsert', payload: { external_id: 'up-company', company_id: company.id } })
  t.equal(upserted.statusCode, 200)
  t.equal(json(upserted).action, 'created')
  const upsertCalls = upstream(t, emulator)
  t.same(upsertCalls.map((c) => [c.method, c.path, c.body]), [
    ['GET', '/contacts/find_by_external_id/up-company', undefined],
    ['POST', '/contacts', { external_id: 'up-company' }],
    ['POST', `/contacts/${json(upserted).contact.id}/companies`, { id: company.id }]
  ])
  emulator.resetRecords()
  const missing = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'orphan@example.com', company_id: '6762f0dd1bb69f9f2193bb00' } })
  t.equal(missing.statusCode, 422)
  t.equal(json(missing).code, 'FACADE_COMPANY_NOT_ATTACHED')
  const createdId = (emulator.requests[1]?.path ?? '').split('/')[2]
  t.match(json(missing).detail, new RegExp(`^Contact ${createdId} was created, but attaching it to company 6762f0dd1bb69f9f2193bb00 failed \\(attachContactToACompany: Intercom answered 404`))
  t.same(emulator.requests.map((c) => c.operationId), ['CreateContact', 'attachContactToACompany'])
})

test('POST /messages takes created_at (ISO or Unix seconds) and sends Unix seconds', async (t) => {
  const { app, emulator } = await build(t)
  const contact = await seedContact(emulator, { email: 'dated@example.com' })
  const res = await app.inject({ method: 'POST', url: '/messages', payload: { message_type: 'in_app', body: 'Hi', to_contact_id: contact.id, from_admin_id: DEFAULT_ADMIN_ID, created_at: '2024-06-01T12:00:00Z' } })
  t.equal(res.statusCode, 200)
  t.same(upstream(t, emulator).map((c) => c.body), [
    { message_type: 'in_app', body: 'Hi', from: { type: 'admin', id: Number(DEFAULT_ADMIN_ID) }, to: { type: 'user', id: contact.id }, created_at: 1717243200 }
  ])
})

test('search forms take Intercom\'s own pagination object, or top-level per_page/starting_after, not both', async (t) => {
  const { app, emulator } = await build(t)
  await seedContact(emulator, { email: 'page-a@example.com' })
  await seedContact(emulator, { email: 'page-b@example.com' })
  const res = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'email', operator: '~', value: 'page-', pagination: { per_page: 1 } } })
  t.equal(res.statusCode, 200)
  t.equal(json(res).data.length, 1)
  const cursor = json(res).next_cursor
  t.type(cursor, 'string')
  const next = await app.inject({ method: 'POST', url: '/contacts/search', payload: { field: 'email', operator: '~', value: 'page-', pagination: { per_page: 1, starting_after: cursor } } })
  t.equal(next.statusCode, 200)
  const tickets = await app.inject({ method: 'POST', url: '/tickets/search', payload: { filter: "open = true", pagination: { per_page: 5 } } })
  t.equal(tickets.statusCode, 200)
  t.same(upstream(t, emulator).map((c) => [c.path, (c.body as any).pagination]), [
    ['/contacts/search', { per_page: 1 }],
    ['/contacts/search', { per_page: 1, starting_after: cursor }],
    ['/tickets/search', { per_page: 5 }]
  ])
  emulator.resetRecords()
  const both = await app.inject({ method: 'POST', url: '/conversations/search', payload: { filter: "open = true", per_page: 5, pagination: { per_page: 5 } } })
  t.equal(both.statusCode, 400)
  t.same(json(both).errors, [{ field: 'body.pagination', message: 'cannot be combined with per_page or starting_after: give the paging once' }])
  const unknown = await app.inject({ method: 'POST', url: '/contacts/search', payload: { filter: "role = 'user'", pagination: { page: 2 } } })
  t.equal(unknown.statusCode, 400)
  t.equal(json(unknown).errors[0].field, 'body.pagination.page')
  t.equal(emulator.requests.length, 0)
})

tapTest('answers before 2.16 are rewritten to 2.16\'s shapes; 2.16 answers are left as they are', async (t) => {
  t.same(answerFor('2.14', 'contact', { id: 'c', owner_id: 7 }), { id: 'c', owner_id: '7' })
  t.same(answerFor('2.15', 'contact', { type: 'list', data: [{ owner_id: 7 }, { owner_id: null }] }, 'data'), { type: 'list', data: [{ owner_id: '7' }, { owner_id: null }] })
  t.same(answerFor('2.14', 'conversation', { admin_assignee_id: null, team_assignee_id: 5 }), { admin_assignee_id: 0, team_assignee_id: 5 })
  t.same(answerFor('2.15', 'ticket', { admin_assignee_id: '12', team_assignee_id: null }), { admin_assignee_id: 12, team_assignee_id: 0 })
  const newest = { owner_id: 7, admin_assignee_id: null }
  t.equal(answerFor('2.16', 'contact', newest), newest)
  t.same(newest, { owner_id: 7, admin_assignee_id: null }, 'untouched at 2.16')
  t.same(ticketResolutionTopics('2.14'), ['ticket.closed'])
  t.same(ticketResolutionTopics('2.15'), ['ticket.closed', 'ticket.resolved'])
  t.same(ticketResolutionTopics('2.16'), ['ticket.closed', 'ticket.resolved'])
})
