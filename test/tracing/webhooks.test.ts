/**
 * Webhooks traced, through real HTTP with the OpenTelemetry SDK's in-memory exporter: the intake's
 * outcome on its route span (stored, duplicate, rejected), one span per delivery attempt (a retried
 * failure is two) in a trace of its own with a span link to the intake's span, and the attempt's
 * `traceparent` received by the subscriber. Once with the in-process store and, when REDIS_URL is
 * set, once with the Redis store (the intake's traceparent kept in the stream entry).
 */
import t0 from 'tap'
import Fastify from 'fastify'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startEmulator } from '../../src/emulator/index.js'
import { startTracing } from '../../src/tracing.js'
import { CLIENT_SECRET, FAST_RETRIES, deleteKeys, deliverToIntake, eventually, notification, startSubscriber, subscriptionsEnv, testPrefix } from '../webhooks/helpers.js'

const exporter = new InMemorySpanExporter()
const tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const emulator = await startEmulator({ searchLagMs: 0 })
t0.teardown(async () => {
  await emulator.close()
  await tracing.shutdown()
})

const CALLER_SPAN = '00f067aa0ba902b7'
const stores = [{ name: 'in-process store', env: {} as Record<string, string> }]
if (process.env.REDIS_URL) stores.push({ name: 'Redis store', env: { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: testPrefix() } })

function spansOf (traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)
}

