/**
 * Idempotency-Key with the in-process store (no REDIS_URL): replay, reuse, in use, validation,
 * scoping per API key, reconciliation of lost answers, the passthrough and the catalog.
 */
import t from 'tap'
import { build, json, upstream } from '../helper.js'
import type { Emulator } from '../../src/emulator/index.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

function writesTo (emulator: Emulator, method: string, path: string): number {
  return emulator.requests.filter((r) => r.method === method && r.path === path).length
}

t.test('the first keyed POST runs; the same key and body replays its answer with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const body = { role: 'user', external_id: 'idem-1', email: 'idem-1@example.com' }
  const first = await app.inject({ method: 'POST', url: '/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': 'k-1', 'x-request-id': 'first-run' }, payload: body })
  t.equal(first.statusCode, 200)
  t.notOk(first.headers['idempotent-replayed'], 'the first run is not a replay')
  // Same body with another key order: the same fingerprint.
  const again = await app.inject({ method: 'POST', url: '/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': 'k-1', 'x-request-id': 'second-run' }, payload: { email: 'idem-1@example.com', external_id: 'idem-1', role: 'user' } })
  t.equal(again.statusCode, 200)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.headers['x-request-id'], 'first-run', 'the first run\'s X-Request-Id')
  t.match(again.headers['content-type'], /^application\/json/)
  t.same(json(again), json(first), 'the stored body')
  t.equal(writesTo(emulator, 'POST', '/contacts'), 1, 'one CreateContact upstream')
  t.equal([...emulator.store.contacts.values()].filter((c) => c.external_id === 'idem-1').length, 1)
  upstream(t, emulator)
})

t.test('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED, with no upstream call', async (t) => {
  const { app, emulator } = await build(t)
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'k-reuse' }
  t.equal((await app.inject({ method: 'POST', url: '/contacts', headers, payload: { role: 'user', external_id: 'r-1' } })).statusCode, 200)
  emulator.resetRecords()
  const other = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { role: 'user', external_id: 'r-2' } })
  t.equal(other.statusCode, 422)
  t.match(other.headers['content-type'], /^application\/problem\+json/)
  t.equal(json(other).code, 'IDEMPOTENCY_KEY_REUSED')
  const otherRoute = await app.inject({ method: 'POST', url: '/tags', headers, payload: { name: 'x' } })
  t.equal(otherRoute.statusCode, 422, 'another route with the same key is another fingerprint')
  t.same(emulator.requests, [], 'nothing sent upstream')
})

t.test('a bad key value is a 400 naming the header; nothing is sent', async (t) => {
  const { app, emulator } = await build(t)
  for (const bad of ['', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
    const res = await app.inject({ method: 'POST', url: '/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': bad }, payload: { role: 'user', external_id: 'bad' } })
    t.equal(res.statusCode, 400, JSON.stringify(bad))
    t.same(json(res).errors, [{ field: 'headers.idempotency-key', message: 'must be 1 to 255 printable ASCII characters' }])
  }
  const ok = await app.inject({ method: 'POST', url: '/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': '"' + 'y'.repeat(255) + '"' }, payload: { role: 'user', external_id: 'long' } })
  t.equal(ok.statusCode, 200, '255 characters, in the draft\'s quoted form, is accepted')
  t.equal(writesTo(emulator, 'POST', '/contacts'), 1)
})

t.test('a request that failed validation stores nothing: the key then runs a valid request', async (t) => {
  const { app, emulator } = await build(t)
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'k-valid' }
  const invalid = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { role: 'user', external_id: 'v', unknown_field: 1 } })
  t.equal(invalid.statusCode, 400)
  const valid = await app.inject({ method: 'POST', url: '/contacts', headers, payload: { role: 'user', external_id: 'v' } })
  t.equal(valid.statusCode, 200)
  t.notOk(valid.headers['idempotent-replayed'])
  // The catalog validates inside its handler: a failed validation there frees the key too.
  const badCall = await app.inject({ method: 'POST', url: '/intercom/operations/CreateContact', headers: { ...JSON_HEADERS, 'idempotency-key': 'k-cat' }, payload: { body: { role: 12 } } })
  t.equal(badCall.statusCode, 400)
  const goodCall = await app.inject({ method: 'POST', url: '/intercom/operations/CreateContact', headers: { ...JSON_HEADERS, 'idempotency-key': 'k-cat' }, payload: { body: { role: 'user', external_id: 'cat-1' } } })
  t.equal(goodCall.statusCode, 200)
  t.equal(writesTo(emulator, 'POST', '/contacts'), 2)
})

