import { t as tap, test } from 'tap'
import { Registry } from 'prom-client'
import { build, seedContact } from '../helper.js'
import { upstreamMetricsObserver } from '../../src/plugins/metrics.js'

// Each app here is built over a fresh emulator (spec loading, schema compilation): seconds apiece on
// a loaded 2-core machine. A generous per-file limit, not a timing assertion.
tap.setTimeout(300_000)

/** The value of one sample line `name{labels} value` in a Prometheus text body, or undefined. */
function sample (text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && line !== name && !line.startsWith(`${name} `)) continue
    const m = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3])
  }
  return undefined
}

test('GET /metrics counts requests by route pattern and status, and Intercom calls by operation and status', async (t) => {
  const { app, emulator } = await build(t)
  const ada = await seedContact(emulator, { external_id: 'user-metrics', email: 'secret.person@example.com' })
  await app.inject({ method: 'GET', url: `/contacts/${ada.id}` })
  await app.inject({ method: 'GET', url: `/contacts/${ada.id}` })
  await app.inject({ method: 'GET', url: '/contacts/6762f0dd1bb69f9f2193bb99' })
  await app.inject({ method: 'GET', url: '/contacts/by-external-id/secret.person%40example.com' })
  await app.inject({ method: 'GET', url: '/no/such/route' })

  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.equal(sample(text, 'http_requests_total', { method: 'GET', route: '/contacts/:id', status_code: '200' }), 2, 'two 200s on the route pattern')
  t.equal(sample(text, 'http_requests_total', { method: 'GET', route: '/contacts/:id', status_code: '404' }), 1)
  t.equal(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' }), 1, 'unmatched URLs share one label value')
  t.equal(sample(text, 'intercom_requests_total', { operation: 'ShowContact', method: 'GET', status: '200' }), 2)
  t.equal(sample(text, 'intercom_requests_total', { operation: 'ShowContact', method: 'GET', status: '404' }), 1)
  t.equal(sample(text, 'intercom_request_duration_seconds_count', { operation: 'ShowContact', method: 'GET' }), 3, 'latency histogram in seconds')
  t.ok(sample(text, 'http_request_duration_seconds_bucket', { route: '/contacts/:id', le: '+Inf' }), 'request histogram')
  t.equal(sample(text, 'intercom_rate_budget_fallback', {}), 0, 'Redis fallback state is exported')
  t.ok(sample(text, 'process_resident_memory_bytes', {}), 'process metrics')

  t.notOk(text.includes(ada.id), 'no contact id in any label')
  t.notOk(text.includes('secret.person'), 'no email in any label')
  t.notOk(text.includes('/no/such/route'), 'no raw URL in any label')
  t.notOk(text.includes(emulator.token), 'no token anywhere')
})

test('an upstream network failure is counted as error_<kind>', async (t) => {
  const { app } = await build(t, { env: { INTERCOM_BASE_URL: 'http://127.0.0.1:1' } })
  await app.inject({ method: 'GET', url: '/contacts/abc' })
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'intercom_requests_total', { operation: 'ShowContact', status: 'error_connect' }), 1)
})

test('retries, queue, rate-limit and budget-mode events (the issue-4 seam) become metrics', async (t) => {
  const register = new Registry()
  const observer = upstreamMetricsObserver(register)
  observer.onRetry({ operationId: 'ShowContact', method: 'GET', reason: 'status_429', attempt: 1, delayMs: 250 })
  observer.onRetry({ operationId: 'ShowContact', method: 'GET', reason: 'status_429', attempt: 2, delayMs: 500 })
  observer.onQueue({ workspace: 'ws-3f2a', depth: 4, waitedMs: 1500 })
  observer.onRateLimit({ workspace: 'ws-3f2a', limit: 10000, remaining: 9123, resetAt: 1795431760 })
  observer.onBudgetMode({ mode: 'local', reason: 'redis down' })
  const text = await register.metrics()
  t.equal(sample(text, 'intercom_retries_total', { operation: 'ShowContact', reason: 'status_429' }), 2)
  t.equal(sample(text, 'intercom_queue_depth', { workspace: 'ws-3f2a' }), 4)
  t.equal(sample(text, 'intercom_queue_wait_seconds_sum', { workspace: 'ws-3f2a' }), 1.5, 'queue wait in seconds')
  t.equal(sample(text, 'intercom_rate_limit_remaining', { workspace: 'ws-3f2a' }), 9123)
  t.equal(sample(text, 'intercom_rate_limit_limit', { workspace: 'ws-3f2a' }), 10000)
  t.equal(sample(text, 'intercom_rate_budget_fallback', {}), 1, 'fallback to local is 1')
  t.equal(sample(text, 'intercom_rate_budget_mode_changes_total', { mode: 'local' }), 1)
  observer.onBudgetMode({ mode: 'redis' })
  t.equal(sample(await register.metrics(), 'intercom_rate_budget_fallback', {}), 0, 'back on Redis is 0')
})

test('two apps in one process keep separate registries', async (t) => {
  const a = await build(t)
  const b = await build(t)
  await a.app.inject({ method: 'GET', url: '/healthz' })
  const text = (await b.app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'http_requests_total', { route: '/healthz' }), undefined)
})

test('passthrough calls are counted as operation "passthrough" with Intercom\'s status', async (t) => {
  const { app } = await build(t)
  await app.inject({ method: 'GET', url: '/intercom/me' })
  await app.inject({ method: 'GET', url: '/intercom/no-such-endpoint' })
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'intercom_requests_total', { operation: 'passthrough', method: 'GET', status: '200' }), 1)
  t.equal(sample(text, 'intercom_requests_total', { operation: 'passthrough', method: 'GET', status: '404' }), 1)
  t.equal(sample(text, 'http_requests_total', { route: '/intercom/*', status_code: '200' }), 1, 'the passthrough route is one label value')
})

test('end to end over the retry policy: a 429 then a 200 counts one retry by reason, and Intercom\'s rate-limit headers become gauges', async (t) => {
  const { app, emulator } = await build(t)
  const ada = await seedContact(emulator, { external_id: 'user-retry', email: 'retry@example.com' })
  emulator.fault({ method: 'GET', path: `/contacts/${ada.id}`, status: 429, headers: { 'retry-after': '0' } })
  const res = await app.inject({ method: 'GET', url: `/contacts/${ada.id}` })
  t.equal(res.statusCode, 200, 'the retry succeeded')
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(sample(text, 'intercom_retries_total', { operation: 'ShowContact', reason: 'status_429' }), 1)
  t.equal(sample(text, 'intercom_requests_total', { operation: 'ShowContact', status: '200' }), 1, 'one call, final status 200')
  t.match(text, /intercom_rate_limit_remaining\{workspace="[^"]+"\} \d+/, 'rate-limit remaining per workspace')
  t.notOk(text.includes(emulator.token), 'the workspace label is not the token')
})
