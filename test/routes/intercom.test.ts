import { test } from 'tap'
import net from 'node:net'
import type { FastifyInstance } from 'fastify'
import { build, json, rawRequest, seedContact, upstream } from '../helper.js'

/**
 * Write `head` (a request line and headers, CRLF-separated, blank line included) on a fresh socket
 * to the listening app and read until the server closes it: for what neither inject nor an HTTP
 * client will send (absolute-form targets, CONNECT). Answers the raw bytes received ('' if none).
 */
async function rawSocket (app: FastifyInstance, head: string): Promise<string> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const socket = net.connect(port, '127.0.0.1')
  let received = ''
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1') })
  socket.on('error', () => {})
  socket.write(head)
  await new Promise((resolve) => socket.once('close', resolve))
  return received
}

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

test('methods Intercom\'s API does not use are refused with 405 and Allow; nothing goes upstream', async (t) => {
  const { app, emulator } = await build(t)
  const c = await seedContact(emulator, { email: 'trace@example.com' })
  for (const method of ['TRACE', 'HEAD', 'OPTIONS', 'QUERY'] as const) {
    const res = await app.inject({ method, url: `/intercom/contacts/${c.id}` })
    t.equal(res.statusCode, 405, method)
    t.equal(res.headers.allow, 'GET, POST, PUT, PATCH, DELETE', `${method}: Allow lists what is forwarded`)
    if (method !== 'HEAD') t.match(json(res), { status: 405, code: 'METHOD_NOT_ALLOWED', detail: new RegExp(`does not use ${method}`) }, method)
  }
  t.equal(emulator.requests.length, 0, 'none reached Intercom')

  // CONNECT never reaches a route: Node's server closes the socket without an answer.
  const connect = await rawSocket(app, 'CONNECT api.intercom.io:443 HTTP/1.1\r\nHost: api.intercom.io:443\r\n\r\n')
  t.notMatch(connect, /^HTTP\/1\.1 2/, 'CONNECT is not answered with a tunnel')
  t.equal(emulator.requests.length, 0, 'CONNECT reached nothing')

  for (const method of ['PUT', 'DELETE'] as const) {
    emulator.resetRecords()
    const res = await app.inject({ method, url: `/intercom/contacts/${c.id}`, headers: { 'content-type': 'application/json' }, payload: method === 'PUT' ? '{"name":"Put"}' : undefined })
    t.equal(res.statusCode, 200, `${method} is forwarded`)
    t.same(emulator.requests.map((r) => `${r.method} ${r.path}`), [`${method} /contacts/${c.id}`], method)
  }
})

test('empty and `..;` segments and absolute-form targets are refused before they reach Intercom', async (t) => {
  const { app, emulator } = await build(t)
  for (const url of ['/intercom//admins', '/intercom/contacts//x', '/intercom/contacts/', '/intercom/contacts/..;/admins', '/intercom/contacts/..;jsessionid=1/admins', '/intercom/contacts/%2E%2E;/admins']) {
    const res = await rawRequest(app, 'GET', url)
    t.equal(res.statusCode, 400, url)
    t.equal(res.body.code, 'FACADE_BAD_PATH', url)
  }
  for (const target of ['http://evil.example/intercom/admins', 'http://127.0.0.1/intercom/contacts?email=a@b.co']) {
    const answer = await rawSocket(app, `GET ${target} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`)
    t.match(answer, /^HTTP\/1\.1 400 /, `${target}: 400`)
    t.match(answer, /"code":"FACADE_BAD_PATH"/, target)
    t.match(answer, /absolute-form/, target)
  }
  t.equal(emulator.requests.length, 0, 'none reached Intercom')
  const plain = await rawSocket(app, 'GET /intercom/admins HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  t.match(plain, /^HTTP\/1\.1 200 /, 'the same request in origin-form is forwarded')
  t.same(emulator.requests.map((r) => r.path), ['/admins'])
})

test('the served document gives each passthrough method its own operationId and has no YAML aliases', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.yaml' })
  t.equal(res.statusCode, 200)
  const { default: YAML } = await import('yaml')
  let aliases = 0
  YAML.visit(YAML.parseDocument(res.body), { Alias () { aliases++ } })
  t.equal(aliases, 0, 'no anchors/aliases: every operation is written out')
  const doc = YAML.parse(res.body)
  const ids: string[] = []
  for (const item of Object.values<Record<string, { operationId?: string }>>(doc.paths)) {
    for (const op of Object.values(item)) if (op.operationId !== undefined) ids.push(op.operationId)
  }
  t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'operationIds are unique')
  t.same(Object.fromEntries(Object.entries<{ operationId: string }>(doc.paths['/intercom/{*}']).map(([m, op]) => [m, op.operationId])),
    { get: 'intercomPassthroughGet', post: 'intercomPassthroughPost', put: 'intercomPassthroughPut', patch: 'intercomPassthroughPatch', delete: 'intercomPassthroughDelete' },
    'the five forwarded methods, one id each; refused methods are not published')
})
