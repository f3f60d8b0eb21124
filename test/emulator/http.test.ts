import { test } from 'tap'
import { harness, isErrorList } from './helpers.js'

// ---- auth, headers, records, routing, rate limit ----

test('auth: missing or wrong Bearer token is 401 with Intercom error list', async (t) => {
  const { call, emulator } = await harness(t, { token: 'secret-token' })
  t.equal(emulator.token, 'secret-token')
  for (const auth of [false, 'wrong'] as const) {
    const res = await call('GET', '/me', undefined, { auth })
    t.equal(res.status, 401)
    t.ok(isErrorList(res.body, 'unauthorized'))
    t.same(res.body.errors, [{ code: 'unauthorized', message: 'Access Token Invalid' }])
    t.equal(res.headers.get('x-request-id'), res.body.request_id, 'the body request_id is the x-request-id header')
  }
  const basic = await call('GET', '/me', undefined, { auth: false, headers: { authorization: 'Basic c2VjcmV0LXRva2Vu' } })
  t.equal(basic.status, 401)
  t.equal(emulator.requests.length, 3, 'rejected requests are recorded too')
  t.equal(emulator.requests[0].operationId, 'identifyAdmin')
})

test('a random token is generated and accepted', async (t) => {
  const { call, emulator } = await harness(t)
  t.ok(emulator.token.length >= 20)
  t.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const res = await call('GET', '/me')
  t.equal(res.status, 200)
})

test('GET /me: default admin, and the seeded Sandbox Admin', async (t) => {
  const plain = await harness(t)
  const me = await plain.call('GET', '/me')
  t.equal(me.status, 200)
  t.match(me.body, { type: 'admin', id: '991267460', email_verified: true, app: { type: 'app', id_code: String, region: 'US' }, has_inbox_seat: true })
  t.match(me.headers.get('content-type'), /^application\/json/)

  const seeded = await harness(t, { seed: true })
  const me2 = await seeded.call('GET', '/me')
  t.match(me2.body, { type: 'admin', id: '991267460', name: 'Sandbox Admin', email: 'admin@sandbox.example' })
  t.equal(seeded.emulator.store.contacts.size, 3)
  t.equal(seeded.emulator.store.conversations.size, 1)
})

