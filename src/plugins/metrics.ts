/**
 * metrics: `GET /metrics` in the Prometheus text format (prom-client), over a registry of this app's
 * own (so several apps in one process, as in the tests, never share counters).
 *
 * What is measured (units in seconds, as Prometheus names them):
 * - `http_requests_total{method,route,status_code}` and `http_request_duration_seconds{method,route,status_code}`:
 *   every answered request; `route` is the route pattern (`/contacts/:id`), never the raw URL, and
 *   `unmatched` for a request no route matched.
 * - `http_client_aborts_total{route}`: requests whose caller closed the connection before the answer
 *   (src/client-abort.ts), counted from the error path only.
 * - `intercom_requests_total{operation,method,version,status}` (`version`: the Intercom-Version sent) and `intercom_request_duration_seconds{operation,method}`:
 *   every upstream call, by Intercom operationId; `status` is Intercom's status code, or
 *   `error_<kind>` (connect, timeout, reset, aborted, protocol, too_large, cancelled) when no usable
 *   answer came.
 * - `intercom_retries_total{operation,reason}`: retried attempts, by reason (status_429, connect, ...).
 * - `intercom_calls_cancelled_total{operation}`: calls dropped before they were sent, because their
 *   caller went away while they waited for rate budget or a retry backoff.
 * - `intercom_queue_depth{workspace}`, `intercom_queue_wait_seconds{workspace}`: the rate-budget queue.
 * - `intercom_rate_limit_remaining{workspace}`, `intercom_rate_limit_limit{workspace}`,
 *   `intercom_rate_limit_reset_timestamp_seconds{workspace}`: Intercom's X-RateLimit-* as last seen.
 * - `intercom_rate_budget_fallback` (1 while the shared Redis budget is replaced by the local one)
 *   and `intercom_rate_budget_mode_changes_total{mode}`.
 * - `intercom_facade_ready`: 1 when the last `GET /readyz` answered 200, 0 when it answered otherwise
 *   (503: shutting down, Intercom not answering, or shed); absent before the first probe.
 * - prom-client's default process metrics (CPU, memory, event-loop lag, GC), prefixed `process_`/`nodejs_`.
 *
 * Labels never carry a token, an email or an id: routes are patterns, operations are Intercom
 * operationIds, and `workspace` is what the upstream observer reports (a hash of the token).
 * Upstream figures arrive through the observer seam (`fastify.intercom.addObserver`, src/upstream/observer.ts).
 */
import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { UpstreamObserver } from '../upstream/observer.js'
import { isClientAbort } from '../client-abort.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (GET /metrics renders it). */
    metrics: Registry
  }
}

/** Latency buckets in seconds, from 5 ms to 30 s (Intercom answers usually take 50..500 ms). */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Options: `collectDefaults` (default true) adds prom-client's process metrics. */
export interface MetricsOptions { collectDefaults?: boolean }

/**
 * Build the upstream observer that feeds the given registry's Intercom metrics. Exported so the
 * metric names and labels can be tested without an app.
 */
