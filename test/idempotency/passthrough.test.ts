/**
 * Idempotency-Key on the passthrough: a streamed answer (over the forward buffer) is kept as it
 * streams and replayed; one over IDEMPOTENCY_MAX_ANSWER_BYTES is not kept and its replay says so
 * (409, never a second write); a streamed request body cannot carry a key (400 naming the header).
 */
import t from 'tap'
import { build, json } from '../helper.js'
import type { Emulator } from '../../src/emulator/index.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

function seed (emulator: Emulator, n: number): void {
  for (let i = 0; i < n; i++) emulator.store.createContact({ role: 'user', external_id: `s-${i}`, email: `s-${i}@example.com`, name: `Seeded contact number ${i}` })
  emulator.resetRecords()
}

const search = { query: { field: 'role', operator: '=', value: 'user' }, pagination: { per_page: 150 } }

t.test('a streamed passthrough answer is kept while it streams, and replayed byte for byte', async (t) => {
  const { app, emulator } = await build(t)
  seed(emulator, 120)
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'big-1' }
  const first = await app.inject({ method: 'POST', url: '/intercom/contacts/search', headers, payload: search })
  t.equal(first.statusCode, 200)
  t.ok(first.rawPayload.length > 64 * 1024, `the answer (${first.rawPayload.length} bytes) is over the 64 KB forward buffer: a stream`)
  const again = await app.inject({ method: 'POST', url: '/intercom/contacts/search', headers, payload: search })
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.rawPayload, first.rawPayload)
  t.equal(emulator.requests.length, 1, 'one upstream call')
})

t.test('an answer over IDEMPOTENCY_MAX_ANSWER_BYTES is not kept: its replay is 409 IDEMPOTENCY_ANSWER_NOT_STORED, and nothing is resent', async (t) => {
  const { app, emulator } = await build(t, { env: { IDEMPOTENCY_MAX_ANSWER_BYTES: '65536' } })
  seed(emulator, 120)
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'big-2', 'x-request-id': 'big-first' }
  const first = await app.inject({ method: 'POST', url: '/intercom/contacts/search', headers, payload: search })
  t.equal(first.statusCode, 200)
  const again = await app.inject({ method: 'POST', url: '/intercom/contacts/search', headers, payload: search })
  t.equal(again.statusCode, 409)
  t.equal(json(again).code, 'IDEMPOTENCY_ANSWER_NOT_STORED')
  t.match(json(again).detail, /answered 200, X-Request-Id big-first/)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.notOk(again.headers['retry-after'], 'not a "retry later"')
  t.equal(emulator.requests.length, 1)
})

t.test('a streamed request body (over the passthrough\'s buffered size) cannot carry a key', async (t) => {
  const { app, emulator } = await build(t)
  const payload = JSON.stringify({ role: 'user', external_id: 'big-body', custom_attributes: { blob: 'x'.repeat(70 * 1024) } })
  const res = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': 'stream-body' }, payload })
  t.equal(res.statusCode, 400)
  t.match(json(res).errors, [{ field: 'headers.idempotency-key' }])
  t.equal(emulator.requests.length, 0, 'nothing sent')
})

t.test('an Intercom 5xx answered verbatim to a passthrough write is a doubt: replayed, not resent', async (t) => {
  const { app, emulator } = await build(t, { env: { RETRY_MAX_ATTEMPTS: '1' } })
  emulator.fault({ method: 'POST', path: '/contacts', status: 500, applied: true })
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'pt-500' }
  const first = await app.inject({ method: 'POST', url: '/intercom/contacts', headers, payload: { role: 'user', external_id: 'pt-500' } })
  t.equal(first.statusCode, 500)
  const again = await app.inject({ method: 'POST', url: '/intercom/contacts', headers, payload: { role: 'user', external_id: 'pt-500' } })
  t.equal(again.statusCode, 500)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1)
})
