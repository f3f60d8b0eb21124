import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream } from '../helper.js'
import type { Built } from '../helper.js'
import { DEFAULT_ADMIN_ID } from '../../src/emulator/store.js'

/** Create one ticket through the facade for a fresh contact; records cleared. */
async function ticket (b: Built, title = 'Export fails'): Promise<{ ticketId: string, contactId: string }> {
  const contact = await seedContact(b.emulator, { email: `t-${title.length}-${Math.random()}@example.com` })
  const res = await b.app.inject({ method: 'POST', url: '/tickets', payload: { ticket_type_id: '1', contacts: [{ id: contact.id }], ticket_attributes: { _default_title_: title } } })
  if (res.statusCode !== 200) throw new Error(`createTicket failed: ${res.body}`)
  b.emulator.resetRecords()
  return { ticketId: json(res).id, contactId: contact.id }
}

test('POST /tickets sends createTicket and answers the ticket', async (t) => {
  const b = await build(t)
  const contact = await seedContact(b.emulator, { email: 'ticket@example.com' })
  const res = await b.app.inject({
    method: 'POST',
    url: '/tickets',
    payload: { ticket_type_id: '1', contacts: [{ id: contact.id }], ticket_attributes: { _default_title_: 'Export fails', _default_description_: 'Empty CSV' }, created_at: '2024-06-01T12:00:00Z' }
  })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'ticket', id: String, ticket_id: String, ticket_attributes: { _default_title_: 'Export fails' }, ticket_state: { category: 'submitted' }, open: true, created_at: 1717243200 })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['POST /tickets'])
  t.same(calls[0].body, { ticket_type_id: '1', contacts: [{ id: contact.id }], ticket_attributes: { _default_title_: 'Export fails', _default_description_: 'Empty CSV' }, created_at: 1717243200 })
})

test('POST /tickets refuses two contacts, a contact with two keys, and a missing type', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'POST', url: '/tickets', payload: { contacts: [{ id: 'a' }, { id: 'b' }] } })
  t.equal(res.statusCode, 400)
  const fields = json(res).errors.map((e: any) => e.field)
  t.ok(fields.includes('body.ticket_type_id'))
  t.ok(fields.includes('body.contacts'))
  const mixed = await b.app.inject({ method: 'POST', url: '/tickets', payload: { ticket_type_id: '1', contacts: [{ id: 'a', email: 'a@b.co' }] } })
  t.equal(mixed.statusCode, 400)
  t.equal(b.emulator.requests.length, 0)
})

test('GET /tickets/:id sends getTicket', async (t) => {
  const b = await build(t)
  const { ticketId, contactId } = await ticket(b)
  const res = await b.app.inject({ method: 'GET', url: `/tickets/${ticketId}` })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'ticket', id: ticketId, contacts: { contacts: [{ id: contactId }] } })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`GET /tickets/${ticketId}`])
  const missing = await b.app.inject({ method: 'GET', url: '/tickets/999' })
  t.equal(missing.statusCode, 404)
  const bad = await b.app.inject({ method: 'GET', url: '/tickets/a%01b' })
  t.equal(bad.statusCode, 400)
  t.equal(b.emulator.requests.length, 2, 'the bad id made no upstream request')
})

test('PATCH /tickets/:id sends updateTicket (PUT) with Unix seconds and an integer admin_id', async (t) => {
  const b = await build(t)
  const { ticketId } = await ticket(b)
  const res = await b.app.inject({
    method: 'PATCH',
    url: `/tickets/${ticketId}`,
    payload: { ticket_state_id: '2', ticket_attributes: { _default_title_: 'Export fails on big files' }, admin_id: DEFAULT_ADMIN_ID, snoozed_until: '2030-01-01T00:00:00Z', assignee_id: DEFAULT_ADMIN_ID }
  })
  t.equal(res.statusCode, 200)
  t.match(json(res), { id: ticketId, ticket_state: { category: 'in_progress' }, ticket_attributes: { _default_title_: 'Export fails on big files' }, admin_assignee_id: DEFAULT_ADMIN_ID, snoozed_until: 1893456000 })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`PUT /tickets/${ticketId}`])
  t.same(calls[0].body, { ticket_state_id: '2', ticket_attributes: { _default_title_: 'Export fails on big files' }, admin_id: Number(DEFAULT_ADMIN_ID), snoozed_until: 1893456000, assignee_id: DEFAULT_ADMIN_ID })
})

