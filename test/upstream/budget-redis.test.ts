/**
 * One budget across replicas through Redis. Needs a Redis (REDIS_URL, default redis://127.0.0.1:6379;
 * `npm test` starts a throwaway one): without one these tests FAIL with how to start one.
 */
import { test, type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startEmulator, type Emulator } from '../../src/emulator/index.js'
import { RedisBudgetStore } from '../../src/upstream/budget/redis-store.js'
import { cleanup, redisUrl, startRedisServer, uniquePrefix } from './redis-helper.js'

const T0 = Math.floor(Date.now() / 1000) * 1000 + 3_600_000

async function replica (t: Test, emulator: Emulator, env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadConfig({ INTERCOM_ACCESS_TOKEN: emulator.token, INTERCOM_BASE_URL: emulator.url, LOG_LEVEL: 'silent', UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10', RETRY_BASE_DELAY_MS: '10', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', ...env })
  const fastify = Fastify(fastifyOptions(config, false))
  await fastify.register(app, { config })
  await fastify.ready()
  t.teardown(async () => { await fastify.close() })
  return fastify as unknown as FastifyInstance
}

/** Send `n` GETs round-robin over `apps`, `concurrency` at a time; answers the status codes. */
async function load (apps: FastifyInstance[], n: number, concurrency: number, url: string, onEach?: (i: number) => Promise<void> | void): Promise<number[]> {
  const statuses: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++
      await onEach?.(i)
      const res = await apps[i % apps.length].inject({ method: 'GET', url })
      statuses.push(res.statusCode)
    }
  }))
  return statuses
}

test('two stores on one Redis share one window, atomically', async (t) => {
  const url = await redisUrl(t)
  if (url === undefined) return
  const keyPrefix = uniquePrefix()
  t.teardown(() => cleanup(url, keyPrefix))
  const a = new RedisBudgetStore({ url, keyPrefix, fallbackShare: 0.5 })
  const b = new RedisBudgetStore({ url, keyPrefix, fallbackShare: 0.5 })
  t.teardown(async () => { await a.close(); await b.close() })
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(await a.take('w', T0, 'probe'), 0, 'the first call is the probe')
  t.equal(await b.take('w', T0, 'b0'), 20, 'the other replica waits for the probe\'s answer')
  await a.release('w', 'probe')
  await a.learn('w', { limit: 10, remaining: 9, resetAtMs: T0 + 1000 }, T0)
  const takes = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).take('w', T0 + 1, `t${i}`)))
  t.equal(takes.filter((w) => w === 0).length, 9, 'exactly the remaining 9 go out, from either replica')
  t.ok(takes.filter((w) => w > 0).every((w) => w === 999), 'the rest wait until the reset')
  for (let i = 0; i < 12; i++) await (i % 2 === 0 ? a : b).release('w', `t${i}`)
  await b.learn('w', { limit: 10, remaining: 10, resetAtMs: T0 + 2000 }, T0 + 1500)
  t.equal(await a.take('w', T0 + 1500, 'n1'), 0, 'a newer window learned by b is used by a')
  const redis = a.redis
  t.equal(await redis.hget('budget:w', 'remaining'), '9')
  t.equal(await redis.hget('budget:w', 'period'), '1000', 'the window length is learned')
  t.ok(await redis.pttl('budget:w') > 0, 'keys expire')
  t.equal(a.mode, 'redis')
  t.equal(b.shape('w')?.limit, 10)
})

