/**
 * Traces through real HTTP with the OpenTelemetry SDK's in-memory exporter: the span tree and
 * attributes of an upsert, a retried 429 and a passthrough call, a caller's `traceparent`
 * continued, and `trace_id`/`span_id` on the request's log lines.
 */
import t0 from 'tap'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import app, { fastifyOptions } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startEmulator } from '../../src/emulator/index.js'
import { startTracing } from '../../src/tracing.js'

const exporter = new InMemorySpanExporter()
const tracing = await startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] })

const logLines: Array<Record<string, unknown>> = []
const logStream = new Writable({
  write (chunk, _enc, done) {
    for (const line of String(chunk).split('\n')) if (line !== '') logLines.push(JSON.parse(line))
    done()
  }
})

const emulator = await startEmulator({ searchLagMs: 0 })
const config = loadConfig({
  INTERCOM_ACCESS_TOKEN: emulator.token,
  INTERCOM_BASE_URL: emulator.url,
  UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: '10',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0'
})
const fastify = Fastify(fastifyOptions(config, { level: 'info', stream: logStream }, tracing))
await fastify.register(app, { config, tracing })
await fastify.ready()

t0.teardown(async () => {
  await fastify.close()
  await emulator.close()
  await tracing.shutdown()
})

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

function spansOf (traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId)
}
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId

t0.test('an upsert is one trace: the route span continues the caller, one child per Intercom call, one grandchild per attempt', async (t) => {
  exporter.reset()
  const res = await fastify.inject({
    method: 'POST',
    url: '/contacts/upsert',
    headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    payload: { external_id: 'trace-user-1', email: 'trace-1@example.com', name: 'Traced' }
  })
  t.equal(res.statusCode, 200, res.body)
  const spans = spansOf(TRACE_ID)
  const route = spans.find((s) => s.name === 'request')
  t.ok(route, 'a route span in the caller\'s trace')
  t.equal(parentOf(route!), CALLER_SPAN, 'the route span\'s parent is the caller\'s span')
  const calls = spans.filter((s) => s.name.startsWith('intercom ') && !s.name.startsWith('intercom attempt'))
  t.ok(calls.length >= 2, `an upsert of a new contact makes a look-up and a create (${calls.map((s) => s.name).join(', ')})`)
  for (const call of calls) {
    t.equal(parentOf(call), route!.spanContext().spanId, `${call.name} is a child of the route span`)
    t.equal(call.attributes['http.request.method'], call.name.endsWith('CreateContact') ? 'POST' : call.attributes['http.request.method'])
    t.type(call.attributes['url.template'], 'string')
    t.notMatch(String(call.attributes['url.template']), /trace-user-1|trace-1@example\.com/, 'no id or email in the template')
    t.equal(call.attributes['intercom.attempts'], 1)
    t.type(call.attributes['http.response.status_code'], 'number')
    const attempts = spans.filter((s) => parentOf(s) === call.spanContext().spanId)
    t.equal(attempts.length, 1, `${call.name} has one attempt span`)
    t.equal(attempts[0].attributes['intercom.attempt'], 1)
  }
  const create = calls.find((s) => s.attributes['intercom.operation_id'] === 'CreateContact')
  t.ok(create, 'the CreateContact call is traced')
  t.equal(create!.attributes['url.template'], '/contacts')
  t.equal(create!.attributes['http.response.status_code'], 200)
  t.type(create!.attributes['intercom.request_id'], 'string', "Intercom's request id is on the span")
  for (const s of spans) {
    for (const v of Object.values(s.attributes)) t.notMatch(String(v), /trace-1@example\.com/, `no email in ${s.name}'s attributes`)
  }
})

t0.test('a 429 retried: the call span has two attempts, the retry reason and an event; the attempts carry their statuses', async (t) => {
  exporter.reset()
  emulator.fault({ method: 'POST', path: '/contacts', status: 429, headers: { 'Retry-After': '0' } })
  const traceId = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'
  const res = await fastify.inject({
    method: 'POST',
    url: '/contacts',
    headers: { traceparent: `00-${traceId}-${CALLER_SPAN}-01` },
    payload: { external_id: 'trace-429' }
  })
  t.equal(res.statusCode, 200, res.body)
  const spans = spansOf(traceId)
  const call = spans.find((s) => s.name === 'intercom CreateContact')
  t.ok(call)
  t.equal(call!.attributes['intercom.attempts'], 2)
  t.equal(call!.attributes['intercom.retry.reason'], 'status_429')
  const retry = call!.events.find((e) => e.name === 'retry')
  t.ok(retry, 'a retry event')
  t.equal(retry!.attributes?.['intercom.retry.reason'], 'status_429')
  const attempts = spans.filter((s) => parentOf(s) === call!.spanContext().spanId).sort((a, b) => Number(a.attributes['intercom.attempt']) - Number(b.attributes['intercom.attempt']))
  t.same(attempts.map((s) => [s.attributes['intercom.attempt'], s.attributes['http.response.status_code']]), [[1, 429], [2, 200]])
})

t0.test('a passthrough call is a span with the passthrough template, never the path sent', async (t) => {
  exporter.reset()
  const traceId = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2'
  const res = await fastify.inject({ method: 'GET', url: '/intercom/contacts/find_by_external_id/secret-ext', headers: { traceparent: `00-${traceId}-${CALLER_SPAN}-01` } })
  t.ok(res.statusCode === 200 || res.statusCode === 404, res.body)
  const call = spansOf(traceId).find((s) => s.name === 'intercom passthrough')
  t.ok(call, 'the passthrough call is traced')
  t.equal(call!.attributes['url.template'], '/intercom/*')
  t.equal(call!.attributes['http.request.method'], 'GET')
  t.notMatch(JSON.stringify(call!.attributes), /secret-ext/)
})

t0.test('log lines written during a traced request carry its trace_id and span_id', async (t) => {
  logLines.length = 0
  const traceId = 'ccccccccccccccccccccccccccccccc3'
  const res = await fastify.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99', headers: { traceparent: `00-${traceId}-${CALLER_SPAN}-01` } })
  t.equal(res.statusCode, 404)
  const mine = logLines.filter((l) => l.trace_id === traceId)
  t.ok(mine.length >= 1, `the request's log lines carry trace_id (${JSON.stringify(logLines.map((l) => [l.msg, l.trace_id]))})`)
  for (const l of mine) t.match(l.span_id, /^[0-9a-f]{16}$/)
})

t0.test('every log line of a traced request carries its trace_id, Fastify\'s "incoming request" (written before any hook) and "request completed" included', async (t) => {
  logLines.length = 0
  exporter.reset()
  const traceId = 'ccccccccccccccccccccccccccccccc4'
  const res = await fastify.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99', headers: { traceparent: `00-${traceId}-${CALLER_SPAN}-01`, 'x-request-id': 'traced-log-lines-1' } })
  t.equal(res.statusCode, 404)
  const lines = logLines.filter((l) => l.reqId === 'traced-log-lines-1')
  t.same(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed').map((l) => l.msg), ['incoming request', 'request completed'], 'Fastify\'s own lines, once each, in order')
  const spanIds = spansOf(traceId).map((s) => s.spanContext().spanId)
  t.ok(spanIds.length >= 1)
  for (const l of lines) {
    t.equal(l.trace_id, traceId, `"${String(l.msg)}" carries trace_id`)
    t.ok(spanIds.includes(String(l.span_id)), `"${String(l.msg)}" carries the span_id of a span of the request`)
  }
  t.match(lines[0], { msg: 'incoming request', req: { method: 'GET', route: '/contacts/:id' } }, 'the incoming line keeps its shape')
})
