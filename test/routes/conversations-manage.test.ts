import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream } from '../helper.js'
import type { Built } from '../helper.js'
import { DEFAULT_ADMIN_ID } from '../../src/emulator/store.js'
import { helpdesk } from '../../src/emulator/helpdesk.js'

/** Start `n` conversations (through the facade), then clear the emulator's records. */
async function conversations (b: Built, n: number): Promise<string[]> {
  const contact = await seedContact(b.emulator, { external_id: 'manage-owner', email: 'manage@example.com' })
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const res = await b.app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: contact.id, body: `Question ${i}`, created_at: 1717243200 + i } })
    if (res.statusCode !== 200) throw new Error(`createConversation failed: ${res.body}`)
    ids.push(json(res).conversation_id)
  }
  b.emulator.resetRecords()
  return ids
}

test('GET /conversations lists through listConversations and walks 3 pages with next_cursor', async (t) => {
  const b = await build(t)
  await conversations(b, 5)
  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = cursor === null ? '/conversations?per_page=2' : `/conversations?per_page=2&starting_after=${encodeURIComponent(cursor)}`
    const res = await b.app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200)
    const page = json(res)
    t.equal(page.total_count, 5)
    t.ok(page.data.every((c: any) => c.type === 'conversation' && typeof c.id === 'string'))
    seen.push(...page.data.map((c: any) => c.id))
    cursor = page.next_cursor
    pages++
  } while (cursor !== null && pages < 10)
  t.equal(pages, 3)
  t.same([...seen].sort(), ['1', '2', '3', '4', '5'])
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /conversations', 'GET /conversations', 'GET /conversations'])
  t.same(calls[0].query, { per_page: '2' })
  t.match(calls[1].query, { per_page: '2', starting_after: String })
})

test('GET /conversations?all=true streams every conversation as NDJSON', async (t) => {
  const b = await build(t)
  await conversations(b, 5)
  const res = await b.app.inject({ method: 'GET', url: '/conversations?all=true&per_page=2' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/x-ndjson/)
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 5)
  t.ok(lines.every((c) => c.type === 'conversation'))
  t.equal(upstream(t, b.emulator).length, 3, 'one listConversations call per page')
})

test('GET /conversations refuses per_page out of range and unknown parameters', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'GET', url: '/conversations?per_page=151&sort=x' })
  t.equal(res.statusCode, 400)
  const fields = json(res).errors.map((e: any) => e.field).sort()
  t.same(fields, ['querystring.per_page', 'querystring.sort'])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /conversations/search sends searchConversations for a filter formula', async (t) => {
  const b = await build(t)
  const [first] = await conversations(b, 2)
  const res = await b.app.inject({ method: 'POST', url: '/conversations/search', payload: { filter: `state = 'open' AND id = '${first}'`, per_page: 5 } })
  t.equal(res.statusCode, 200)
  const page = json(res)
  t.same(page.data.map((c: any) => c.id), [first])
  t.equal(page.total_count, 1)
  t.equal(page.next_cursor, null)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['POST /conversations/search'])
  t.same(calls[0].body, {
    query: { operator: 'AND', value: [{ field: 'state', operator: '=', value: 'open' }, { field: 'id', operator: '=', value: first }] },
    pagination: { per_page: 5 }
  })
})

test('POST /conversations/search with the shorthand form, and refuses two forms', async (t) => {
  const b = await build(t)
  await conversations(b, 1)
  const ok = await b.app.inject({ method: 'POST', url: '/conversations/search', payload: { field: 'open', operator: '=', value: true } })
  t.equal(ok.statusCode, 200)
  t.equal(json(ok).total_count, 1)
  t.same(upstream(t, b.emulator)[0].body, { query: { field: 'open', operator: '=', value: true } })
  b.emulator.resetRecords()
  const bad = await b.app.inject({ method: 'POST', url: '/conversations/search', payload: { filter: "state = 'open'", field: 'open', operator: '=', value: true } })
  t.equal(bad.statusCode, 400)
  t.match(json(bad).errors, [{ field: 'body.filter' }])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /conversations/:id/assign sends manageConversation assignment (admin, then team)', async (t) => {
  const b = await build(t)
  const [id] = await conversations(b, 1)
  helpdesk(b.emulator.store).teams.set('5017691', { type: 'team', id: '5017691', name: 'Support', admin_ids: [], admin_priority_level: null })
  const toAdmin = await b.app.inject({ method: 'POST', url: `/conversations/${id}/assign`, payload: { assignee_id: DEFAULT_ADMIN_ID, assignee_type: 'admin', admin_id: DEFAULT_ADMIN_ID, body: 'Yours' } })
  t.equal(toAdmin.statusCode, 200)
  t.match(json(toAdmin), { type: 'conversation', id, admin_assignee_id: Number(DEFAULT_ADMIN_ID) })
  const toTeam = await b.app.inject({ method: 'POST', url: `/conversations/${id}/assign`, payload: { assignee_id: '5017691', assignee_type: 'team' } })
  t.equal(toTeam.statusCode, 200)
  t.match(json(toTeam), { team_assignee_id: 5017691 })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`POST /conversations/${id}/parts`, 'GET /me', `POST /conversations/${id}/parts`])
  t.same(calls[0].body, { message_type: 'assignment', type: 'admin', admin_id: DEFAULT_ADMIN_ID, assignee_id: DEFAULT_ADMIN_ID, body: 'Yours' })
  t.same(calls[2].body, { message_type: 'assignment', type: 'team', admin_id: DEFAULT_ADMIN_ID, assignee_id: '5017691' })
})

