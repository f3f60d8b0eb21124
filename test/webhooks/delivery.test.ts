/**
 * Delivery to subscribers (in-process store, one replica): Standard Webhooks signatures verified
 * by the stock library, topic patterns, order per subscriber, retries with backoff while a
 * subscriber is down (others unaffected), dead-lettering, operator retry.
 */
import { test } from 'tap'
import { build, json } from '../helper.js'
import { CLIENT_SECRET, FAST_RETRIES, deliverToIntake, eventually, notification, startSubscriber, subscriptionsEnv, type Subscriber } from './helpers.js'

async function setup (t: Parameters<typeof build>[0], subs: Array<{ name: string, sub: Subscriber, topics?: string[] }>, env: Record<string, string> = {}) {
  for (const s of subs) t.teardown(() => s.sub.close())
  const { app } = await build(t, {
    env: {
      INTERCOM_CLIENT_SECRET: CLIENT_SECRET,
      WEBHOOK_SUBSCRIPTIONS: subscriptionsEnv(subs.map((s) => ({ name: s.name, url: s.sub.url, topics: s.topics }))),
      ...FAST_RETRIES,
      ...env
    }
  })
  return app
}

test('each subscriber gets its topics, in order, signed with Standard Webhooks', async (t) => {
  const all = await startSubscriber()
  const conv = await startSubscriber()
  const app = await setup(t, [{ name: 'all', sub: all }, { name: 'conversations', sub: conv, topics: ['conversation.*'] }])
  const sent = ['contact.user.created', 'conversation.user.created', 'conversation.admin.replied', 'contact.deleted', 'conversation.admin.closed']
    .map((topic) => notification(topic))
  for (const n of sent) t.equal((await deliverToIntake(app, n)).statusCode, 200)
  await all.waitFor(5)
  await conv.waitFor(3)
  t.same(all.received.map((r) => r.id), sent.map((n) => n.id), 'everything, in order, webhook-id = notification id')
  t.same(conv.received.map((r) => r.topic), ['conversation.user.created', 'conversation.admin.replied', 'conversation.admin.closed'])
  t.same(all.received[0].body, sent[0], 'the notification as Intercom sent it')
  t.equal(all.badSignatures + conv.badSignatures, 0, 'every signature verified')
  t.equal(all.received[0].traceparent, undefined, 'tracing off: no traceparent on the POST')
  // Counted once the subscriber's answer is read, just after it recorded the delivery.
  await eventually(async () => /intercom_webhook_deliveries_total\{subscriber="all",outcome="delivered"\} 5/.test((await app.inject({ url: '/metrics' })).body), 2_000, 'delivered counter')
  t.match((await app.inject({ url: '/metrics' })).body, /intercom_webhook_delivery_lag_seconds_count\{subscriber="conversations"\} 3/)
})

test('a subscriber down for a while gets everything once, in order, and does not slow the others', async (t) => {
  const down = await startSubscriber()
  const healthy = await startSubscriber()
  let up = false
  down.fail = () => (up ? undefined : 503)
  const app = await setup(t, [{ name: 'down', sub: down }, { name: 'healthy', sub: healthy }])
  const sent = Array.from({ length: 20 }, (_, i) => notification(i % 2 === 0 ? 'contact.user.created' : 'conversation.user.replied'))
  for (const n of sent) t.equal((await deliverToIntake(app, n)).statusCode, 200)
  await healthy.waitFor(20)
  t.equal(down.received.length, 0, 'the down subscriber has received nothing yet')
  await eventually(() => down.attempts >= 4, 10_000, 'retries to the down subscriber')
  const retrying = json(await app.inject({ url: '/webhooks/deliveries?status=retrying' }))
  t.equal(retrying.data.length, 1, 'one delivery retrying (the head of its queue)')
  t.equal(retrying.data[0].notification_id, sent[0].id)
  up = true
  await down.waitFor(20)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(down.received.map((r) => r.id), sent.map((n) => n.id), 'all 20, once each, in order')
  t.same(healthy.received.map((r) => r.id), sent.map((n) => n.id))
  const after = json(await app.inject({ url: '/webhooks/deliveries' }))
  t.same(after.data.map((d: { status: string }) => d.status), ['delivered'])
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /intercom_webhook_deliveries_total\{subscriber="down",outcome="failed"\} \d+/)
})

test('after WEBHOOK_MAX_ATTEMPTS a delivery is dead-lettered; an operator retry delivers it', async (t) => {
  const broken = await startSubscriber()
  let fixed = false
  broken.fail = () => (fixed ? undefined : 500)
  const app = await setup(t, [{ name: 'broken', sub: broken }], { WEBHOOK_MAX_ATTEMPTS: '3' })
  const first = notification('contact.user.created')
  const second = notification('contact.user.updated')
  await deliverToIntake(app, first)
  await deliverToIntake(app, second)
  await eventually(() => broken.attempts >= 6, 10_000, 'three attempts each')
  await eventually(async () => json(await app.inject({ url: '/webhooks/deliveries?status=failed' })).data.length === 2, 5_000, 'two dead letters')
  const failed = json(await app.inject({ url: '/webhooks/deliveries?status=failed' }))
  const dead = failed.data.find((d: { notification_id: string }) => d.notification_id === first.id)
  t.equal(dead.attempts, 3)
  t.equal(dead.subscriber, 'broken')
  t.match(dead.last_error, /500/)
  t.match((await app.inject({ url: '/metrics' })).body, /intercom_webhook_deliveries_total\{subscriber="broken",outcome="dead_lettered"\} 2/)

  fixed = true
  const retried = await app.inject({ method: 'POST', url: `/webhooks/deliveries/${encodeURIComponent(dead.id)}/retry` })
  t.equal(retried.statusCode, 202)
  t.equal(json(retried).status, 'pending')
  await broken.waitFor(1)
  t.equal(broken.received[0].id, first.id)
  await eventually(async () => json(await app.inject({ url: `/webhooks/deliveries?status=delivered` })).data.length === 1, 5_000, 'marked delivered')
  const again = await app.inject({ method: 'POST', url: `/webhooks/deliveries/${encodeURIComponent(dead.id)}/retry` })
  t.equal(again.statusCode, 409, 'a delivered delivery is not retried')
  t.equal((await app.inject({ method: 'POST', url: '/webhooks/deliveries/nope~x/retry' })).statusCode, 404)
})
