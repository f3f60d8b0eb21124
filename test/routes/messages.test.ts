import { matrixTest as test } from '../helper.js'
import { build, json, seedContact, upstream } from '../helper.js'
import { DEFAULT_ADMIN_ID } from '../../src/emulator/store.js'

test('POST /messages sends createMessage for an in-app message from the default admin', async (t) => {
  const b = await build(t)
  const contact = await seedContact(b.emulator, { email: 'msg@example.com' })
  const res = await b.app.inject({ method: 'POST', url: '/messages', payload: { message_type: 'in_app', body: 'Your export is ready.', to_contact_id: contact.id } })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'admin_message', id: String, body: 'Your export is ready.', message_type: 'inapp', owner: { type: 'admin', id: DEFAULT_ADMIN_ID } })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['GET /me', 'POST /messages'])
  t.same(calls[1].body, { message_type: 'in_app', body: 'Your export is ready.', from: { type: 'admin', id: Number(DEFAULT_ADMIN_ID) }, to: { type: 'user', id: contact.id } })
})

test('POST /messages sends an email to a lead with subject and the default template', async (t) => {
  const b = await build(t)
  const lead = await seedContact(b.emulator, { role: 'lead', email: 'lead@example.com' })
  const res = await b.app.inject({ method: 'POST', url: '/messages', payload: { message_type: 'email', subject: 'Hello', body: '<p>Hi</p>', from_admin_id: DEFAULT_ADMIN_ID, to_contact_id: lead.id, to_type: 'lead' } })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'admin_message', subject: 'Hello', message_type: 'email' })
  const calls = upstream(t, b.emulator)
  t.same(calls.map((c) => `${c.method} ${c.path}`), ['POST /messages'])
  t.same(calls[0].body, { message_type: 'email', subject: 'Hello', body: '<p>Hi</p>', template: 'plain', from: { type: 'admin', id: Number(DEFAULT_ADMIN_ID) }, to: { type: 'lead', id: lead.id } })
})

test('POST /messages refuses an email without subject, and a bad message_type, before sending', async (t) => {
  const b = await build(t)
  const noSubject = await b.app.inject({ method: 'POST', url: '/messages', payload: { message_type: 'email', body: 'Hi', to_contact_id: 'abc' } })
  t.equal(noSubject.statusCode, 400)
  t.same(json(noSubject).errors, [{ field: 'body.subject', message: 'is required for an email' }])
  const badType = await b.app.inject({ method: 'POST', url: '/messages', payload: { message_type: 'sms', body: 'Hi', to_contact_id: 'abc', cc: 'x' } })
  t.equal(badType.statusCode, 400)
  const fields = json(badType).errors.map((e: any) => e.field).sort()
  t.same(fields, ['body.cc', 'body.message_type'])
  t.equal(b.emulator.requests.length, 0)
})
