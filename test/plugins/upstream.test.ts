/**
 * src/plugins/upstream.ts: the default admin (`identifyAdmin`, GET /me) is work shared between
 * requests, asked once under its own deadline; each caller waits for it under theirs.
 */
import { test } from 'tap'
import { build, json, seedContact, upstream } from '../helper.js'
import { DEFAULT_ADMIN_ID } from '../../src/emulator/store.js'

test('a caller with a 50 ms deadline does not make concurrent replies of other callers fail', async (t) => {
  const b = await build(t)
  const contact = await seedContact(b.emulator, { email: 'shared@example.com' })
  b.emulator.fault({ method: 'GET', path: '/me', delayMs: 300 }) // the lookup outlasts the short deadline
  const payload = { message_type: 'in_app', body: 'Hello', to_contact_id: contact.id }
  const [hasty, patient1, patient2] = await Promise.all([
    b.app.inject({ method: 'POST', url: '/messages', payload, headers: { 'x-request-deadline-ms': '50' } }),
    b.app.inject({ method: 'POST', url: '/messages', payload }),
    b.app.inject({ method: 'POST', url: '/messages', payload, headers: { 'intercom-version': '2.15' } })
  ])
  t.equal(hasty.statusCode, 504, 'the hasty caller gets its own deadline')
  t.equal(json(hasty).code, 'DEADLINE_EXCEEDED')
  t.equal(patient1.statusCode, 200, 'the others are answered')
  t.equal(patient2.statusCode, 200)
  t.match(json(patient1), { owner: { type: 'admin', id: DEFAULT_ADMIN_ID } })
  const calls = upstream(t, b.emulator)
  const me = calls.filter((c) => c.path === '/me')
  t.equal(me.length, 1, 'GET /me asked once for everyone')
  t.equal(me[0].headers['intercom-version'], b.config.intercom.version, 'under the configured Intercom-Version, not a caller\'s')
  t.equal(calls.filter((c) => c.method === 'POST').length, 2, 'the hasty caller\'s message was never sent')
})

test('a failed default-admin lookup is asked again by the next caller', async (t) => {
  const b = await build(t, { env: { RETRY_MAX_ATTEMPTS: '1' } })
  const contact = await seedContact(b.emulator, { email: 'again@example.com' })
  b.emulator.fault({ method: 'GET', path: '/me', status: 500 })
  const payload = { message_type: 'in_app', body: 'Hello', to_contact_id: contact.id }
  const first = await b.app.inject({ method: 'POST', url: '/messages', payload })
  t.equal(first.statusCode, 502, first.body)
  const second = await b.app.inject({ method: 'POST', url: '/messages', payload })
  t.equal(second.statusCode, 200)
  t.equal(upstream(t, b.emulator).filter((c) => c.path === '/me').length, 2)
})
