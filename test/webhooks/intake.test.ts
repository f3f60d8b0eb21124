/**
 * Intake: POST /webhooks/intercom verifies X-Hub-Signature on the raw bytes, validates the envelope,
 * stores and dedupes; GET /webhooks/events pages through what was stored (in-process store here;
 * test/webhooks/redis.test.ts covers Redis).
 */
import { test } from 'tap'
import { build, json } from '../helper.js'
import { CLIENT_SECRET, deliverToIntake, notification } from './helpers.js'

const KEY = 'k'.repeat(32)

async function app (t: Parameters<typeof build>[0], env: Record<string, string> = {}) {
  return (await build(t, { env: { INTERCOM_CLIENT_SECRET: CLIENT_SECRET, ...env } })).app
}

async function events (a: Awaited<ReturnType<typeof app>>, qs = '') {
  const res = await a.inject({ method: 'GET', url: `/webhooks/events${qs}`, headers: { 'x-api-key': KEY } })
  return json(res)
}

test('a correctly signed notification is stored, answered 200 and counted', async (t) => {
  const a = await app(t)
  const n = notification('contact.user.created', { type: 'contact', id: 'c1', email: 'a@example.com' })
  const res = await deliverToIntake(a, n)
  t.equal(res.statusCode, 200)
  t.same(json(res), { received: true, duplicate: false })
  const page = await events(a)
  t.equal(page.total_count, 1)
  t.equal(page.data[0].id, n.id)
  t.equal(page.data[0].topic, 'contact.user.created')
  t.equal(page.data[0].app_id, 'a86dr8yl')
  t.same(page.data[0].notification, n, 'stored as Intercom sent it')
  const metrics = (await a.inject({ url: '/metrics' })).body
  t.match(metrics, /intercom_webhooks_received_total\{topic="contact.user.created"\} 1/)
})

test('wrong, missing or malformed signatures are 401 and nothing is stored', async (t) => {
  const a = await app(t)
  const n = notification('contact.user.created')
  const wrong = await deliverToIntake(a, n, { secret: 'another-secret' })
  t.equal(wrong.statusCode, 401)
  t.equal(json(wrong).code, 'WEBHOOK_SIGNATURE_INVALID')
  t.match(wrong.headers['content-type'], /^application\/problem\+json/)
  const missing = await deliverToIntake(a, n, { signature: null })
  t.equal(missing.statusCode, 401)
  t.equal(json(missing).code, 'WEBHOOK_SIGNATURE_MISSING')
  const malformed = await deliverToIntake(a, n, { signature: 'sha256=abc' })
  t.equal(malformed.statusCode, 401)
  const upper = await deliverToIntake(a, n, { signature: `sha1=${'0'.repeat(40)}` })
  t.equal(upper.statusCode, 401)
  t.equal((await events(a)).total_count, 0, 'nothing stored')
  const metrics = (await a.inject({ url: '/metrics' })).body
  t.match(metrics, /intercom_webhooks_rejected_total\{reason="invalid_signature"\} 3/)
  t.match(metrics, /intercom_webhooks_rejected_total\{reason="missing_signature"\} 1/)
})

test('the signature is over the exact bytes: the same JSON re-serialised fails', async (t) => {
  const a = await app(t)
  const n = notification('conversation.user.created')
  const pretty = JSON.stringify(n, null, 2)
  const { signIntercom } = await import('../../src/webhooks/signature.js')
  // Signed over Intercom's bytes (pretty), arriving re-serialised (compact): must fail.
  const res = await deliverToIntake(a, JSON.stringify(n), { signature: signIntercom(pretty, CLIENT_SECRET) })
  t.equal(res.statusCode, 401)
  // The pretty bytes themselves pass, and are stored byte for byte.
  const ok = await deliverToIntake(a, pretty, { signature: signIntercom(pretty, CLIENT_SECRET) })
  t.equal(ok.statusCode, 200)
  t.equal((await events(a)).total_count, 1)
})

