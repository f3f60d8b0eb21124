import { t as tap, test } from 'tap'
import { build, json, rawRequest, seedContact } from '../helper.js'
import { jsonDepth } from '../../src/plugins/json-body.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

const problemType = /^application\/problem\+json/

test('a body over BODY_LIMIT_BYTES is a 413 problem, and nothing goes upstream', async (t) => {
  const { app, emulator } = await build(t, { env: { BODY_LIMIT_BYTES: '2048' } })
  const res = await app.inject({ method: 'POST', url: '/contacts', payload: { email: 'a@b.co', name: 'x'.repeat(3000) } })
  t.equal(res.statusCode, 413)
  t.match(res.headers['content-type'], problemType)
  t.match(json(res), { status: 413, title: 'Payload Too Large', code: 'BODY_TOO_LARGE', detail: 'Request body is too large', instance: '/contacts' })
  const passthrough = await app.inject({ method: 'POST', url: '/intercom/contacts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(3000) }) })
  t.equal(passthrough.statusCode, 413, 'the passthrough has the same limit')
  t.equal(emulator.requests.length, 0)
})

test('malformed, empty and poisoned JSON are 400 problems naming the body; a wrong content type is 415', async (t) => {
  const { app, emulator } = await build(t)
  const cases: Array<[string, string, string]> = [
    ['{"email":', 'is not valid JSON', 'truncated'],
    ['{"email":"a@b.co",}', 'is not valid JSON', 'trailing comma'],
    ['', 'is empty; send a JSON value', 'empty'],
    ['{"__proto__":{"admin":true},"email":"a@b.co"}', 'is not valid JSON', 'prototype poisoning'],
    ['{"constructor":{"prototype":{"admin":true}},"email":"a@b.co"}', 'is not valid JSON', 'constructor poisoning']
  ]
  for (const [payload, message, name] of cases) {
    const res = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'application/json' }, payload })
    t.equal(res.statusCode, 400, name)
    t.match(res.headers['content-type'], problemType, name)
    t.match(json(res), { status: 400, code: 'VALIDATION_ERROR', errors: [{ field: 'body', message }] }, name)
  }
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    const res = await app.inject({ method: 'POST', url: '/contacts/upsert', headers: { 'content-type': type }, payload: 'email=a@b.co' })
    t.equal(res.statusCode, 415, type)
    t.match(json(res), { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }, type)
  }
  t.equal(emulator.requests.length, 0)
})