t.test('20 concurrent requests with one key make one upstream write; the others are 409 in use or replays', async (t) => {
  const { app, emulator } = await build(t)
  emulator.fault({ method: 'POST', path: '/contacts', delayMs: 150 })
  const body = { role: 'user', external_id: 'concurrent-1' }
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': 'k-20' }, payload: body })))
  t.equal(writesTo(emulator, 'POST', '/contacts'), 1, 'one CreateContact')
  const inUse = answers.filter((a) => a.statusCode === 409)
  t.ok(inUse.length >= 1)
  for (const a of inUse) {
    t.equal(json(a).code, 'IDEMPOTENCY_KEY_IN_USE')
    t.equal(a.headers['retry-after'], '1')
  }
  t.equal(answers.filter((a) => a.statusCode === 200 && a.headers['idempotent-replayed'] === undefined).length, 1, 'exactly one first run')
  const replay = await app.inject({ method: 'POST', url: '/contacts', headers: { ...JSON_HEADERS, 'idempotency-key': 'k-20' }, payload: body })
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(writesTo(emulator, 'POST', '/contacts'), 1)
})

t.test('keys are scoped per API key: another caller with the same key runs its own request', async (t) => {
  const keyA = 'a'.repeat(32)
  const keyB = 'b'.repeat(32)
  const { app, emulator } = await build(t, { env: { API_KEYS: `${keyA},${keyB}` } })
  const send = (apiKey: string, externalId: string) => app.inject({ method: 'POST', url: '/tags', headers: { ...JSON_HEADERS, 'x-api-key': apiKey, 'idempotency-key': 'shared' }, payload: { name: externalId } })
  t.equal((await send(keyA, 'tag-a')).statusCode, 200)
  const b = await send(keyB, 'tag-b')
  t.equal(b.statusCode, 200, 'not a 422: B never sees A\'s record')
  t.notOk(b.headers['idempotent-replayed'])
  t.equal((await send(keyA, 'tag-a')).headers['idempotent-replayed'], 'true')
  t.equal(writesTo(emulator, 'POST', '/tags'), 2)
  const unauth = await app.inject({ method: 'POST', url: '/tags', headers: { ...JSON_HEADERS, 'idempotency-key': 'shared' }, payload: { name: 'tag-a' } })
  t.equal(unauth.statusCode, 401, 'auth runs first')
})

t.test('a POST whose answer is lost after it was applied, retried with its key, leaves exactly one object', async (t) => {
  const { app, emulator } = await build(t)
  const cases = [
    { url: '/contacts', upstreamPath: '/contacts', payload: { role: 'user', external_id: 'lost-1' }, count: () => [...emulator.store.contacts.values()].filter((c) => c.external_id === 'lost-1').length, lookup: 'ShowContactByExternalId' },
    { url: '/companies', upstreamPath: '/companies', payload: { company_id: 'co-lost', name: 'Lost Co' }, count: () => emulator.requests.filter((r) => r.operationId === 'createOrUpdateCompany').length, lookup: 'retrieveCompany' },
    { url: '/tags', upstreamPath: '/tags', payload: { name: 'lost-tag' }, count: () => emulator.requests.filter((r) => r.operationId === 'createTag').length, lookup: 'listTags' }
  ]
  for (const c of cases) {
    emulator.resetRecords()
    emulator.fault({ method: 'POST', path: c.upstreamPath, applied: true, reset: true })
    const headers = { ...JSON_HEADERS, 'idempotency-key': `lost-${c.url}` }
    const lost = await app.inject({ method: 'POST', url: c.url, headers, payload: c.payload })
    t.equal(lost.statusCode, 502, `${c.url}: the lost answer is a 502`)
    t.match(json(lost).detail, /may or may not have been applied/)
    const retry = await app.inject({ method: 'POST', url: c.url, headers, payload: c.payload })
    t.equal(retry.statusCode, 200, `${c.url}: the retry reconciles`)
    t.notOk(retry.headers['idempotent-replayed'], 'a reconciled answer is fresh')
    t.equal(c.count(), 1, `${c.url}: exactly one write`)
    t.ok(emulator.requests.some((r) => r.operationId === c.lookup), `${c.url}: looked up with ${c.lookup}`)
    const third = await app.inject({ method: 'POST', url: c.url, headers, payload: c.payload })
    t.equal(third.headers['idempotent-replayed'], 'true', `${c.url}: the reconciled answer is then stored`)
    t.same(json(third), json(retry))
  }
  const contact = [...emulator.store.contacts.values()].find((c) => c.external_id === 'lost-1')
  t.ok(contact)
})

