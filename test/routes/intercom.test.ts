import { test } from 'tap'
import { build, json, rawRequest, seedContact, upstream } from '../helper.js'

test('GET /intercom/* passes through to Intercom with our auth, not the caller\'s', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'pt@example.com' })
  const res = await app.inject({ method: 'GET', url: `/intercom/contacts/${c.id}`, headers: { authorization: 'Bearer caller-secret', cookie: 'a=b', 'x-request-id': 'pt-1' } })
  t.equal(res.statusCode, 200)
  t.equal(json(res).id, c.id)
  t.ok(res.headers['x-ratelimit-limit'], 'rate-limit headers come back')
  t.equal(res.headers['x-request-id'], 'pt-1')
  const calls = upstream(t, emulator)
  t.equal(calls.length, 1)
  t.equal(calls[0].method, 'GET')
  t.equal(calls[0].path, `/contacts/${c.id}`)
  t.same(calls[0].query, {})
  t.equal(calls[0].headers.authorization, `Bearer ${emulator.token}`)
  t.equal(calls[0].headers.cookie, undefined)
  t.equal(calls[0].headers['intercom-version'], '2.16')
  t.equal(calls[0].headers['x-request-id'], 'pt-1')

  const q = await app.inject({ method: 'GET', url: '/intercom/conversations/123?display_as=plaintext' })
  t.equal(q.statusCode, 404, 'Intercom\'s 404 comes back as is')
  t.equal(json(q).type, 'error.list')
  t.same(emulator.requests[1].query, { display_as: 'plaintext' }, 'the query string goes upstream')
})

test('POST /intercom/* sends the body up and Intercom\'s answer back verbatim', async (t) => {
  const { app, emulator } = await build(t)
  const body = { email: 'streamed@example.com', name: 'Streamed' }
  const res = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json', 'intercom-version': '2.13' }, payload: JSON.stringify(body) })
  t.equal(res.statusCode, 200)
  t.match(json(res), { type: 'contact', email: 'streamed@example.com' })
  const calls = upstream(t, emulator)
  t.same(calls[0].body, body)
  t.equal(calls[0].headers['intercom-version'], '2.13', 'the caller\'s Intercom-Version wins for this request')

  const dup = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  t.equal(dup.statusCode, 409, 'Intercom\'s status is passed through')
  t.equal(json(dup).type, 'error.list', 'Intercom\'s body is passed through')
})

test('the passthrough refuses dot segments and encoded slashes before anything is sent', async (t) => {
  const { app, emulator } = await build(t)
  for (const url of ['/intercom/contacts/../admins', '/intercom/contacts/%2e%2e/admins', '/intercom/contacts/a%2Fb', '/intercom/contacts/a%5Cb', '/intercom/./admins', '/intercom/%']) {
    const res = await rawRequest(app, 'GET', url)
    t.equal(res.statusCode, 400, url)
    if (url !== '/intercom/%') t.equal(res.body.code, 'FACADE_BAD_PATH', url)
  }
  t.equal(emulator.requests.length, 0)
})

test('a small passthrough body is buffered, so a POST Intercom refused with 429 is sent again; a 500 is not', async (t) => {
  const { app, emulator } = await build(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 429, headers: { 'Retry-After': '0' } })
  const body = { email: 'retried@example.com' }
  const res = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  t.equal(res.statusCode, 200, 'the retry was answered')
  const posts = emulator.requests.filter((r) => r.method === 'POST')
  t.equal(posts.length, 2, 'refused once, then sent again')
  t.same(posts[1].body, body, 'the same bytes went the second time')
  t.same([...emulator.stats.writes.values()], [1], 'one write reached Intercom\'s handler, once')

  emulator.fault({ method: 'POST', path: '/contacts', status: 500 })
  const failed = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'once@example.com' }) })
  t.equal(failed.statusCode, 500, 'Intercom\'s 500 is passed through')
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 3, 'a POST that met a 500 is not sent again')
})

test('a passthrough body over 64 KB is streamed, and a 429 on it is passed back, not retried', async (t) => {
  const { app, emulator } = await build(t)
  emulator.fault({ method: 'POST', path: '/contacts', status: 429, headers: { 'Retry-After': '0' } })
  const payload = JSON.stringify({ email: 'big@example.com', name: 'x'.repeat(70 * 1024) })
  const res = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json' }, payload })
  t.equal(res.statusCode, 429, 'Intercom\'s 429 comes back')
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 1, 'sent once: a streamed body cannot be sent twice')
})