test('Redis: a period learned across skipped windows is corrected by the next answer', async (t) => {
  const url = await redisUrl(t)
  if (url === undefined) return
  const keyPrefix = uniquePrefix()
  t.teardown(() => cleanup(url, keyPrefix))
  const a = new RedisBudgetStore({ url, keyPrefix, fallbackShare: 0.5 })
  t.teardown(async () => { await a.close() })
  await new Promise((resolve) => setTimeout(resolve, 100))
  await a.learn('w', { limit: 3, remaining: 2, resetAtMs: T0 + 1000 }, T0 + 500)
  await a.learn('w', { limit: 3, remaining: 2, resetAtMs: T0 + 3000 }, T0 + 2500) // nothing answered in the window ending T0 + 2000
  t.equal(await a.redis.hget('budget:w', 'period'), '2000', 'the gap looks like the period')
  t.equal(await a.take('w', T0 + 3000, 'b0'), 0, 'at the reset the store rolls by itself')
  t.equal(await a.redis.hget('budget:w', 'reset'), String(T0 + 5000), 'into a window too long')
  await a.release('w', 'b0')
  await a.learn('w', { limit: 3, remaining: 2, resetAtMs: T0 + 4000 }, T0 + 3010)
  t.same(await a.redis.hmget('budget:w', 'remaining', 'reset', 'period'), ['2', String(T0 + 4000), '1000'], 'Intercom\'s earlier reset wins and shortens the period')
  await a.learn('w', { limit: 3, remaining: 3, resetAtMs: T0 + 3000 }, T0 + 3020)
  t.equal(await a.redis.hget('budget:w', 'reset'), String(T0 + 4000), 'a past window is stale news')
  t.equal(await a.take('w', T0 + 3020, 'c0'), 0)
  t.equal(await a.take('w', T0 + 3020, 'c1'), 0)
  t.equal(await a.take('w', T0 + 3020, 'c2'), 980, 'the window is spent: wait for its real reset')
})

test('3 replicas on one Redis against an emulator limit of 50/s: no 429 reaches the emulator', async (t) => {
  const url = await redisUrl(t)
  if (url === undefined) return
  const prefix = uniquePrefix()
  t.teardown(() => cleanup(url, prefix))
  const emulator = await startEmulator({ rateLimit: { limit: 50, windowMs: 1000 }, maxRecords: 1000 })
  t.teardown(() => emulator.close())
  const env = { REDIS_URL: url, REDIS_KEY_PREFIX: prefix, REDIS_FALLBACK_SHARE: '0.33' }
  const apps = [await replica(t, emulator, env), await replica(t, emulator, env), await replica(t, emulator, env)]
  const modes: string[] = []
  for (const a of apps) a.intercom.addObserver({ onBudgetMode: (e) => { modes.push(`${e.mode} ${e.reason ?? ''}`) } })
  const statuses = await load(apps, 240, 30, '/intercom/me')
  t.comment(`budget mode changes: ${JSON.stringify(modes)}`)
  t.equal(statuses.length, 240)
  t.same([...new Set(statuses)], [200], 'every call answered 200')
  t.equal(emulator.stats.refused429, 0, `the emulator refused nothing (mode changes: ${JSON.stringify(modes)})`)
  t.equal(emulator.stats.accepted, 240)
  for (const a of apps) t.equal(a.intercom.policy?.budget.store.mode, 'redis')
})

test('Redis killed mid-run: calls are still served on the local fallback, and Redis is used again when back', async (t) => {
  const server = await startRedisServer(t)
  if (server === undefined) return
  const emulator = await startEmulator({ rateLimit: { limit: 50, windowMs: 1000 }, maxRecords: 1000 })
  t.teardown(() => emulator.close())
  const one = await replica(t, emulator, { REDIS_URL: server.url, REDIS_KEY_PREFIX: uniquePrefix(), REDIS_FALLBACK_SHARE: '0.5' })
  const modes: string[] = []
  one.intercom.addObserver({ onBudgetMode: (e) => { modes.push(e.mode) } })
  for (let i = 0; i < 100 && one.intercom.policy?.budget.store.mode !== 'redis'; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(one.intercom.policy?.budget.store.mode, 'redis')
  modes.length = 0 // a busy machine may have flapped while connecting
  const statuses = await load([one], 120, 10, '/intercom/me', async (i) => {
    if (i !== 40) return
    t.same(modes, [], 'no fallback before Redis was killed')
    await server.kill()
  })
  t.same([...new Set(statuses)], [200], 'every call answered 200')
  t.equal(statuses.length, 120)
  t.equal(modes[0], 'local', 'the budget fell back to the local limiter')
  const ready = await one.inject({ method: 'GET', url: '/readyz' })
  t.match(JSON.parse(ready.body), { checks: { rate_budget: { mode: 'local' } } }, '/readyz reports the fallback')
  t.equal(emulator.stats.refused429, 0, 'the fallback (half the budget) kept within the limit')
  await server.restart()
  for (let i = 0; i < 50 && one.intercom.policy?.budget.store.mode !== 'redis'; i++) await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(modes.at(-1), 'redis', 'back to Redis when it is back')
  const after = await one.inject({ method: 'GET', url: '/intercom/me' })
  t.equal(after.statusCode, 200)
})