test('every answer has rate-limit headers and a fresh x-request-id', async (t) => {
  const { call } = await harness(t)
  const a = await call('GET', '/me')
  const b = await call('GET', '/nope')
  const c = await call('GET', '/me', undefined, { auth: false })
  for (const res of [a, b, c]) {
    t.equal(res.headers.get('x-ratelimit-limit'), '10000')
    t.match(res.headers.get('x-ratelimit-remaining'), /^\d+$/)
    const reset = Number(res.headers.get('x-ratelimit-reset'))
    const now = Date.now() / 1000
    t.ok(reset >= now && reset <= now + 11, 'reset is the end of the current window, in Unix seconds')
    t.match(res.headers.get('x-request-id'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  }
  t.not(a.headers.get('x-request-id'), b.headers.get('x-request-id'))
  t.equal(Number(a.headers.get('x-ratelimit-remaining')) - 1, Number(b.headers.get('x-ratelimit-remaining')))
})

test('rate limit exceeded: 429 rate_limit_exceeded, counted, until the window ends', async (t) => {
  const { call } = await harness(t, { rateLimit: { limit: 2, windowMs: 60_000 } })
  // Stay clear of a window boundary so the three calls share one window.
  if (60_000 - (Date.now() % 60_000) < 2000) await new Promise((resolve) => setTimeout(resolve, 2100))
  t.equal((await call('GET', '/me')).status, 200)
  const second = await call('GET', '/me')
  t.equal(second.status, 200)
  t.equal(second.headers.get('x-ratelimit-remaining'), '0')
  const third = await call('GET', '/me')
  t.equal(third.status, 429)
  t.ok(isErrorList(third.body, 'rate_limit_exceeded'))
  t.same(third.body.errors, [{ code: 'rate_limit_exceeded', message: 'You have exceeded the rate limit. Please try again later.' }])
  t.equal(third.headers.get('x-ratelimit-limit'), '2')
  t.equal(third.headers.get('x-ratelimit-remaining'), '0')
  t.equal(Number(third.headers.get('x-ratelimit-reset')), Math.ceil((Math.floor(Date.now() / 60_000) + 1) * 60))

  const short = await harness(t, { rateLimit: { limit: 1, windowMs: 250 } })
  let limited = false
  for (let i = 0; i < 5 && !limited; i++) limited = (await short.call('GET', '/me')).status === 429
  t.ok(limited, 'the limit is reached')
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal((await short.call('GET', '/me')).status, 200, 'the next window starts afresh')
})

test('unknown routes are 404 error lists; a specified operation without a handler answers, never 404', async (t) => {
  const { call, emulator } = await harness(t)
  const unknown = await call('GET', '/no/such/thing')
  t.equal(unknown.status, 404)
  t.ok(isErrorList(unknown.body, 'not_found'))
  t.equal(unknown.body.errors[0].message, 'Resource Not Found')
  t.equal(emulator.requests[0].operationId, undefined)
  const wrongMethod = await call('PATCH', '/me')
  t.equal(wrongMethod.status, 404)
  const notImplemented = await call('GET', '/away_status_reasons') // no handler and no example in the spec
  t.equal(notImplemented.status, 200, 'a sample generated from its response schema')
  t.equal(emulator.requests[2].operationId, 'listAwayStatusReasons', 'still matched to its operationId')
  t.same(emulator.violations, [])
})

test('requests are recorded raw: path not decoded, query parsed, headers, body', async (t) => {
  const { call, emulator } = await harness(t)
  await call('GET', '/contacts/abc%2Fdef?x=1&y=2&y=3')
  await call('POST', '/contacts', { email: 'rec@example.com' }, { headers: { 'intercom-version': '2.14' } })
  const [get, post] = emulator.requests
  t.same(get, {
    method: 'GET',
    path: '/contacts/abc%2Fdef',
    query: { x: '1', y: ['2', '3'] },
    headers: get.headers,
    body: undefined,
    operationId: 'ShowContact'
  })
  t.equal(post.headers['intercom-version'], '2.14')
  t.same(post.body, { email: 'rec@example.com' })
  t.equal(post.operationId, 'CreateContact')
  emulator.resetRecords()
  t.same(emulator.requests, [])
  t.same(emulator.violations, [])
})

test('maxRecords bounds requests and violations, dropping the oldest', async (t) => {
  const { call, emulator } = await harness(t, { maxRecords: 2 })
  for (const p of ['/a', '/b', '/c']) await call('GET', p)
  t.same(emulator.requests.map((r) => r.path), ['/b', '/c'])
  for (let i = 0; i < 3; i++) await call('GET', `/conversations/x${i}`)
  t.same(emulator.violations.map((v) => v.path), ['/conversations/x1', '/conversations/x2'])
})

test('a malformed JSON body is a 400 parameter_invalid and a violation', async (t) => {
  const { call, emulator } = await harness(t)
  const res = await call('POST', '/contacts', undefined, { rawBody: '{"email": ' })
  t.equal(res.status, 400)
  t.ok(isErrorList(res.body, 'parameter_invalid'))
  t.equal(emulator.violations.length, 1)
  t.equal(emulator.requests[0].body, '{"email": ', 'the raw text is recorded')
})

test('close() frees the port promptly even with keep-alive connections', async (t) => {
  const { call, emulator } = await harness(t)
  await call('GET', '/me') // leaves a keep-alive socket in fetch's pool
  const started = Date.now()
  await emulator.close()
  t.ok(Date.now() - started < 1000)
  await t.rejects(fetch(`${emulator.url}/me`))
  await emulator.close() // idempotent
})

// ---- injected faults ----

test('status fault: Intercom error body, extra headers, then normal answers', async (t) => {
  const { call, emulator } = await harness(t)
  emulator.fault({ method: 'GET', path: '/me', status: 503, headers: { 'Retry-After': '1' } })
  const faulted = await call('GET', '/me')
  t.equal(faulted.status, 503)
  t.equal(faulted.headers.get('retry-after'), '1')
  t.ok(isErrorList(faulted.body, 'service_unavailable'))
  t.ok(faulted.headers.get('x-ratelimit-limit'), 'rate-limit headers still present')
  t.equal((await call('GET', '/me')).status, 200, 'times defaults to 1')
  t.equal(emulator.requests.length, 2, 'faulted requests are recorded')

  emulator.fault({ status: 500 })
  const server = await call('GET', '/me', undefined, { auth: false })
  t.equal(server.status, 500, 'faults apply before auth')
  t.same(server.body.errors, [{ code: 'server_error', message: 'Server Error' }])

  emulator.fault({ status: 429, code: 'rate_limit_exceeded', message: 'slow down', headers: { 'retry-after': '2' } })
  const limited = await call('GET', '/me')
  t.same(limited.body.errors, [{ code: 'rate_limit_exceeded', message: 'slow down' }])
  t.equal(limited.headers.get('retry-after'), '2')
})

test('times counts matching requests only; faults are consulted in order', async (t) => {
  const { call, emulator } = await harness(t)
  emulator.fault({ method: 'POST', path: /^\/contacts\/search$/, status: 500, times: 2 })
  emulator.fault({ path: '/me', status: 502 })
  t.equal((await call('GET', '/contacts/search')).status, 404, 'GET does not match the POST fault')
  t.equal((await call('POST', '/contacts/search', { query: { field: 'name', operator: '=', value: 'x' } })).status, 500)
  t.equal((await call('GET', '/me')).status, 502)
  t.equal((await call('POST', '/contacts/search', { query: { field: 'name', operator: '=', value: 'x' } })).status, 500)
  t.equal((await call('POST', '/contacts/search', { query: { field: 'name', operator: '=', value: 'x' } })).status, 200)
  t.equal((await call('GET', '/me')).status, 200)
})

test('reset destroys the socket without an answer', async (t) => {
  const { call, emulator } = await harness(t)
  emulator.fault({ path: '/me', reset: true })
  await t.rejects(call('GET', '/me'), 'fetch fails: the connection was closed')
  t.equal(emulator.requests.length, 1, 'the request was read and recorded')
  t.equal((await call('GET', '/me')).status, 200)
})

test('delayMs delays the answer, or the fault', async (t) => {
  const { call, emulator } = await harness(t)
  emulator.fault({ path: '/me', delayMs: 100 })
  let started = Date.now()
  t.equal((await call('GET', '/me')).status, 200)
  t.ok(Date.now() - started >= 95, 'normal answer, delayed')
  emulator.fault({ path: '/me', delayMs: 60, status: 500 })
  started = Date.now()
  t.equal((await call('GET', '/me')).status, 500)
  t.ok(Date.now() - started >= 55, 'fault, delayed')
})

test('resetRecords clears requests, violations and faults but not the store', async (t) => {
  const { call, emulator } = await harness(t)
  await call('POST', '/contacts', { email: 'keep@example.com' })
  await call('POST', '/conversations', { from: { type: 'robot', id: 'x' }, body: 'x' })
  emulator.fault({ status: 500, times: 5 })
  emulator.resetRecords()
  t.same(emulator.requests, [])
  t.same(emulator.violations, [])
  t.equal((await call('GET', '/me')).status, 200, 'faults cleared')
  t.equal(emulator.store.contacts.size, 1)
})
