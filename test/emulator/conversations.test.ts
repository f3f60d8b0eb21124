import { test } from 'tap'
import { SEED_IDS } from '../../src/emulator/index.js'
import { harness, isErrorList } from './helpers.js'

// ---- conversations ----

test('createConversation → retrieve → admin reply → contact reply', async (t) => {
  const { call, emulator } = await harness(t)
  const contact = (await call('POST', '/contacts', { external_id: 'conv-user', email: 'conv@example.com', name: 'Conv User' })).body
  const adminId = emulator.store.me().id

  const created = await call('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'Hello there' })
  t.equal(created.status, 200)
  t.match(created.body, { type: 'user_message', id: /^\d+$/, created_at: Number, body: 'Hello there', message_type: 'inapp', conversation_id: /^\d+$/ })
  const conversationId = created.body.conversation_id

  const got = await call('GET', `/conversations/${conversationId}`)
  t.equal(got.status, 200)
  t.match(got.body, {
    type: 'conversation',
    id: conversationId,
    created_at: created.body.created_at,
    updated_at: Number,
    waiting_since: created.body.created_at,
    source: {
      type: 'conversation',
      id: created.body.id,
      delivered_as: 'customer_initiated',
      body: '<p>Hello there</p>',
      author: { type: 'user', id: contact.id, name: 'Conv User', email: 'conv@example.com' }
    },
    contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: contact.id, external_id: 'conv-user' }] },
    teammates: { type: 'admin.list', teammates: [] },
    title: null,
    admin_assignee_id: null,
    team_assignee_id: null,
    open: true,
    state: 'open',
    read: false,
    tags: { type: 'tag.list', tags: [] },
    priority: 'not_priority',
    statistics: { type: 'conversation_statistics' },
    custom_attributes: {},
    conversation_parts: { type: 'conversation_part.list', conversation_parts: [], total_count: 0 }
  })

  const adminReply = await call('POST', `/conversations/${conversationId}/reply`, {
    message_type: 'comment', type: 'admin', admin_id: adminId, body: 'Hi! How can I help?', attachment_urls: ['https://example.com/files/guide.pdf']
  })
  t.equal(adminReply.status, 200)
  t.equal(adminReply.body.conversation_parts.total_count, 1)
  t.match(adminReply.body.conversation_parts.conversation_parts[0], {
    type: 'conversation_part',
    id: /^\d+$/,
    part_type: 'comment',
    body: '<p>Hi! How can I help?</p>',
    author: { type: 'admin', id: adminId, name: 'Emulator Admin', email: 'admin@emulator.example' },
    attachments: [{ type: 'upload', name: 'guide.pdf', url: 'https://example.com/files/guide.pdf', content_type: 'application/pdf' }],
    redacted: false
  })
  t.equal(adminReply.body.waiting_since, null, 'an admin comment ends the wait')
  t.same(adminReply.body.teammates, { type: 'admin.list', teammates: [{ type: 'admin', id: adminId }] })

  const note = await call('POST', `/conversations/${conversationId}/reply`, { message_type: 'note', type: 'admin', admin_id: adminId, body: '<b>internal</b>' })
  t.equal(note.body.conversation_parts.conversation_parts[1].part_type, 'note')
  t.equal(note.body.conversation_parts.conversation_parts[1].body, '<b>internal</b>', 'HTML is kept')

  const byId = await call('POST', `/conversations/${conversationId}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: contact.id, body: 'Thanks' })
  t.equal(byId.status, 200)
  const byExternal = await call('POST', `/conversations/${conversationId}/reply`, { message_type: 'comment', type: 'user', user_id: 'conv-user', body: 'Again' })
  const byEmail = await call('POST', `/conversations/${conversationId}/reply`, { message_type: 'comment', type: 'user', email: 'conv@example.com', body: 'And again', created_at: 1700000000 })
  t.equal(byExternal.status, 200)
  t.equal(byEmail.status, 200)
  const parts = byEmail.body.conversation_parts.conversation_parts
  t.equal(byEmail.body.conversation_parts.total_count, 5)
  t.same(parts.map((p: any) => [p.part_type, p.author.type]), [
    ['comment', 'admin'], ['note', 'admin'], ['comment', 'user'], ['comment', 'user'], ['comment', 'user']
  ])
  t.equal(parts[4].created_at, 1700000000, 'created_at is taken from the request')
  t.same(parts[2].author, { id: contact.id, type: 'user', name: 'Conv User', email: 'conv@example.com' })
  t.ok(byEmail.body.waiting_since !== null, 'a contact reply starts waiting')

  const plain = await call('GET', `/conversations/${conversationId}?display_as=plaintext&include_translations=true`)
  t.equal(plain.body.source.body, 'Hello there')
  t.same(emulator.violations, [])
})

test('a contact reply reopens a closed conversation (part_type open)', async (t) => {
  const { call, emulator } = await harness(t, { seed: true })
  emulator.store.conversations.get(SEED_IDS.conversation)!.state = 'closed'
  const res = await call('POST', `/conversations/${SEED_IDS.conversation}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: SEED_IDS.ada, body: 'Me again' })
  t.equal(res.status, 200)
  t.match(res.body, { state: 'open', open: true })
  const last = res.body.conversation_parts.conversation_parts.at(-1)
  t.match(last, { part_type: 'open', state: 'open', author: { type: 'user', id: SEED_IDS.ada } })
  t.equal(res.body.statistics.count_reopens, 1)
  const lastReply = await call('POST', '/conversations/last/reply', { message_type: 'comment', type: 'user', intercom_user_id: SEED_IDS.ada, body: 'Last' })
  t.equal(lastReply.status, 200, "'last' replies to the contact's latest conversation")
  t.equal(lastReply.body.id, SEED_IDS.conversation)
})