for (const [i, store] of stores.entries()) {
  t0.test(`${store.name}: the intake's outcome on its span; each delivery attempt a span linked to it; the subscriber gets the attempt's traceparent`, async (t) => {
    const ok = await startSubscriber()
    const flaky = await startSubscriber()
    // The first attempt to `flaky` fails: two attempt spans.
    flaky.fail = (n) => (n === 1 ? 503 : undefined)
    t.teardown(() => ok.close())
    t.teardown(() => flaky.close())
    const config = loadConfig({
      INTERCOM_ACCESS_TOKEN: emulator.token,
      INTERCOM_BASE_URL: emulator.url,
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      INTERCOM_CLIENT_SECRET: CLIENT_SECRET,
      WEBHOOK_SUBSCRIPTIONS: subscriptionsEnv([{ name: 'ok', url: ok.url }, { name: 'flaky', url: flaky.url }]),
      ...FAST_RETRIES,
      ...store.env
    })
    const fastify = Fastify(fastifyOptions(config, false, tracing))
    await fastify.register(app, { config, tracing })
    await fastify.ready()
    t.teardown(async () => {
      await fastify.close()
      if (store.env.REDIS_URL) await deleteKeys(store.env.REDIS_URL, store.env.REDIS_KEY_PREFIX)
    })
    exporter.reset()

    const traceId = `${'d'.repeat(31)}${i}`
    const sent = notification('contact.user.created')
    const traceparent = `00-${traceId}-${CALLER_SPAN}-01`
    const res = await fastify.inject({ method: 'POST', url: '/webhooks/intercom', headers: { traceparent, 'content-type': 'application/json', 'x-hub-signature': (await import('../../src/webhooks/signature.js')).signIntercom(JSON.stringify(sent), CLIENT_SECRET) }, payload: JSON.stringify(sent) })
    t.equal(res.statusCode, 200, res.body)
    const intake = spansOf(traceId).find((s) => s.name === 'request')
    t.ok(intake, 'the intake is a route span in the caller\'s trace')
    t.equal(intake!.parentSpanContext?.spanId, CALLER_SPAN)
    t.match(intake!.attributes, {
      'http.route': '/webhooks/intercom',
      'http.response.status_code': 200,
      'intercom.webhook.outcome': 'stored',
      'messaging.message.id': sent.id,
      'messaging.destination.name': 'contact.user.created',
      'intercom.app_id': 'a86dr8yl'
    })
    t.match(intake!.attributes['intercom.webhook.cursor'], /^\d+-\d+$/, 'the stream entry id')

    await ok.waitFor(1)
    await flaky.waitFor(1)
    const attemptsOf = (sub: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === `webhook deliver ${sub}`)
      .sort((a, b) => Number(a.attributes['intercom.webhook.attempt']) - Number(b.attributes['intercom.webhook.attempt']))
    await eventually(() => attemptsOf('ok').length === 1 && attemptsOf('flaky').length === 2, 5_000, 'the attempt spans')
    const okSpan = attemptsOf('ok')[0]
    const [failed, delivered] = attemptsOf('flaky')
    for (const s of [okSpan, failed, delivered]) {
      t.equal(s.kind, SpanKind.CLIENT)
      t.not(s.spanContext().traceId, traceId, `${s.name}: a trace of its own (the delivery happens later, maybe on another replica)`)
      t.equal(s.parentSpanContext, undefined, 'a root span')
      t.same(s.links.map((l) => [l.context.traceId, l.context.spanId]), [[traceId, intake!.spanContext().spanId]], 'linked to the intake\'s span')
      t.match(s.attributes, { 'http.request.method': 'POST', 'messaging.message.id': sent.id, 'messaging.destination.name': 'contact.user.created', 'server.address': '127.0.0.1' })
      t.equal(s.attributes['url.full'], s.name.endsWith('ok') ? ok.url : flaky.url)
    }
    t.match(okSpan.attributes, { 'intercom.webhook.subscriber': 'ok', 'intercom.webhook.attempt': 1, 'http.response.status_code': 204, 'intercom.webhook.outcome': 'delivered' })
    t.match(failed.attributes, { 'intercom.webhook.subscriber': 'flaky', 'intercom.webhook.attempt': 1, 'http.response.status_code': 503, 'intercom.webhook.outcome': 'failed', 'error.type': '503' })
    t.equal(failed.status.code, 2, 'the failed attempt is an error span')
    t.match(delivered.attributes, { 'intercom.webhook.attempt': 2, 'http.request.resend_count': 1, 'http.response.status_code': 204, 'intercom.webhook.outcome': 'delivered' })
    t.equal(delivered.attributes['error.type'], undefined)

    const sc = (s: ReadableSpan): string => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`
    t.equal(ok.received[0].traceparent, sc(okSpan), 'the subscriber received the attempt\'s traceparent')
    t.equal(flaky.received[0].traceparent, sc(delivered), 'the retried delivery carries its own attempt\'s traceparent')

    // A repeat of the id: acknowledged, said duplicate on its span, not delivered again.
    const dupTrace = `${'e'.repeat(31)}${i}`
    const dup = await fastify.inject({ method: 'POST', url: '/webhooks/intercom', headers: { traceparent: `00-${dupTrace}-${CALLER_SPAN}-01`, 'content-type': 'application/json', 'x-hub-signature': (await import('../../src/webhooks/signature.js')).signIntercom(JSON.stringify(sent), CLIENT_SECRET) }, payload: JSON.stringify(sent) })
    t.equal(dup.statusCode, 200)
    t.match(spansOf(dupTrace).find((s) => s.name === 'request')?.attributes, { 'intercom.webhook.outcome': 'duplicate', 'messaging.message.id': sent.id })

    // A wrong signature: rejected, with the reason as error.type.
    const badTrace = `${'f'.repeat(31)}${i}`
    const bad = await deliverToIntake(fastify, notification('contact.deleted'), { secret: 'not-the-secret' })
    t.equal(bad.statusCode, 401)
    const bad2 = await fastify.inject({ method: 'POST', url: '/webhooks/intercom', headers: { traceparent: `00-${badTrace}-${CALLER_SPAN}-01`, 'content-type': 'application/json', 'x-hub-signature': 'sha1=' + '0'.repeat(40) }, payload: JSON.stringify(notification('contact.deleted')) })
    t.equal(bad2.statusCode, 401)
    const rejected = spansOf(badTrace).find((s) => s.name === 'request')
    t.match(rejected?.attributes, { 'intercom.webhook.outcome': 'rejected', 'error.type': 'invalid_signature', 'http.response.status_code': 401 })
    t.equal(rejected?.attributes['messaging.message.id'], undefined, 'nothing of an unverified body on the span')
  })
}
