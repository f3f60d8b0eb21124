/**
 * The sandbox loop: the emulator's writes become signed notifications posted to the service's
 * intake (src/emulator/webhooks.ts), stored, and delivered to a subscriber: an upsert through the
 * facade reaches the subscriber as `contact.user.created`. Also the topic of each emulated write.
 */
import { test, type Test } from 'tap'
import Fastify from 'fastify'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startEmulator } from '../../src/emulator/index.js'
import { WebhookEmitter, sandboxEmitter } from '../../src/emulator/webhooks.js'
import { FAST_RETRIES, startSubscriber, subscriptionsEnv } from './helpers.js'

async function sandbox (t: Test, topics: string[]) {
  const sub = await startSubscriber()
  t.teardown(() => sub.close())
  const emitter = sandboxEmitter(undefined)
  const emulator = await startEmulator({ seed: true, webhooks: emitter })
  const config = loadConfig({
    INTERCOM_ACCESS_TOKEN: emulator.token,
    INTERCOM_BASE_URL: emulator.url,
    LOG_LEVEL: 'silent',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    WEBHOOK_SUBSCRIPTIONS: subscriptionsEnv([{ name: 'test', url: sub.url, topics }]),
    ...FAST_RETRIES
  })
  const fastify = Fastify(fastifyOptions(config, false))
  await fastify.register(app, { config: { ...config, webhooks: { ...config.webhooks, clientSecret: emitter.secret } } })
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  emitter.sendTo(fastify.server.address())
  t.teardown(async () => {
    await fastify.close()
    await emulator.close()
    await emitter.close()
  })
  return { fastify, sub, emitter, emulator }
}

test('an upsert through the facade reaches a subscriber as contact.user.created', async (t) => {
  const { fastify, sub, emitter } = await sandbox(t, ['contact.*'])
  const res = await fastify.inject({ method: 'POST', url: '/contacts/upsert', payload: { role: 'user', email: 'loop@example.com', external_id: 'loop-1', name: 'Loop' } })
  t.equal(res.statusCode, 200, res.body)
  const contact = JSON.parse(res.body).contact
  await sub.waitFor(1)
  t.equal(sub.received[0].topic, 'contact.user.created')
  const item = (sub.received[0].body.data as { item: { id: string, email: string } }).item
  t.equal(item.id, contact.id)
  t.equal(item.email, 'loop@example.com')
  t.equal(sub.badSignatures, 0, 'Standard Webhooks signature verified')
  t.same(emitter.stats, { sent: 1, failed: 0 }, 'the emulator\'s notification was accepted by the intake (signature verified)')
  // The update is the next notification, in order.
  const again = await fastify.inject({ method: 'POST', url: '/contacts/upsert', payload: { role: 'user', email: 'loop@example.com', external_id: 'loop-1', name: 'Loop Two' } })
  t.equal(again.statusCode, 200)
  await sub.waitFor(2)
  t.same(sub.received.map((r) => r.topic), ['contact.user.created', 'contact.user.updated'])
})

test('emulated writes map to Intercom topics', async (t) => {
  const { emulator, sub, emitter } = await sandbox(t, ['*'])
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}${path}`, { method, headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const json = await res.json() as Record<string, any>
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const admin = await call('GET', '/me')
  const lead = await call('POST', '/contacts', { role: 'lead', email: 'lead@example.com' })
  const user = await call('POST', '/contacts', { role: 'user', email: 'user@example.com' })
  await call('PUT', `/contacts/${user.id}`, { name: 'User' })
  const message = await call('POST', '/conversations', { from: { type: 'user', id: user.id }, body: 'Hello' })
  const cid = message.conversation_id
  await call('POST', `/conversations/${cid}/reply`, { message_type: 'comment', type: 'user', intercom_user_id: user.id, body: 'More' })
  await call('POST', `/conversations/${cid}/reply`, { message_type: 'comment', type: 'admin', admin_id: admin.id, body: 'Answer' })
  await call('POST', `/conversations/${cid}/parts`, { message_type: 'assignment', type: 'admin', admin_id: admin.id, assignee_id: admin.id })
  await call('POST', `/conversations/${cid}/parts`, { message_type: 'snoozed', admin_id: admin.id, snoozed_until: Math.floor(Date.now() / 1000) + 3600 })
  await call('POST', `/conversations/${cid}/parts`, { message_type: 'close', type: 'admin', admin_id: admin.id })
  await call('POST', '/companies', { company_id: 'co-1', name: 'Co' })
  const tag = await call('POST', '/tags', { name: 'vip' })
  await call('POST', `/contacts/${user.id}/tags`, { id: tag.id })
  await call('DELETE', `/contacts/${lead.id}`)
  const expected = ['contact.lead.created', 'contact.user.created', 'contact.user.updated', 'conversation.user.created', 'conversation.user.replied',
    'conversation.admin.replied', 'conversation.admin.assigned', 'conversation.admin.snoozed', 'conversation.admin.closed', 'company.created',
    'contact.user.tag.created', 'contact.deleted']
  await sub.waitFor(expected.length)
  t.same(sub.received.map((r) => r.topic), expected)
  t.equal(emitter.stats.failed, 0)
  const created = sub.received[3].body as { data: { item: { type: string, id: string } } }
  t.equal(created.data.item.type, 'conversation')
  t.equal(created.data.item.id, cid)
})

test('an emitter with the wrong secret is refused by the intake (401), and gives up after its attempts', async (t) => {
  const { fastify } = await sandbox(t, ['*'])
  const wrong = new WebhookEmitter({ secret: 'not-the-secret', attempts: 2, retryDelayMs: 1 })
  wrong.sendTo(fastify.server.address())
  wrong.enqueue('sbx0emu1', 'contact.user.created', { type: 'contact', id: 'x' })
  await wrong.close()
  t.same(wrong.stats, { sent: 0, failed: 1 })
  t.equal(JSON.parse((await fastify.inject({ url: '/webhooks/events' })).body).total_count, 0)
})
