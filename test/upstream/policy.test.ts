/**
 * The policy end to end: the app over the emulator, with faults. Waits are asserted through the
 * `onRetry` observer (the computed delay), with short real waits (RETRY_BASE_DELAY_MS 10,
 * Retry-After: 0); long `Retry-After` waits are asserted in virtual time in retry-handler.test.ts.
 */
import { Readable } from 'node:stream'
import { test } from 'tap'
import { build, json, seedContact } from '../helper.js'
import { duplicatedWrites } from '../../src/emulator/index.js'

const FAST = { RETRY_BASE_DELAY_MS: '10', RETRY_MAX_DELAY_MS: '5000' }

async function withRetries (t: Parameters<typeof build>[0], opts: Parameters<typeof build>[1] = {}) {
  const built = await build(t, { ...opts, env: { ...FAST, ...opts.env } })
  const retries: Array<{ reason: string, attempt: number, delayMs: number, method: string }> = []
  built.app.intercom.addObserver({ onRetry: (e) => { retries.push(e) } })
  return { ...built, retries }
}

test('a POST refused with 429 is sent again (Intercom did not act on it) and applied once', async (t) => {
  const { app, emulator, retries } = await withRetries(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 429, headers: { 'Retry-After': '0' } })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { external_id: 'once-429' } })
  t.equal(res.statusCode, 200)
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 2)
  t.same(duplicatedWrites(emulator.stats), [])
  t.equal(retries[0].reason, 'status_429')
})

test('a POST that met a 500 after Intercom applied it is sent exactly once: 502, may or may not, request id', async (t) => {
  const { app, emulator, retries } = await withRetries(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 500, applied: true })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { external_id: 'once-500' } })
  t.equal(res.statusCode, 502)
  const p = json(res)
  t.match(p, { code: 'UPSTREAM_ERROR', upstream: { status: 500, request_id: String } })
  t.match(p.detail, /may or may not have been applied/)
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1, 'sent exactly once')
  t.equal(emulator.store.contacts.byExternalId('once-500')?.external_id, 'once-500', 'Intercom did apply it')
  t.same(retries, [])
})

test('a POST whose connection reset after sending is sent exactly once: 502 with the write note', async (t) => {
  const { app, emulator, retries } = await withRetries(t)
  emulator.fault({ method: 'POST', path: '/contacts', reset: true, applied: true })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { external_id: 'once-reset' } })
  t.equal(res.statusCode, 502)
  t.match(json(res), { code: 'UPSTREAM_CONNECTION_RESET', detail: /may or may not have been applied/ })
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1, 'sent exactly once')
  t.same(retries, [])
})

test('a GET that met 500 twice is retried with backoff and succeeds on the third attempt', async (t) => {
  const { app, emulator, retries } = await withRetries(t)
  const c = await seedContact(emulator, { email: 'r3@example.com' })
  emulator.fault({ method: 'GET', status: 500, times: 2 })
  const res = await app.inject({ method: 'GET', url: `/contacts/${c.id}` })
  t.equal(res.statusCode, 200)
  t.equal(emulator.requests.length, 3)
  t.same(retries.map((r) => [r.reason, r.attempt]), [['status_5xx', 1], ['status_5xx', 2]])
  t.ok(retries[0].delayMs < 10 && retries[1].delayMs < 20, 'full-jitter backoff under base·2^(n-1)')
})

test('a GET that keeps failing stops at RETRY_MAX_ATTEMPTS and answers Intercom\'s last error as 502', async (t) => {
  const { app, emulator, retries } = await withRetries(t, { env: { RETRY_MAX_ATTEMPTS: '3' } })
  emulator.fault({ method: 'GET', status: 503, times: Infinity })
  const res = await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.equal(res.statusCode, 502)
  t.match(json(res), { code: 'UPSTREAM_ERROR', upstream: { status: 503, request_id: String } })
  t.equal(emulator.requests.length, 3)
  t.equal(retries.length, 2)
})

test('a PUT and a DELETE whose connection reset after sending are retried (idempotent)', async (t) => {
  const { app, emulator, retries } = await withRetries(t)
  const c = await seedContact(emulator, { email: 'r4@example.com' })
  emulator.fault({ method: 'PUT', reset: true })
  const put = await app.inject({ method: 'PATCH', url: `/contacts/${c.id}`, payload: { name: 'Put Twice' } })
  t.equal(put.statusCode, 200)
  emulator.fault({ method: 'DELETE', reset: true })
  const del = await app.inject({ method: 'DELETE', url: `/contacts/${c.id}` })
  t.equal(del.statusCode, 200)
  t.same(retries.map((r) => [r.method, r.reason]), [['PUT', 'reset'], ['DELETE', 'reset']])
})

test('a timed-out GET is retried', async (t) => {
  const { app, emulator, retries } = await withRetries(t, { env: { UPSTREAM_HEADERS_TIMEOUT_MS: '100' } })
  const c = await seedContact(emulator, { email: 'r5@example.com' })
  emulator.fault({ method: 'GET', delayMs: 2_500 }) // undici's timeouts tick at ~1 s
  const res = await app.inject({ method: 'GET', url: `/contacts/${c.id}` })
  t.equal(res.statusCode, 200)
  t.same(retries.map((r) => r.reason), ['timeout'])
})

