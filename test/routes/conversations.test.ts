import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream } from '../helper.js'
import type { Built } from '../helper.js'

async function withConversation (b: Built): Promise<{ contactId: string, conversationId: string }> {
  const contact = await seedContact(b.emulator, { external_id: 'conv-owner', email: 'owner@example.com' })
  const res = await b.app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: contact.id, body: 'Hello there' } })
  if (res.statusCode !== 200) throw new Error(`createConversation failed: ${res.body}`)
  b.emulator.resetRecords()
  return { contactId: contact.id, conversationId: json(res).conversation_id }
}

test('POST /conversations sends createConversation from the contact', async (t) => {
  const b = await build(t)
  const contact = await seedContact(b.emulator, { email: 'c@example.com' })
  const res = await b.app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: contact.id, body: 'Help!', created_at: '2024-06-01T12:00:00Z' } })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'user_message', body: 'Help!', conversation_id: String })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['POST /conversations'])
  t.same(calls[0].body, { from: { type: 'user', id: contact.id }, body: 'Help!', created_at: 1717243200 })
})

test('POST /conversations refuses a missing body field', async (t) => {
  const b = await build(t)
  const res = await b.app.inject({ method: 'POST', url: '/conversations', payload: { contact_id: 'abc' } })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'body.body', message: 'is required' }])
  t.equal(b.emulator.requests.length, 0)
})

test('GET /conversations/:id passes display_as on to retrieveConversation', async (t) => {
  const b = await build(t)
  const { conversationId } = await withConversation(b)
  const res = await b.app.inject({ method: 'GET', url: `/conversations/${conversationId}?display_as=plaintext` })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'conversation', id: conversationId })
  const calls = upstream(t, b.emulator)
  t.equal(calls[0].method, 'GET')
  t.equal(calls[0].path, `/conversations/${conversationId}`)
  t.same(calls[0].query, { display_as: 'plaintext' })

  const bad = await b.app.inject({ method: 'GET', url: `/conversations/${conversationId}?display_as=html` })
  t.equal(bad.statusCode, 400)
  t.match(json(bad).errors, [{ field: 'querystring.display_as' }])
  t.equal(b.emulator.requests.length, 1, 'the bad call made no upstream request')
})

test('POST /conversations/:id/reply as an admin (comment and note)', async (t) => {
  const b = await build(t)
  const { conversationId } = await withConversation(b)
  const admin = (await (await fetch(`${b.emulator.url}/me`, { headers: { authorization: `Bearer ${b.emulator.token}` } })).json() as { id: string }).id
  b.emulator.resetRecords()
  const res = await b.app.inject({ method: 'POST', url: `/conversations/${conversationId}/reply`, payload: { body: 'Internal', message_type: 'note', admin_id: admin, created_at: 1717243200 } })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'conversation', id: conversationId })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`POST /conversations/${conversationId}/reply`])
  t.same(calls[0].body, { message_type: 'note', type: 'admin', admin_id: admin, body: 'Internal', created_at: 1717243200 })
})

test('POST /conversations/:id/reply as a contact, by id or by email', async (t) => {
  const b = await build(t)
  const { conversationId, contactId } = await withConversation(b)
  const byId = await b.app.inject({ method: 'POST', url: `/conversations/${conversationId}/reply`, payload: { body: 'Any news?', contact_id: contactId } })
  t.equal(byId.statusCode, 200)
  const byEmail = await b.app.inject({ method: 'POST', url: `/conversations/${conversationId}/reply`, payload: { body: 'Hello?', email: 'owner@example.com', attachment_urls: ['https://example.com/a.png'] } })
  t.equal(byEmail.statusCode, 200)
  const calls = upstream(t, b.emulator)
  t.same(calls[0].body, { message_type: 'comment', type: 'user', intercom_user_id: contactId, body: 'Any news?' })
  t.same(calls[1].body, { message_type: 'comment', type: 'user', email: 'owner@example.com', body: 'Hello?', attachment_urls: ['https://example.com/a.png'] })
})

test('POST /conversations/:id/reply with no author uses the token\'s admin, asked once', async (t) => {
  const b = await build(t)
  const { conversationId } = await withConversation(b)
  for (let i = 0; i < 2; i++) {
    const res = await b.app.inject({ method: 'POST', url: `/conversations/${conversationId}/reply`, payload: { body: `Reply ${i}` } })
    t.equal(res.statusCode, 200)
  }
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /me', `POST /conversations/${conversationId}/reply`, `POST /conversations/${conversationId}/reply`])
  t.match(calls[1].body, { type: 'admin', message_type: 'comment', admin_id: String })
})

test('POST /conversations/:id/reply with no author uses INTERCOM_DEFAULT_ADMIN_ID when set', async (t) => {
  const probe = await build(t)
  const admin = (await (await fetch(`${probe.emulator.url}/me`, { headers: { authorization: `Bearer ${probe.emulator.token}` } })).json() as { id: string }).id
  const b = await build(t, { env: { INTERCOM_DEFAULT_ADMIN_ID: admin } })
  const { conversationId } = await withConversation(b)
  const res = await b.app.inject({ method: 'POST', url: `/conversations/${conversationId}/reply`, payload: { body: 'From the default admin' } })
  t.equal(res.statusCode, 200)
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), [`POST /conversations/${conversationId}/reply`], 'no identifyAdmin call')
  t.same(calls[0].body, { message_type: 'comment', type: 'admin', admin_id: admin, body: 'From the default admin' })
})

test('POST /conversations/:id/reply refuses two authors and a contact\'s note', async (t) => {
  const b = await build(t)
  const two = await b.app.inject({ method: 'POST', url: '/conversations/1/reply', payload: { body: 'x', admin_id: '1', email: 'a@b.co' } })
  t.equal(two.statusCode, 400)
  t.match(json(two).errors, [{ field: 'body.email' }])
  const note = await b.app.inject({ method: 'POST', url: '/conversations/1/reply', payload: { body: 'x', message_type: 'note', contact_id: 'abc' } })
  t.equal(note.statusCode, 400)
  t.match(json(note).errors, [{ field: 'body.message_type' }])
  const url = await b.app.inject({ method: 'POST', url: '/conversations/1/reply', payload: { body: 'x', attachment_urls: ['not a url'] } })
  t.equal(url.statusCode, 400)
  t.match(json(url).errors, [{ field: 'body.attachment_urls.0' }])
  t.equal(b.emulator.requests.length, 0)
})