t.test('a doubt on a write with no natural key (a note) is answered again, and the write is not resent', async (t) => {
  const { app, emulator } = await build(t, { env: { INTERCOM_DEFAULT_ADMIN_ID: '1' } })
  const contact = await app.inject({ method: 'POST', url: '/contacts', headers: JSON_HEADERS, payload: { role: 'user', external_id: 'note-owner' } })
  const id = json(contact).id as string
  emulator.resetRecords()
  emulator.fault({ method: 'POST', path: `/contacts/${id}/notes`, applied: true, reset: true })
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'note-1' }
  const lost = await app.inject({ method: 'POST', url: `/contacts/${id}/notes`, headers, payload: { body: 'hello' } })
  t.equal(lost.statusCode, 502)
  const retry = await app.inject({ method: 'POST', url: `/contacts/${id}/notes`, headers, payload: { body: 'hello' } })
  t.equal(retry.statusCode, 502)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.same(json(retry), json(lost), 'the stored doubt')
  t.equal(writesTo(emulator, 'POST', `/contacts/${id}/notes`), 1, 'the note was sent once')
})

t.test('a failed write that was never applied (429, connect) frees its key', async (t) => {
  const { app, emulator } = await build(t, { env: { RETRY_MAX_ATTEMPTS: '1' } })
  emulator.fault({ method: 'POST', path: '/tags', status: 429, headers: { 'retry-after': '0' } })
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'k-429' }
  const refused = await app.inject({ method: 'POST', url: '/tags', headers, payload: { name: 't429' } })
  t.equal(refused.statusCode, 429)
  const retry = await app.inject({ method: 'POST', url: '/tags', headers, payload: { name: 't429' } })
  t.equal(retry.statusCode, 200)
  t.notOk(retry.headers['idempotent-replayed'], 'run, not replayed')
})

t.test('an Intercom 4xx is a final answer: replayed', async (t) => {
  const { app, emulator } = await build(t, { env: { INTERCOM_DEFAULT_ADMIN_ID: '1' } })
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'k-404' }
  const missing = await app.inject({ method: 'POST', url: '/contacts/nope/notes', headers, payload: { body: 'x' } })
  t.equal(missing.statusCode, 404)
  const again = await app.inject({ method: 'POST', url: '/contacts/nope/notes', headers, payload: { body: 'x' } })
  t.equal(again.statusCode, 404)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(writesTo(emulator, 'POST', '/contacts/nope/notes'), 1)
})