test('an unreachable Intercom is retried (nothing was sent), then 503', async (t) => {
  const { app, retries } = await withRetries(t, { env: { INTERCOM_BASE_URL: 'http://127.0.0.1:1', RETRY_MAX_ATTEMPTS: '3' } })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { external_id: 'x' } })
  t.equal(res.statusCode, 503)
  t.same(retries.map((r) => [r.method, r.reason]), [['POST', 'not_connected'], ['POST', 'not_connected']])
})

test('a deadline that runs out mid-flight answers 504', async (t) => {
  const { app, emulator } = await withRetries(t)
  emulator.fault({ method: 'GET', delayMs: 1_500 })
  const res = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { 'x-request-deadline-ms': '200' } })
  t.equal(res.statusCode, 504)
  t.match(json(res), { status: 504, code: 'DEADLINE_EXCEEDED' })
  t.equal(emulator.requests.length, 1)
})

test('a POST past its deadline mid-flight says the write may or may not have been applied', async (t) => {
  const { app, emulator } = await withRetries(t)
  emulator.fault({ method: 'POST', delayMs: 1_500, applied: true })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { external_id: 'late' }, headers: { 'x-request-deadline-ms': '200' } })
  t.equal(res.statusCode, 504)
  t.match(json(res), { code: 'DEADLINE_EXCEEDED', detail: /may or may not have been applied/ })
})

test('a call that cannot start before its deadline gets 429 with Retry-After at once; nothing is sent', async (t) => {
  // The emulator's window is aligned to the minute: stay clear of a boundary, or the budget refills
  // inside the deadline and the call (rightly) goes through.
  if (60_000 - (Date.now() % 60_000) < 5_000) await new Promise((resolve) => setTimeout(resolve, 5_100))
  const { app, emulator } = await withRetries(t, { emulator: { rateLimit: { limit: 2, windowMs: 60_000 } } })
  const c = await seedContact(emulator, { email: 'r6@example.com' })
  emulator.resetRecords()
  const ok1 = await app.inject({ method: 'GET', url: `/contacts/${c.id}` }) // the budget learns: 0 left after this one
  t.equal(ok1.statusCode, 200)
  const seen = emulator.requests.length
  const res = await app.inject({ method: 'GET', url: `/contacts/${c.id}`, headers: { 'x-request-deadline-ms': '500' } })
  t.equal(res.statusCode, 429)
  t.match(json(res), { status: 429, code: 'RATE_BUDGET_EXHAUSTED' })
  t.ok(Number(res.headers['retry-after']) >= 1, `Retry-After: ${res.headers['retry-after']}`)
  t.equal(emulator.requests.length, seen, 'nothing more reached Intercom')
  t.equal(emulator.stats.refused429, 0, 'Intercom refused nothing')
})

test('X-Request-Deadline-Ms is validated', async (t) => {
  const { app, emulator } = await withRetries(t)
  for (const bad of ['0', '-5', 'abc', '1.5', '600001']) {
    const res = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { 'x-request-deadline-ms': bad } })
    t.equal(res.statusCode, 400, bad)
    t.equal(json(res).code, 'FACADE_BAD_DEADLINE')
  }
  t.equal(emulator.requests.length, 0)
})

test('the passthrough is paced too, and a streamed (chunked) body is not retried', async (t) => {
  const { app, emulator, retries } = await withRetries(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 429, headers: { 'Retry-After': '0' } })
  // No content-length: the body is streamed upstream, not buffered (routes/intercom/index.ts).
  const payload = Readable.from([Buffer.from(JSON.stringify({ external_id: 'pt-stream' }))])
  const res = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, payload })
  t.equal(res.statusCode, 429, 'Intercom\'s 429 comes back as is: the streamed body is gone')
  t.equal(emulator.requests.length, 1)
  t.same(retries, [])
  const get = await app.inject({ method: 'GET', url: '/intercom/me' })
  t.equal(get.statusCode, 200)
})

test('observers hear the rate-limit headers under a workspace key that is a hash, never the token', async (t) => {
  const { app, emulator } = await withRetries(t)
  const seen: Array<{ workspace: string, limit: number, remaining: number, resetAt: number }> = []
  app.intercom.addObserver({ onRateLimit: (e) => { seen.push(e) } })
  await app.inject({ method: 'GET', url: '/intercom/me' })
  t.equal(seen.length, 1)
  t.match(seen[0], { workspace: /^[0-9a-f]{16}$/, limit: 10_000, remaining: Number })
  t.notOk(seen[0].workspace.includes(emulator.token.slice(4, 12)))
  t.ok(seen[0].resetAt > Date.now() / 1000 - 1 && seen[0].resetAt < Date.now() / 1000 + 11, 'resetAt is in Unix seconds')
})