test('the seeded conversation has a source and an admin reply', async (t) => {
  const { call } = await harness(t, { seed: true })
  const res = await call('GET', `/conversations/${SEED_IDS.conversation}`)
  t.equal(res.status, 200)
  t.match(res.body.source.author, { type: 'user', id: SEED_IDS.ada })
  t.match(res.body.conversation_parts.conversation_parts, [{ part_type: 'comment', author: { type: 'admin', name: 'Sandbox Admin' } }])
  t.same(res.body.contacts.contacts, [{ type: 'contact', id: SEED_IDS.ada, external_id: 'user-ada' }])
})

test('conversation errors: unknown contact, conversation, admin', async (t) => {
  const { call, emulator } = await harness(t)
  const contact = (await call('POST', '/contacts', { email: 'e@example.com' })).body

  const noContact = await call('POST', '/conversations', { from: { type: 'user', id: '6762f11b1bb69f9f2193bba3' }, body: 'Hi' })
  t.equal(noContact.status, 404)
  t.ok(isErrorList(noContact.body, 'not_found'))
  t.equal(noContact.body.errors[0].message, 'User Not Found')

  const noConversation = await call('GET', '/conversations/999999')
  t.equal(noConversation.status, 404)
  t.equal(noConversation.body.errors[0].message, 'Resource Not Found')
  t.equal((await call('POST', '/conversations/999999/reply', { message_type: 'comment', type: 'admin', admin_id: '991267460', body: 'x' })).status, 404)

  const conv = (await call('POST', '/conversations', { from: { type: 'contact', id: contact.id }, body: 'Hi' })).body
  const noAdmin = await call('POST', `/conversations/${conv.conversation_id}/reply`, { message_type: 'comment', type: 'admin', admin_id: '1', body: 'x' })
  t.equal(noAdmin.status, 404)
  const noUser = await call('POST', `/conversations/${conv.conversation_id}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: '6762f11b1bb69f9f2193bba3', body: 'x' })
  t.equal(noUser.status, 404)
  t.equal(noUser.body.errors[0].message, 'User Not Found')
  const noBody = await call('POST', `/conversations/${conv.conversation_id}/reply`, { message_type: 'comment', type: 'admin', admin_id: '991267460' })
  t.equal(noBody.status, 400)
  t.equal(noBody.body.errors[0].message, 'Body is required')
  t.same(emulator.violations, [])
})

// ---- OpenAPI request validation and the spec patch ----

test('a spec violation is a 400 parameter_invalid and one violations entry', async (t) => {
  const { call, emulator } = await harness(t)
  const contact = (await call('POST', '/contacts', { email: 'v@example.com' })).body
  t.match(contact.id, /^[0-9a-f]{24}$/)

  const robot = await call('POST', '/conversations', { from: { type: 'robot', id: contact.id }, body: 'beep' })
  t.equal(robot.status, 400)
  t.ok(isErrorList(robot.body, 'parameter_invalid'))
  t.match(robot.body.errors[0].message, /from\.type/)
  t.equal(emulator.violations.length, 1)
  t.match(emulator.violations[0], { method: 'POST', path: '/conversations', operationId: 'createConversation', errors: [{ instancePath: '/requestBody/from/type' }] })
  t.equal(emulator.store.conversations.size, 0, 'nothing was created')

  const ok = await call('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'hello' })
  t.equal(ok.status, 200, 'a 24-hex from.id passes although the spec says format: uuid (spec patch)')
  t.equal(emulator.violations.length, 1)
})

test('formats are checked (ajv-formats), path/query types are checked, headers are not', async (t) => {
  const { call, emulator } = await harness(t)
  const contact = (await call('POST', '/contacts', { email: 'f@example.com' })).body
  const conv = (await call('POST', '/conversations', { from: { type: 'user', id: contact.id }, body: 'hi' })).body
  const badUri = await call('POST', `/conversations/${conv.conversation_id}/reply`, {
    message_type: 'comment', type: 'admin', admin_id: '991267460', body: 'x', attachment_urls: ['not a uri']
  })
  t.equal(badUri.status, 400, 'format: uri enforced')
  t.equal((await call('GET', '/conversations/abc')).status, 400, 'conversation_id is an integer in the spec')
  t.equal((await call('GET', `/conversations/${conv.conversation_id}?include_translations=maybe`)).status, 400)
  t.equal((await call('GET', `/conversations/${conv.conversation_id}?unknown=1`)).status, 400, 'undeclared query parameter')
  t.equal(emulator.violations.length, 4)
  const headers = await call('GET', '/me', undefined, { headers: { 'x-unknown': 'banana', 'intercom-version': 'Unstable' } })
  t.equal(headers.status, 200, 'headers other than content-type and Intercom-Version are not validated')
  const version = await call('GET', '/me', undefined, { headers: { 'intercom-version': 'banana' } })
  t.equal(version.status, 400, 'an Intercom-Version Intercom does not have is refused, as Intercom does')
  t.ok(isErrorList(version.body, 'intercom_version_invalid'))
  t.equal(emulator.violations.length, 4, 'a version refusal is not a spec violation')
})

test('validate: false lets violations through to the handlers', async (t) => {
  const { call, emulator } = await harness(t, { validate: false })
  const res = await call('GET', '/conversations/abc')
  t.equal(res.status, 404)
  t.same(emulator.violations, [])
})
