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
  t.equal(calls[0].headers['intercom-version'], '2.14')
  t.equal(calls[0].headers['x-request-id'], 'pt-1')

  const q = await app.inject({ method: 'GET', url: '/intercom/conversations/123?display_as=plaintext' })
  t.equal(q.statusCode, 404, 'Intercom\'s 404 comes back as is')
  t.equal(json(q).type, 'error.list')
  t.same(emulator.requests[1].query, { display_as: 'plaintext' }, 'the query string goes upstream')
})

test('POST /intercom/* streams the body up and Intercom\'s answer back verbatim', async (t) => {
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