test('POST /conversations/:id/assign refuses a bad assignee_type and a missing assignee_id', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'POST', url: '/conversations/1/assign', payload: { assignee_type: 'bot' } })
  t.equal(res.statusCode, 400)
  const fields = json(res).errors.map((e: any) => e.field).sort()
  t.same(fields, ['body.assignee_id', 'body.assignee_type'])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /conversations/:id/close, /snooze and /open send manageConversation', async (t) => {
  const b = await build(t, { env: { INTERCOM_DEFAULT_ADMIN_ID: DEFAULT_ADMIN_ID } })
  const [id] = await conversations(b, 1)
  const closed = await b.app.inject({ method: 'POST', url: `/conversations/${id}/close`, payload: { body: 'Goodbye :)' } })
  t.equal(closed.statusCode, 200)
  t.match(json(closed), { id, state: 'closed', open: false })
  const snoozed = await b.app.inject({ method: 'POST', url: `/conversations/${id}/snooze`, payload: { snoozed_until: '2030-01-01T00:00:00Z' } })
  t.equal(snoozed.statusCode, 200)
  t.match(json(snoozed), { state: 'snoozed', snoozed_until: 1893456000 })
  const opened = await b.app.inject({ method: 'POST', url: `/conversations/${id}/open` })
  t.equal(opened.statusCode, 200)
  t.match(json(opened), { state: 'open', open: true, snoozed_until: null })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), Array(3).fill(`POST /conversations/${id}/parts`))
  t.same(calls[0].body, { message_type: 'close', type: 'admin', admin_id: DEFAULT_ADMIN_ID, body: 'Goodbye :)' })
  t.same(calls[1].body, { message_type: 'snoozed', admin_id: DEFAULT_ADMIN_ID, snoozed_until: 1893456000 })
  t.same(calls[2].body, { message_type: 'open', admin_id: DEFAULT_ADMIN_ID })
})

test('POST /conversations/:id/snooze refuses a missing or bad snoozed_until; /open refuses a body', async (t) => {
  const b = await build(t)
  const missing = await b.app.inject({ method: 'POST', url: '/conversations/1/snooze', payload: {} })
  t.equal(missing.statusCode, 400)
  t.match(json(missing).errors, [{ field: 'body.snoozed_until' }])
  const bad = await b.app.inject({ method: 'POST', url: '/conversations/1/snooze', payload: { snoozed_until: 'tomorrow' } })
  t.equal(bad.statusCode, 400)
  t.match(json(bad).errors, [{ field: 'body.snoozed_until' }])
  const open = await b.app.inject({ method: 'POST', url: '/conversations/1/open', payload: { body: 'Hi again' } })
  t.equal(open.statusCode, 400)
  t.match(json(open).errors, [{ field: 'body.body' }])
  t.equal(b.emulator.requests.length, 0)
})

test('PATCH /conversations/:id sends updateConversation (PUT)', async (t) => {
  const b = await build(t)
  const [id] = await conversations(b, 1)
  const res = await b.app.inject({ method: 'PATCH', url: `/conversations/${id}`, payload: { read: true, title: 'Export', custom_attributes: { issue_type: 'billing' } } })
  t.equal(res.statusCode, 200)
  t.match(json(res), { id, read: true, title: 'Export', custom_attributes: { issue_type: 'billing' } })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`PUT /conversations/${id}`])
  t.same(calls[0].body, { read: true, title: 'Export', custom_attributes: { issue_type: 'billing' } })
})

test('PATCH /conversations/:id refuses an empty body and unknown fields', async (t) => {
  const b = await build(t)
  const empty = await b.app.inject({ method: 'PATCH', url: '/conversations/1', payload: {} })
  t.equal(empty.statusCode, 400)
  const unknown = await b.app.inject({ method: 'PATCH', url: '/conversations/1', payload: { state: 'closed' } })
  t.equal(unknown.statusCode, 400)
  t.match(json(unknown).errors, [{ field: 'body.state' }])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /conversations/:id/tags and DELETE /conversations/:id/tags/:tag_id', async (t) => {
  const b = await build(t)
  const [id] = await conversations(b, 1)
  const tagged = await b.app.inject({ method: 'POST', url: `/conversations/${id}/tags`, payload: { id: '86', admin_id: DEFAULT_ADMIN_ID } })
  t.equal(tagged.statusCode, 200)
  t.match(json(tagged), { type: 'tag', id: '86', applied_by: { type: 'admin', id: DEFAULT_ADMIN_ID } })
  const untagged = await b.app.inject({ method: 'DELETE', url: `/conversations/${id}/tags/86` })
  t.equal(untagged.statusCode, 200)
  t.match(json(untagged), { type: 'tag', id: '86' })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`POST /conversations/${id}/tags`, 'GET /me', `DELETE /conversations/${id}/tags/86`])
  t.same(calls[0].body, { id: '86', admin_id: DEFAULT_ADMIN_ID })
  t.same(calls[2].body, { admin_id: DEFAULT_ADMIN_ID })
})

test('POST /conversations/:id/tags refuses a missing tag id', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'POST', url: '/conversations/1/tags', payload: { admin_id: DEFAULT_ADMIN_ID } })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'body.id' }])
  t.equal(b.emulator.requests.length, 0)
})

test('POST /conversations/search and /tickets/search refuse an operator the field\'s type cannot take, before sending', async (t) => {
  const b = await build(t)
  const conv = await b.app.inject({ method: 'POST', url: '/conversations/search', payload: { filter: "created_at ~ 'x'" } })
  t.equal(conv.statusCode, 400)
  t.match(json(conv).errors, [{ field: 'body.filter', message: /created_at/ }])
  const ticket = await b.app.inject({ method: 'POST', url: '/tickets/search', payload: { field: 'open', operator: '>', value: 1 } })
  t.equal(ticket.statusCode, 400)
  t.match(json(ticket).errors, [{ message: /open/ }])
  t.equal(b.emulator.requests.length, 0)
})