test('JSON nested deeper than JSON_MAX_DEPTH is refused with 400 before parsing; brackets in strings do not count', async (t) => {
  const { app, emulator } = await build(t, { env: { JSON_MAX_DEPTH: '8' } })
  const nest = (n: number) => '{"custom_attributes":'.repeat(1) + '{"a":'.repeat(n - 2) + '1' + '}'.repeat(n - 2) + '}'
  const deep = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'application/json' }, payload: `{"email":"a@b.co","custom_attributes":${'{"a":'.repeat(8)}1${'}'.repeat(8)}}` })
  t.equal(deep.statusCode, 400)
  t.match(json(deep), { code: 'VALIDATION_ERROR', errors: [{ field: 'body', message: 'is nested deeper than 8 levels' }] })
  const bomb = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'application/json' }, payload: '['.repeat(500_000) })
  t.equal(bomb.statusCode, 400, 'a half-megabyte bracket bomb is refused, not recursed into')
  t.match(json(bomb).errors, [{ field: 'body', message: /nested deeper/ }])
  t.equal(emulator.requests.length, 0)

  const atLimit = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'application/json' }, payload: `{"email":"a@b.co","custom_attributes":${'{"a":'.repeat(6)}1${'}'.repeat(6)}}` })
  t.equal(atLimit.statusCode, 200, `8 levels are accepted (${nest(8).length} chars)`)
  const inString = await app.inject({ method: 'POST', url: '/contacts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'b@b.co', name: '[{'.repeat(100) + '"\\' }) })
  t.equal(inString.statusCode, 200, 'brackets and escaped quotes inside strings are not nesting')

  t.equal(jsonDepth('[]'), 1)
  t.equal(jsonDepth('{"a":[{"b":"]]]]"}]}'), 3)
  t.equal(jsonDepth('"\\"[["'), 0)
  t.equal(jsonDepth('['.repeat(1000), 10), 11, 'stops counting once past the limit')
})

test('ids: dot segments, control characters and over-long ids are refused; slashes and header syntax stay inside one encoded segment', async (t) => {
  const { app, emulator } = await build(t)
  for (const url of ['/contacts/..', '/contacts/%2E%2E', '/contacts/.', '/contacts/abc%0D%0AX-Injected:%20yes', '/contacts/abc%00', '/contacts/a%7F', `/contacts/${'a'.repeat(256)}`, '/conversations/%0A/reply']) {
    const method = url.endsWith('/reply') ? 'POST' : 'GET'
    const res = await rawRequest(app, method, url)
    t.equal(res.statusCode, 400, url)
    t.match(res.body, { code: 'VALIDATION_ERROR', errors: [{ field: 'params.id' }] }, url)
  }
  t.equal(emulator.requests.length, 0, 'none of those reached Intercom')

  const ada = await seedContact(emulator, { email: 'ada@example.com', external_id: 'x' })
  const tries: Array<[string, string]> = [
    ['/contacts/..%2Fadmins', '/contacts/..%2Fadmins'],
    ['/contacts/%2E%2E%2F%2E%2E%2Fadmins', '/contacts/..%2F..%2Fadmins'],
    ['/contacts/a%5C..%5Cadmins', '/contacts/a%5C..%5Cadmins'],
    ['/contacts/abc%20X-Injected:%20yes', '/contacts/abc%20X-Injected%3A%20yes'],
    ['/contacts/%E2%80%A8%F0%9F%92%A5', '/contacts/%E2%80%A8%F0%9F%92%A5'],
    [`/contacts/${ada.id}%3Fadmin%3Dtrue%23x`, `/contacts/${ada.id}%3Fadmin%3Dtrue%23x`]
  ]
  for (const [url, upstreamPath] of tries) {
    emulator.resetRecords()
    const res = await rawRequest(app, 'GET', url)
    t.equal(res.statusCode, 404, `${url}: Intercom finds no such contact`)
    t.same(emulator.requests.map((r) => r.path), [upstreamPath], `${url}: one encoded segment upstream`)
    t.same(emulator.requests[0].query, {}, `${url}: no query smuggled`)
    t.notOk('x-injected' in emulator.requests[0].headers, `${url}: no header injected`)
  }
})

test('huge or non-integer per_page is refused naming the field', async (t) => {
  const { app, emulator } = await build(t)
  for (const perPage of ['1000000000', '1e400', '151', '0', '-1', '1.5', '"10"']) {
    const res = await app.inject({ method: 'POST', url: '/contacts/search', headers: { 'content-type': 'application/json' }, payload: `{"field":"email","operator":"=","value":"a@b.co","per_page":${perPage}}` })
    t.equal(res.statusCode, 400, perPage)
    t.match(json(res).errors, [{ field: 'body.per_page' }], perPage)
  }
  t.equal(emulator.requests.length, 0)
})

test('a chunked passthrough body is cut off once it passes BODY_LIMIT_BYTES: 413, and Intercom never gets a complete request', async (t) => {
  const { app, emulator } = await build(t, { env: { BODY_LIMIT_BYTES: '2048' } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const { Client } = await import('undici')
  const { Readable } = await import('node:stream')
  const client = new Client(`http://127.0.0.1:${port}`)
  t.teardown(() => client.destroy())
  const chunks = Array.from({ length: 10 }, () => Buffer.from('x'.repeat(1024)))
  let status: number | undefined
  try {
    const res = await client.request({ method: 'POST', path: '/intercom/contacts', headers: { 'content-type': 'application/json' }, body: Readable.from(chunks) })
    status = res.statusCode
    const problem = await res.body.json() as { status: number, code: string }
    t.match(problem, { status: 413, code: 'BODY_TOO_LARGE' }, 'a 413 problem, not a 502')
  } catch {
    status = 0 // the connection was cut: also fine, nothing was accepted
  }
  t.ok(status === 0 || status === 413, `refused (${status})`)
  t.notOk(emulator.requests.some((r) => r.method === 'POST' && r.body !== undefined), 'no complete body reached Intercom')
  t.ok(emulator.requests.every((r) => r.method !== 'POST' || (r.headers['content-length'] === undefined)), 'nothing with a full body was forwarded')
})

test('one path-value rule everywhere: unpaired surrogates and dot, CR/LF or control values are a 400 naming the field, never a 500, nothing sent', async (t) => {
  const { app, emulator } = await build(t)
  // An unpaired surrogate arrives in JSON as an escape; before the rule, encodeURIComponent threw (500).
  const upsert = await app.inject({ method: 'POST', url: '/contacts/upsert', headers: { 'content-type': 'application/json' }, payload: '{"external_id":"a\\ud800","email":"s@example.com"}' })
  t.equal(upsert.statusCode, 400, 'upsert external_id with a lone surrogate')
  t.match(json(upsert), { code: 'VALIDATION_ERROR', errors: [{ field: 'body.external_id' }] })
  for (const url of ['/contacts/a%ED%A0%80', '/contacts/find_by_external_id/%ED%B0%80']) {
    const res = await rawRequest(app, 'GET', url)
    t.ok(res.statusCode === 400, `${url}: ${res.statusCode}`)
  }

  const cases: Array<[unknown, string]> = [
    ['..', 'must not be . or ..'],
    ['.', 'must not be . or ..'],
    ['abc\r\nX-Injected: yes', 'control characters'],
    ['a\u0001', 'control characters'],
    ['a\u007f', 'control characters'],
    ['a\ud800', 'unpaired UTF-16 surrogates']
  ]
  for (const [value, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/intercom/operations/ShowContact', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ path: { contact_id: value } }) })
    t.equal(res.statusCode, 400, `catalog contact_id ${JSON.stringify(value)}`)
    t.match(json(res), { errors: [{ field: /path\.contact_id$/, message: new RegExp(message.replace('.', '\\.')) }] }, JSON.stringify(value))
  }
  t.equal(emulator.requests.length, 0, 'none of those reached Intercom')

  const ok = await app.inject({ method: 'POST', url: '/intercom/operations/ShowContact', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ path: { contact_id: '..%2Fadmins' } }) })
  t.equal(ok.statusCode, 404, 'a value the rule accepts is sent, as one encoded segment')
  t.same(emulator.requests.map((r) => r.path), ['/contacts/..%252Fadmins'])
})
