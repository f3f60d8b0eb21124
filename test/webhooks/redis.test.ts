/**
 * The Redis store with several replicas on one Redis (REDIS_URL, the shared test server): dedupe
 * across replicas, each notification delivered once and in order whichever replica delivers, a
 * replica killed mid-delivery (another claims its unacknowledged read and delivers).
 */
import { test } from 'tap'
import { build, json } from '../helper.js'
import { CLIENT_SECRET, FAST_RETRIES, deleteKeys, deliverToIntake, eventually, notification, startSubscriber, subscriptionsEnv, testPrefix, type Subscriber } from './helpers.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6390'

async function replicas (t: Parameters<typeof build>[0], n: number, subs: Array<{ name: string, sub: Subscriber }>, env: Record<string, string> = {}) {
  const prefix = testPrefix()
  t.teardown(() => deleteKeys(REDIS_URL, prefix))
  for (const s of subs) t.teardown(() => s.sub.close())
  const apps = []
  for (let i = 0; i < n; i++) {
    apps.push((await build(t, {
      env: {
        INTERCOM_CLIENT_SECRET: CLIENT_SECRET,
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        WEBHOOK_SUBSCRIPTIONS: subscriptionsEnv(subs.map((s) => ({ name: s.name, url: s.sub.url }))),
        WEBHOOK_LEASE_MS: '300',
        ...FAST_RETRIES,
        ...env
      }
    })).app)
  }
  return apps
}

test('two replicas on one Redis: a notification that reaches both is stored once', async (t) => {
  const [a, b] = await replicas(t, 2, [])
  const n = notification('contact.user.created')
  const answers = await Promise.all([deliverToIntake(a, n), deliverToIntake(b, n), deliverToIntake(a, n)])
  t.same(answers.map((r) => r.statusCode), [200, 200, 200])
  t.same(answers.map((r) => json(r).duplicate).sort(), [false, true, true], 'exactly one stored')
  const page = json(await b.inject({ url: '/webhooks/events' }))
  t.equal(page.total_count, 1)
  t.equal(page.data[0].id, n.id)
  t.same(page.data[0].notification, n)
})

test('two replicas deliver each notification once, in order, to each subscriber', async (t) => {
  const s1 = await startSubscriber()
  const s2 = await startSubscriber()
  const [a, b] = await replicas(t, 2, [{ name: 's1', sub: s1 }, { name: 's2', sub: s2 }])
  const sent = Array.from({ length: 30 }, (_, i) => notification(`conversation.user.${i % 3 === 0 ? 'created' : 'replied'}`))
  for (const [i, n] of sent.entries()) t.equal((await deliverToIntake(i % 2 === 0 ? a : b, n)).statusCode, 200)
  await s1.waitFor(30)
  await s2.waitFor(30)
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(s1.received.map((r) => r.id), sent.map((n) => n.id), 's1: all, once, in order')
  t.same(s2.received.map((r) => r.id), sent.map((n) => n.id), 's2: all, once, in order')
})

test('a replica killed mid-delivery: another claims the notification and delivers it', async (t) => {
  const sub = await startSubscriber()
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  // The first attempt hangs; the replica making it is killed meanwhile; later attempts are answered.
  sub.hold = (n) => (n === 1 ? held : Promise.resolve())
  const apps = await replicas(t, 2, [{ name: 'only', sub }])
  const first = notification('contact.user.created')
  const second = notification('contact.user.updated')
  await deliverToIntake(apps[0], first)
  await deliverToIntake(apps[1], second)
  await eventually(() => sub.attempts === 1, 5_000, 'the first attempt')
  const { Redis } = await import('ioredis')
  const redis = new Redis(REDIS_URL)
  t.teardown(() => redis.quit())
  const holder = await redis.get(`${prefix(apps[0])}webhooks:lease:only`)
  const victim = apps.find((a) => a.webhooks.loops.owner === holder)
  const survivor = apps.find((a) => a !== victim)
  t.ok(victim !== undefined && survivor !== undefined, 'one replica holds the lease')
  await victim!.webhooks.loops.kill()
  release()
  await sub.waitFor(2, 10_000)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.same(sub.received.map((r) => r.id), [first.id, second.id], 'both delivered, once, in order, by the survivor')
  t.ok(sub.attempts >= 3, 'the killed attempt was made again')
  t.equal(await redis.get(`${prefix(apps[0])}webhooks:lease:only`), survivor!.webhooks.loops.owner, 'the survivor holds the lease')
})

function prefix (app: { webhooks: { store: unknown } }): string {
  return (app.webhooks.store as { opts: { keyPrefix: string } }).opts.keyPrefix
}
