/**
 * Idempotency-Key through Redis: two replicas on one Redis share keys (a replay and a 409 in use
 * across replicas, one upstream write), and with Redis unreachable a keyed request is a 503 while
 * an unkeyed one is served. Needs REDIS_URL (default redis://127.0.0.1:6379); unique key prefix per run.
 */
import { test } from 'tap'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { uniquePrefix } from '../upstream/redis-helper.js'
import { json } from '../helper.js'
import { emulatorFor, redisReplicas, replica } from './replicas.js'

const JSON_HEADERS = { 'content-type': 'application/json' }

test('two replicas on one Redis share keys: one write, a replay on the other replica, 409 while in flight', async (t) => {
  const shared = await redisReplicas(t, 2)
  if (shared === undefined) return
  const { emulator, apps: [a, b], url, prefix } = shared
  const body = { role: 'user', external_id: 'shared-1' }
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'shared-key', 'x-request-id': 'run-on-a' }

  emulator.fault({ method: 'POST', path: '/contacts', delayMs: 300 })
  const onA = a.inject({ method: 'POST', url: '/contacts', headers, payload: body })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const duringA = await b.inject({ method: 'POST', url: '/contacts', headers, payload: body })
  t.equal(duringA.statusCode, 409, 'B sees A\'s claim')
  t.equal(json(duringA).code, 'IDEMPOTENCY_KEY_IN_USE')
  t.equal(duringA.headers['retry-after'], '1')
  const first = await onA
  t.equal(first.statusCode, 200)
  const onB = await b.inject({ method: 'POST', url: '/contacts', headers: { ...headers, 'x-request-id': 'retry-on-b' }, payload: body })
  t.equal(onB.statusCode, 200)
  t.equal(onB.headers['idempotent-replayed'], 'true', 'B replays A\'s answer')
  t.equal(onB.headers['x-request-id'], 'run-on-a')
  t.same(json(onB), json(first))
  const reused = await b.inject({ method: 'POST', url: '/contacts', headers, payload: { role: 'user', external_id: 'shared-2' } })
  t.equal(reused.statusCode, 422)
  t.equal(emulator.requests.filter((r) => r.method === 'POST' && r.path === '/contacts').length, 1, 'one CreateContact across both replicas')

  // The record is in Redis under the prefix, with the TTL.
  const redis = new Redis(url)
  t.teardown(() => { redis.disconnect() })
  const keys = await redis.keys(`${prefix}idem:*`)
  t.equal(keys.length, 1)
  const ttl = await redis.pttl(keys[0])
  t.ok(ttl > 86_000_000 && ttl <= 86_400_000, `kept for IDEMPOTENCY_TTL_MS (pttl ${ttl})`)
  t.match(JSON.parse((await redis.get(keys[0])) as string), { state: 'done', answer: { status: 200 } })
})

test('20 concurrent same-key requests spread over two replicas make one upstream write', async (t) => {
  const shared = await redisReplicas(t, 2)
  if (shared === undefined) return
  const { emulator, apps } = shared
  emulator.fault({ method: 'POST', path: '/tags', delayMs: 200 })
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => apps[i % 2].inject({ method: 'POST', url: '/tags', headers: { ...JSON_HEADERS, 'idempotency-key': 'twenty' }, payload: { name: 'twenty' } })))
  t.equal(emulator.requests.filter((r) => r.method === 'POST' && r.path === '/tags').length, 1)
  t.equal(answers.filter((a) => a.statusCode === 200 && a.headers['idempotent-replayed'] === undefined).length, 1, 'one first run')
  t.ok(answers.every((a) => a.statusCode === 200 || (a.statusCode === 409 && json(a).code === 'IDEMPOTENCY_KEY_IN_USE')))
})

test('a lost answer on one replica is reconciled by the retry on the other', async (t) => {
  const shared = await redisReplicas(t, 2)
  if (shared === undefined) return
  const { emulator, apps: [a, b], url, prefix } = shared
  emulator.fault({ method: 'POST', path: '/contacts', applied: true, reset: true })
  const headers = { ...JSON_HEADERS, 'idempotency-key': 'lost-across' }
  const body = { role: 'user', external_id: 'lost-across' }
  t.equal((await a.inject({ method: 'POST', url: '/contacts', headers, payload: body })).statusCode, 502)
  const retry = await b.inject({ method: 'POST', url: '/contacts', headers, payload: body })
  t.equal(retry.statusCode, 200)
  t.equal(json(retry).external_id, 'lost-across')
  t.equal([...emulator.store.contacts.values()].filter((c) => c.external_id === 'lost-across').length, 1)
  t.equal(emulator.requests.filter((r) => r.method === 'POST' && r.path === '/contacts').length, 1, 'the write was not sent again')
})

test('Redis unreachable: a keyed request is 503 IDEMPOTENCY_STORE_UNAVAILABLE with Retry-After; unkeyed requests are served', async (t) => {
  const emulator = await emulatorFor(t)
  // A port nothing listens on.
  const dead = await new Promise<number>((resolve) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => { resolve(port) }) })
  })
  const app = await replica(t, emulator, { REDIS_URL: `redis://127.0.0.1:${dead}`, REDIS_KEY_PREFIX: uniquePrefix() })
  const keyed = await app.inject({ method: 'POST', url: '/tags', headers: { ...JSON_HEADERS, 'idempotency-key': 'down' }, payload: { name: 'down' } })
  t.equal(keyed.statusCode, 503)
  t.equal(json(keyed).code, 'IDEMPOTENCY_STORE_UNAVAILABLE')
  t.equal(keyed.headers['retry-after'], '1')
  t.equal(emulator.requests.filter((r) => r.method === 'POST').length, 0, 'nothing sent upstream')
  const plain = await app.inject({ method: 'POST', url: '/tags', headers: JSON_HEADERS, payload: { name: 'up' } })
  t.equal(plain.statusCode, 200, 'an unkeyed write is served')
  const read = await app.inject({ method: 'GET', url: '/tags', headers: { 'idempotency-key': 'down' } })
  t.equal(read.statusCode, 200, 'a read with a key is served (keys apply to writes only)')
})