t.test('the passthrough POST and PATCH take a key; GET, PUT, DELETE ignore it; catalog reads ignore it', async (t) => {
  const { app, emulator } = await build(t)
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'pt-1' }
  const first = await app.inject({ method: 'POST', url: '/intercom/contacts', headers, payload: { role: 'user', external_id: 'pt-1' } })
  t.equal(first.statusCode, 200)
  const again = await app.inject({ method: 'POST', url: '/intercom/contacts', headers, payload: { role: 'user', external_id: 'pt-1' } })
  t.equal(again.statusCode, 200)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(json(again), json(first))
  t.equal(writesTo(emulator, 'POST', '/contacts'), 1)
  const id = json(first).id as string
  for (let i = 0; i < 2; i++) {
    const get = await app.inject({ method: 'GET', url: `/intercom/contacts/${id}`, headers: { 'idempotency-key': 'pt-1' } })
    t.equal(get.statusCode, 200)
    t.notOk(get.headers['idempotent-replayed'])
  }
  t.equal(writesTo(emulator, 'GET', `/contacts/${id}`), 2, 'a GET with a key runs every time')
  for (let i = 0; i < 2; i++) {
    const read = await app.inject({ method: 'POST', url: '/intercom/operations/ShowContact', headers: { ...JSON_HEADERS, 'idempotency-key': 'cat-read' }, payload: { path: { contact_id: id } } })
    t.equal(read.statusCode, 200)
    t.notOk(read.headers['idempotent-replayed'], 'a catalog read is not keyed')
  }
  const write1 = await app.inject({ method: 'POST', url: '/intercom/operations/createTag', headers: { ...JSON_HEADERS, 'idempotency-key': 'cat-write' }, payload: { body: { name: 'cat-tag' } } })
  const write2 = await app.inject({ method: 'POST', url: '/intercom/operations/createTag', headers: { ...JSON_HEADERS, 'idempotency-key': 'cat-write' }, payload: { body: { name: 'cat-tag' } } })
  t.equal(write1.statusCode, 200)
  t.equal(write2.headers['idempotent-replayed'], 'true')
  t.equal(writesTo(emulator, 'POST', '/tags'), 1)
})

t.test('unkeyed requests are untouched; the metric counts keyed ones by outcome', async (t) => {
  const { app, emulator } = await build(t)
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'POST', url: '/tags', headers: JSON_HEADERS, payload: { name: 'plain' } })
    t.equal(res.statusCode, 200)
    t.notOk(res.headers['idempotent-replayed'])
  }
  t.equal(writesTo(emulator, 'POST', '/tags'), 2)
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'm-1' }
  await app.inject({ method: 'POST', url: '/tags', headers, payload: { name: 'm' } })
  await app.inject({ method: 'POST', url: '/tags', headers, payload: { name: 'm' } })
  await app.inject({ method: 'POST', url: '/tags', headers, payload: { name: 'other' } })
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /idempotency_requests_total\{outcome="first"\} 1\n/)
  t.match(metrics, /idempotency_requests_total\{outcome="replayed"\} 1\n/)
  t.match(metrics, /idempotency_requests_total\{outcome="reused"\} 1\n/)
  t.match(metrics, /idempotency_requests_total\{outcome="in_use"\} 0\n/)
  t.match(metrics, /idempotency_requests_total\{outcome="reconciled"\} 0\n/)
})

t.test('a reconciliation lookup that fails puts the doubt back: the next retry reconciles', async (t) => {
  const { app, emulator } = await build(t, { env: { RETRY_MAX_ATTEMPTS: '1' } })
  const body = { role: 'user', external_id: 'lookup-fails' }
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'lookup-fails' }
  emulator.fault({ method: 'POST', path: '/contacts', applied: true, reset: true })
  t.equal((await app.inject({ method: 'POST', url: '/contacts', headers, payload: body })).statusCode, 502)
  emulator.fault({ method: 'GET', path: '/contacts/find_by_external_id/lookup-fails', status: 403 })
  const failed = await app.inject({ method: 'POST', url: '/contacts', headers, payload: body })
  t.equal(failed.statusCode, 403, 'the lookup\'s failure is answered')
  const retry = await app.inject({ method: 'POST', url: '/contacts', headers, payload: body })
  t.equal(retry.statusCode, 200, 'not a stored 403: the doubt was put back and is reconciled now')
  t.equal(json(retry).external_id, 'lookup-fails')
  t.equal(writesTo(emulator, 'POST', '/contacts'), 1)
})