test('a repeated notification id is acknowledged and not stored twice', async (t) => {
  const a = await app(t)
  const n = notification('contact.user.updated')
  t.same(json(await deliverToIntake(a, n)), { received: true, duplicate: false })
  t.same(json(await deliverToIntake(a, { ...n, delivery_attempts: 2 })), { received: true, duplicate: true })
  t.equal((await events(a)).total_count, 1)
  t.match((await a.inject({ url: '/metrics' })).body, /intercom_webhooks_duplicates_total 1/)
})

test('a signed body that is not a notification envelope is 400 naming the field', async (t) => {
  const a = await app(t)
  const n = notification('contact.user.created')
  delete n.app_id
  const res = await deliverToIntake(a, { ...n, type: 'event' })
  t.equal(res.statusCode, 400)
  const body = json(res)
  t.equal(body.code, 'WEBHOOK_INVALID_ENVELOPE')
  t.ok(body.errors.some((e: { field: string }) => e.field === 'body.app_id'), 'names body.app_id')
  t.ok(body.errors.some((e: { field: string }) => e.field === 'body.type'), 'names body.type')
  const notJson = await deliverToIntake(a, '{"type":')
  t.equal(notJson.statusCode, 400)
  t.equal(json(notJson).code, 'WEBHOOK_INVALID_BODY')
  t.equal((await events(a)).total_count, 0)
})

test('ping is acknowledged and recorded', async (t) => {
  const a = await app(t)
  const res = await deliverToIntake(a, notification('ping', { type: 'ping', message: 'something' }))
  t.equal(res.statusCode, 200)
  const page = await events(a, '?topic=ping')
  t.equal(page.data.length, 1)
  t.equal(page.data[0].topic, 'ping')
})

test('without a client secret outside sandbox the intake accepts nothing (503 that says so)', async (t) => {
  const { app: a } = await build(t)
  const res = await deliverToIntake(a, notification('contact.user.created'))
  t.equal(res.statusCode, 503)
  t.equal(json(res).code, 'WEBHOOKS_NOT_CONFIGURED')
  t.match(json(res).detail, /INTERCOM_CLIENT_SECRET/)
})

test('the intake needs no API key; the operator routes do', async (t) => {
  const a = await app(t, { API_KEYS: KEY })
  t.equal((await deliverToIntake(a, notification('contact.user.created'))).statusCode, 200)
  t.equal((await a.inject({ method: 'GET', url: '/webhooks/events' })).statusCode, 401)
  t.equal((await a.inject({ method: 'GET', url: '/webhooks/deliveries' })).statusCode, 401)
  t.equal((await a.inject({ method: 'GET', url: '/webhooks/events', headers: { 'x-api-key': KEY } })).statusCode, 200)
})

test('GET /webhooks/events pages with after=<next_cursor> and filters by topic pattern', async (t) => {
  const a = await app(t)
  const topics = ['contact.user.created', 'conversation.user.created', 'conversation.admin.replied', 'contact.deleted', 'conversation.admin.closed']
  for (const topic of topics) t.equal((await deliverToIntake(a, notification(topic))).statusCode, 200)
  const first = await events(a, '?per_page=2')
  t.same(first.data.map((e: { topic: string }) => e.topic), topics.slice(0, 2))
  t.equal(first.total_count, 5)
  const second = await events(a, `?per_page=2&after=${first.next_cursor}`)
  t.same(second.data.map((e: { topic: string }) => e.topic), topics.slice(2, 4))
  const third = await events(a, `?per_page=2&after=${second.next_cursor}`)
  t.same(third.data.map((e: { topic: string }) => e.topic), topics.slice(4))
  t.equal(third.next_cursor, null)
  const conv = await events(a, '?topic=conversation.*')
  t.same(conv.data.map((e: { topic: string }) => e.topic), ['conversation.user.created', 'conversation.admin.replied', 'conversation.admin.closed'])
  t.equal((await a.inject({ url: '/webhooks/events?after=nope', headers: { 'x-api-key': KEY } })).statusCode, 400)
})

test('/readyz says whether the webhook store is durable', async (t) => {
  const a = await app(t)
  const res = await a.inject({ url: '/readyz' })
  t.same(JSON.parse(res.body).checks.webhooks, { store: 'memory', durable: false, subscribers: 0, intake: 'open' })
})
