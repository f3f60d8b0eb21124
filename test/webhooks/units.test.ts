/**
 * The small pure parts of webhooks: WEBHOOK_SUBSCRIPTIONS parsing, topic patterns, backoff with
 * jitter, the Intercom signature helpers, and the memory store's dedupe TTL and retention
 * (with an injected clock).
 */
import { test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig, parseSubscriptions } from '../../src/config.js'
import { topicMatcher } from '../../src/webhooks/topics.js'
import { backoffMs } from '../../src/webhooks/delivery.js'
import { signIntercom, verifyIntercomSignature } from '../../src/webhooks/signature.js'
import { MemoryWebhookStore } from '../../src/webhooks/store.js'

const SUB = { name: 'crm', url: 'http://127.0.0.1:4100/hook', topics: ['contact.*'], secret: 'whsec_c3Vic2NyaWJlci1zZWNyZXQtYnl0ZXMh' }

test('WEBHOOK_SUBSCRIPTIONS: JSON or a file; bad entries named, secrets never printed', async (t) => {
  t.same(parseSubscriptions(undefined), [])
  t.same(parseSubscriptions(JSON.stringify([SUB])), [SUB])
  const dir = mkdtempSync(join(tmpdir(), 'subs-'))
  writeFileSync(join(dir, 'subs.json'), JSON.stringify([SUB]))
  t.same(parseSubscriptions(join(dir, 'subs.json')), [SUB])
  t.throws(() => parseSubscriptions('/nope/subs.json'), { name: 'ConfigError', message: /WEBHOOK_SUBSCRIPTIONS names a file that cannot be read \(ENOENT/ })
  t.throws(() => parseSubscriptions('{'), { message: /WEBHOOK_SUBSCRIPTIONS is not JSON/ })
  t.throws(() => parseSubscriptions('{}'), { message: /must be a JSON array/ })
  t.throws(() => parseSubscriptions(JSON.stringify([SUB, SUB])), { message: /entry #2: name crm is used twice/ })
  t.throws(() => parseSubscriptions(JSON.stringify([{ ...SUB, url: 'ftp://x' }])), { message: /entry #1 \(crm\): url must be an http\(s\) URL/ })
  t.throws(() => parseSubscriptions(JSON.stringify([{ ...SUB, topics: [] }])), { message: /topics must be a non-empty array/ })
  let message = ''
  try { parseSubscriptions(JSON.stringify([{ ...SUB, secret: 'short-secret' }])) } catch (err) { message = (err as Error).message }
  t.match(message, /secret must be a string of at least 16 characters/)
  t.notMatch(message, /short-secret/, 'the secret is not printed')
  t.throws(() => parseSubscriptions(JSON.stringify([{ ...SUB, secret: 'whsec_not*base64*at*all' }])), { message: /whsec_ followed by the base64 of at least 16 bytes/ })
  t.throws(() => loadConfig({ WEBHOOK_SUBSCRIPTIONS: '[1]' }), ConfigError)
  const c = loadConfig({ INTERCOM_CLIENT_SECRET: 's3cret', WEBHOOK_MAX_ATTEMPTS: '3' })
  t.equal(c.webhooks.clientSecret, 's3cret')
  t.equal(c.webhooks.maxAttempts, 3)
  t.equal(c.webhooks.dedupeTtlMs, 7 * 24 * 3_600_000)
})

test('topic patterns: exact topics and * for any run of characters', async (t) => {
  const m = topicMatcher(['conversation.*', 'contact.user.created'])
  t.ok(m('conversation.user.created'))
  t.ok(m('conversation.admin.closed'))
  t.ok(m('contact.user.created'))
  t.notOk(m('contact.lead.created'))
  t.notOk(m('conversationX'), 'the dot is literal')
  t.ok(topicMatcher(['*'])('ping'))
  t.ok(topicMatcher(['*.created'])('ticket.created'))
  t.notOk(topicMatcher(['*.created'])('ticket.state.updated'))
})

test('backoff doubles from the base up to the ceiling, scaled by a factor in [0.5, 1)', async (t) => {
  const policy = { retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 }
  t.same([1, 2, 3, 4, 5, 30].map((n) => backoffMs(n, policy, () => 0.999999)), [100, 200, 400, 800, 1000, 1000])
  t.same([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0)), [50, 100, 200, 400, 500])
})

test('Intercom signature: sha1=<hex> over the bytes', async (t) => {
  const raw = Buffer.from('{"a":1}')
  const sig = signIntercom(raw, 'secret')
  t.match(sig, /^sha1=[0-9a-f]{40}$/)
  t.equal(verifyIntercomSignature(raw, sig, 'secret'), 'ok')
  t.equal(verifyIntercomSignature(raw, sig.toUpperCase().replace('SHA1', 'sha1'), 'secret'), 'ok', 'hex case does not matter')
  t.equal(verifyIntercomSignature(raw, sig, 'other'), 'invalid')
  t.equal(verifyIntercomSignature(Buffer.from('{"a": 1}'), sig, 'secret'), 'invalid')
  t.equal(verifyIntercomSignature(raw, undefined, 'secret'), 'missing')
  t.equal(verifyIntercomSignature(raw, [sig, sig], 'secret'), 'invalid')
  t.equal(verifyIntercomSignature(raw, `${sig}00`, 'secret'), 'invalid')
})

test('memory store: dedupe for the TTL only, retention trims the oldest (injected clock)', async (t) => {
  let now = 1_000_000
  const store = new MemoryWebhookStore({ dedupeTtlMs: 1_000, retentionMs: 5_000, now: () => now })
  const ev = (id: string) => ({ workspace: 'w', topic: 'ping', notificationId: id, receivedAt: now, body: '{}' })
  t.equal((await store.append(ev('n1'))).duplicate, false)
  t.equal((await store.append(ev('n1'))).duplicate, true)
  now += 1_000
  t.equal((await store.append(ev('n1'))).duplicate, false, 'remembered for the TTL only')
  now += 10_000
  await store.append(ev('n2'))
  const page = await store.list({ limit: 10 })
  t.same(page.data.map((e) => e.notificationId), ['n2'], 'older than the retention: trimmed')
})
