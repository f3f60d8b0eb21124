import { matrixTest as test } from '../helper.js'
import { build, json, seedContact } from '../helper.js'

test('Intercom 404 keeps its status, with Intercom\'s errors and request id', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99' })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const p = json(res)
  t.match(p, { status: 404, title: 'Not Found', instance: '/contacts/6762f0dd1bb69f9f2193bb99', upstream: { status: 404, request_id: String, errors: [{ code: 'not_found' }] } })
  t.match(p.type, /^urn:/)
})

test('Intercom 409 keeps its status', async (t) => {
  const { app, emulator } = await build(t)
  await seedContact(emulator, { external_id: 'dup-1', email: 'dup@example.com' })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { external_id: 'dup-1' } })
  t.equal(res.statusCode, 409)
  t.match(json(res), { status: 409, code: 'UPSTREAM_CONFLICT', upstream: { errors: [{ code: 'conflict', message: /already exists with id=/ }] } })
})

test('Intercom 401 (a bad token) keeps its status', async (t) => {
  const { app } = await build(t, { env: { INTERCOM_ACCESS_TOKEN: 'wrong-token' } })
  const res = await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.equal(res.statusCode, 401)
  t.match(json(res), { status: 401, upstream: { status: 401, errors: [{ code: 'unauthorized' }] } })
})

test('Intercom 422 keeps its status', async (t) => {
  const { app, emulator } = await build(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 422, code: 'parameter_invalid', message: 'email is invalid' })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'a@b.co' } })
  t.equal(res.statusCode, 422)
  t.match(json(res), { status: 422, code: 'UPSTREAM_UNPROCESSABLE', upstream: { errors: [{ code: 'parameter_invalid', message: 'email is invalid' }] } })
})

test('Intercom 500 becomes 502; a failed POST says the write may have been applied, and is sent once', async (t) => {
  const { app, emulator } = await build(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 500 })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'a@b.co' } })
  t.equal(res.statusCode, 502)
  const p = json(res)
  t.match(p, { status: 502, code: 'UPSTREAM_ERROR', upstream: { status: 500, request_id: String } })
  t.match(p.detail, /may or may not have been applied/)
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1, 'the POST was sent exactly once')
})

test('no answer in time becomes 504', async (t) => {
  // One attempt only: a timed-out GET is otherwise retried (test/upstream/retry-table.test.ts).
  const { app, emulator } = await build(t, { env: { UPSTREAM_HEADERS_TIMEOUT_MS: '100', RETRY_MAX_ATTEMPTS: '1' } })
  // undici checks timeouts on a ~1 s tick, so the delay must clear that.
  emulator.fault({ method: 'GET', delayMs: 2_500 })
  const res = await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.equal(res.statusCode, 504)
  t.match(json(res), { status: 504, code: 'UPSTREAM_TIMEOUT' })
})

test('a reset after sending becomes 502', async (t) => {
  // One attempt only: a reset GET is otherwise retried (test/upstream/retry-table.test.ts).
  const { app, emulator } = await build(t, { env: { RETRY_MAX_ATTEMPTS: '1' } })
  emulator.fault({ method: 'GET', reset: true })
  const res = await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.equal(res.statusCode, 502)
  t.match(json(res), { status: 502, code: 'UPSTREAM_CONNECTION_RESET' })
})

test('an unreachable Intercom becomes 503 with Retry-After', async (t) => {
  const { app } = await build(t, { env: { INTERCOM_BASE_URL: 'http://127.0.0.1:1' } })
  const res = await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '1')
  t.match(json(res), { status: 503, code: 'UPSTREAM_UNAVAILABLE' })
})

test('the service\'s own errors are problem details too', async (t) => {
  const { app, emulator } = await build(t)
  const notFound = await app.inject({ method: 'GET', url: '/nope' })
  t.equal(notFound.statusCode, 404)
  t.match(json(notFound), { status: 404, code: 'FACADE_ROUTE_NOT_FOUND', instance: '/nope' })
  const malformed = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'application/json' }, payload: '{"email":' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.headers['content-type'], /problem\+json/)
  const wrongType = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'text/csv' }, payload: 'a,b' })
  t.equal(wrongType.statusCode, 415)
  const badVersion = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { 'intercom-version': 'latest\r\nx' } })
  t.equal(badVersion.statusCode, 400)
  t.equal(json(badVersion).code, 'FACADE_BAD_INTERCOM_VERSION')
  t.equal(emulator.requests.length, 0)
})

test('a caller\'s Intercom-Version is sent for that request only', async (t, v) => {
  const { app, emulator } = await build(t)
  await app.inject({ method: 'GET', url: '/contacts/abc', headers: { 'intercom-version': '2.15' } })
  await app.inject({ method: 'GET', url: '/contacts/abc' })
  t.same(emulator.requests.map((r) => r.headers['intercom-version']), ['2.15', v])
})

test('an unsafe X-Request-Id is replaced by a fresh one', async (t) => {
  const { app, emulator } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/contacts/abc', headers: { 'x-request-id': 'bad id with spaces' } })
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.equal(emulator.requests[0].headers['x-request-id'], res.headers['x-request-id'])
})