test('PATCH /tickets/:id refuses an empty body and a string for open', async (t) => {
  const b = await build(t)
  const empty = await b.app.inject({ method: 'PATCH', url: '/tickets/1', payload: {} })
  t.equal(empty.statusCode, 400)
  const bad = await b.app.inject({ method: 'PATCH', url: '/tickets/1', payload: { open: 'no' } })
  t.equal(bad.statusCode, 400)
  t.match(json(bad).errors, [{ field: 'body.open' }])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /tickets/search sends searchTickets for a formula and pages with next_cursor', async (t) => {
  const b = await build(t)
  await ticket(b, 'Export fails')
  await ticket(b, 'Export slow')
  await ticket(b, 'Login broken')
  const first = await b.app.inject({ method: 'POST', url: '/tickets/search', payload: { filter: "title ~ 'Export' AND open = true", per_page: 1, sort_field: 'created_at', sort_order: 'ascending' } })
  t.equal(first.statusCode, 200)
  const page1 = json(first)
  t.equal(page1.total_count, 2)
  t.equal(page1.data.length, 1)
  t.type(page1.next_cursor, 'string')
  const second = await b.app.inject({ method: 'POST', url: '/tickets/search', payload: { filter: "title ~ 'Export' AND open = true", per_page: 1, starting_after: page1.next_cursor, sort_field: 'created_at', sort_order: 'ascending' } })
  const page2 = json(second)
  t.equal(page2.data.length, 1)
  t.equal(page2.next_cursor, null)
  t.not(page2.data[0].id, page1.data[0].id)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['POST /tickets/search', 'POST /tickets/search'])
  t.same(calls[0].body, {
    query: { operator: 'AND', value: [{ field: 'title', operator: '~', value: 'Export' }, { field: 'open', operator: '=', value: true }] },
    pagination: { per_page: 1 },
    sort: { field: 'created_at', order: 'ascending' }
  })
})

test('POST /tickets/search refuses a formula that does not parse, with its position', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'POST', url: '/tickets/search', payload: { filter: "title ~ 'Export' AND" } })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'body.filter', message: /position|column|at \d+|\d+/ }])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /tickets/:id/reply as an admin (note) and as the contact; default admin when none', async (t) => {
  const b = await build(t)
  const { ticketId, contactId } = await ticket(b)
  const note = await b.app.inject({ method: 'POST', url: `/tickets/${ticketId}/reply`, payload: { body: 'Looking', message_type: 'note', admin_id: DEFAULT_ADMIN_ID } })
  t.equal(note.statusCode, 200)
  t.match(json(note), { type: 'ticket_part', part_type: 'note', author: { type: 'admin', id: DEFAULT_ADMIN_ID } })
  const contact = await b.app.inject({ method: 'POST', url: `/tickets/${ticketId}/reply`, payload: { body: 'Any news?', contact_id: contactId } })
  t.equal(contact.statusCode, 200)
  t.match(json(contact), { type: 'ticket_part', part_type: 'comment', author: { id: contactId } })
  const byDefault = await b.app.inject({ method: 'POST', url: `/tickets/${ticketId}/reply`, payload: { body: 'Fixed' } })
  t.equal(byDefault.statusCode, 200)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`POST /tickets/${ticketId}/reply`, `POST /tickets/${ticketId}/reply`, 'GET /me', `POST /tickets/${ticketId}/reply`])
  t.same(calls[0].body, { message_type: 'note', type: 'admin', admin_id: DEFAULT_ADMIN_ID, body: 'Looking' })
  t.same(calls[1].body, { message_type: 'comment', type: 'user', intercom_user_id: contactId, body: 'Any news?' })
  t.same(calls[3].body, { message_type: 'comment', type: 'admin', admin_id: DEFAULT_ADMIN_ID, body: 'Fixed' })
})

test('POST /tickets/:id/reply refuses two authors', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'POST', url: '/tickets/1/reply', payload: { body: 'x', admin_id: '1', contact_id: 'abc' } })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'body.contact_id' }])
  t.equal(b.emulator.requests.length, 0)
})