export function upstreamMetricsObserver (register: Registry): Required<UpstreamObserver> {
  const calls = new Counter({ name: 'intercom_requests_total', help: 'Intercom calls by operation, method, Intercom-Version and final status (or error_<kind>)', labelNames: ['operation', 'method', 'version', 'status'], registers: [register] })
  const latency = new Histogram({ name: 'intercom_request_duration_seconds', help: 'Intercom call duration in seconds, retries and queueing included', labelNames: ['operation', 'method'], buckets: LATENCY_BUCKETS_S, registers: [register] })
  const retries = new Counter({ name: 'intercom_retries_total', help: 'Intercom attempts retried, by operation and reason', labelNames: ['operation', 'reason'], registers: [register] })
  const cancelled = new Counter({ name: 'intercom_calls_cancelled_total', help: 'Intercom calls cancelled before they were sent (the caller went away while they waited for rate budget or a retry backoff), by operation', labelNames: ['operation'], registers: [register] })
  const queueDepth = new Gauge({ name: 'intercom_queue_depth', help: 'Requests waiting in the rate-budget queue', labelNames: ['workspace'], registers: [register] })
  const queueWait = new Histogram({ name: 'intercom_queue_wait_seconds', help: 'Time a request waited in the rate-budget queue, in seconds', labelNames: ['workspace'], buckets: LATENCY_BUCKETS_S, registers: [register] })
  // Every answer carries X-RateLimit-*: the last one per workspace is kept in a plain Map and set
  // on the three gauges at scrape time (collect), not three labelled sets per upstream answer.
  const lastSeen = new Map<string, { limit: number, remaining: number, resetAt: number }>()
  const rateGauge = (name: string, help: string, field: 'limit' | 'remaining' | 'resetAt'): Gauge =>
    new Gauge({
      name,
      help,
      labelNames: ['workspace'],
      registers: [register],
      collect () {
        for (const [workspace, seen] of lastSeen) this.set({ workspace }, seen[field])
      }
    })
  rateGauge('intercom_rate_limit_remaining', "Intercom's X-RateLimit-Remaining as last seen", 'remaining')
  rateGauge('intercom_rate_limit_limit', "Intercom's X-RateLimit-Limit as last seen", 'limit')
  rateGauge('intercom_rate_limit_reset_timestamp_seconds', "Intercom's X-RateLimit-Reset (Unix seconds) as last seen", 'resetAt')
  const fallback = new Gauge({ name: 'intercom_rate_budget_fallback', help: '1 while the shared (Redis) rate budget is replaced by the local in-memory one, else 0', registers: [register] })
  const modeChanges = new Counter({ name: 'intercom_rate_budget_mode_changes_total', help: 'Switches of the rate budget between redis and local', labelNames: ['mode'], registers: [register] })
  fallback.set(0)

  return {
    onCall (e) {
      const status = e.status === null ? `error_${e.errorKind ?? 'unknown'}` : String(e.status)
      calls.inc({ operation: e.operationId, method: e.method, version: e.version ?? '', status })
      latency.observe({ operation: e.operationId, method: e.method }, e.durationMs / 1000)
    },
    onRetry (e) {
      retries.inc({ operation: e.operationId, reason: e.reason })
    },
    onQueue (e) {
      queueDepth.set({ workspace: e.workspace }, e.depth)
      queueWait.observe({ workspace: e.workspace }, e.waitedMs / 1000)
    },
    onRateLimit (e) {
      const seen = lastSeen.get(e.workspace)
      if (seen === undefined) lastSeen.set(e.workspace, { limit: e.limit, remaining: e.remaining, resetAt: e.resetAt })
      else { seen.limit = e.limit; seen.remaining = e.remaining; seen.resetAt = e.resetAt }
    },
    onBudgetMode (e) {
      fallback.set(e.mode === 'local' ? 1 : 0)
      modeChanges.inc({ mode: e.mode })
    },
    onCancel (e) {
      cancelled.inc({ operation: e.operationId })
    }
  }
}

export default fp<MetricsOptions>(async function metrics (fastify, opts) {
  const register = new Registry()
  if (opts.collectDefaults !== false) collectDefaultMetrics({ register })
  fastify.decorate('metrics', register)

  const requests = new Counter({ name: 'http_requests_total', help: 'Requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status_code'], registers: [register] })
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'Time to answer a request, in seconds', labelNames: ['method', 'route', 'status_code'], buckets: LATENCY_BUCKETS_S, registers: [register] })

  const aborts = new Counter({ name: 'http_client_aborts_total', help: 'Requests whose caller closed the connection before the answer was written, by route pattern', labelNames: ['route'], registers: [register] })
  const ready = new Gauge({ name: 'intercom_facade_ready', help: '1 when the last GET /readyz answered 200, 0 when it did not (absent before the first probe)', registers: [register] })

  fastify.intercom.addObserver(upstreamMetricsObserver(register))

  // onError runs only for errors (before the error handler): no per-request work.
  fastify.addHook('onError', function (request, _reply, _error, done) {
    if (isClientAbort(request)) aborts.inc({ route: request.routeOptions.url ?? 'unmatched' })
    done()
  })

  fastify.addHook('onResponse', function (request, reply, done) {
    // The route pattern, never the URL: ids and emails in paths must not become label values.
    const route = request.routeOptions.url ?? 'unmatched'
    const labels = { method: request.method, route, status_code: String(reply.statusCode) }
    requests.inc(labels)
    duration.observe(labels, reply.elapsedTime / 1000)
    if (route === '/readyz') ready.set(reply.statusCode === 200 ? 1 : 0)
    done()
  })

  fastify.get('/metrics', {
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics',
      description: 'Prometheus text format: requests by route and status, Intercom calls by operation and status, retries, Intercom latency, rate-budget queue, Intercom rate-limit remaining per workspace, Redis fallback state, process metrics.'
    },
    logLevel: 'warn'
  }, async function (_request, reply) {
    const body = await register.metrics()
    return reply.type(register.contentType).send(body)
  })
}, { name: 'metrics', dependencies: ['upstream'] })
