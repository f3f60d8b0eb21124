/**
 * Redis restarted: a redis-server of this test's own (free port, AOF with appendfsync always, a
 * temporary directory) is killed (SIGKILL) while a subscriber is down and notifications are stored;
 * while it is away the intake answers 503 (nothing accepted); once it is back everything accepted
 * before is delivered, once each and in order, and the dedupe marks survived.
 */
import { test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, json } from '../helper.js'
import { CLIENT_SECRET, FAST_RETRIES, deliverToIntake, eventually, notification, startSubscriber, subscriptionsEnv } from './helpers.js'

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => { resolve(port) })
    })
  })
}

async function startRedis (port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' })
  const { Redis } = await import('ioredis')
  await eventually(async () => {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    r.on('error', () => {})
    try {
      await r.connect()
      return (await r.ping()) === 'PONG'
    } catch {
      return false
    } finally {
      r.disconnect()
    }
  }, 10_000, 'redis-server up')
  return child
}

test('Redis killed and restarted: nothing accepted is lost', async (t) => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-redis-'))
  let redis = await startRedis(port, dir)
  t.teardown(() => { redis.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }) })
  const sub = await startSubscriber()
  t.teardown(() => sub.close())
  let up = false
  sub.fail = () => (up ? undefined : 503)
  const { app } = await build(t, {
    env: {
      INTERCOM_CLIENT_SECRET: CLIENT_SECRET,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      WEBHOOK_SUBSCRIPTIONS: subscriptionsEnv([{ name: 'sub', url: sub.url }]),
      ...FAST_RETRIES
    }
  })
  const accepted = Array.from({ length: 10 }, (_, i) => notification(i % 2 === 0 ? 'contact.user.created' : 'conversation.admin.closed'))
  for (const n of accepted) t.equal((await deliverToIntake(app, n)).statusCode, 200)

  redis.kill('SIGKILL')
  await new Promise((resolve) => redis.once('exit', resolve))
  const refused = await deliverToIntake(app, notification('contact.deleted'))
  t.equal(refused.statusCode, 503, 'Redis away: not accepted (Intercom retries)')
  t.equal(json(refused).code, 'WEBHOOK_STORE_UNAVAILABLE')

  redis = await startRedis(port, dir)
  up = true
  await sub.waitFor(10, 20_000)
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(sub.received.map((r) => r.id), accepted.map((n) => n.id), 'every accepted notification, once, in order')
  await eventually(async () => (await deliverToIntake(app, accepted[3])).statusCode === 200, 5_000, 'intake back')
  t.equal(json(await deliverToIntake(app, accepted[3])).duplicate, true, 'the dedupe marks survived')
  const page = json(await app.inject({ url: '/webhooks/events' }))
  t.equal(page.total_count, 10)
})
