/**
 * Tracing (OpenTelemetry), configured only by the standard `OTEL_*` variables and off unless an
 * OTLP endpoint is set (`config.tracing`, src/config.ts). Off, the entry never imports this
 * module: no SDK, no hooks, no per-request work.
 *
 * On, `startTracing` starts the Node SDK (`@opentelemetry/sdk-node`: OTLP exporter, W3C trace
 * context, `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`... read by the SDK itself) and answers:
 * - `plugin`: `@fastify/otel`'s Fastify plugin, one `request` span per inbound request that
 *   continues a caller's `traceparent` (lifecycle-hook spans off: they cost more than they tell);
 * - `calls`: the upstream client's `CallTracer` (src/upstream/observer.ts): one CLIENT span per
 *   Intercom call (`intercom <operationId>`: method, path template, status, Intercom's request
 *   id, attempts, last retry reason) with one child span per attempt and a `rate_budget.wait`
 *   event when the call queued for budget;
 * - `logMixin`: pino's `mixin`, so every log line written under an active span carries `trace_id`
 *   and `span_id`;
 * - `shutdown`: flush and stop (the entry calls it on close).
 *
 * Path templates come from Intercom's vendored description (`/contacts/{contact_id}`), never the
 * path sent: ids and emails never reach a span.
 */
import { context, trace, SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { FastifyPluginCallback } from 'fastify'
import type { CallTrace, CallTracer } from './upstream/observer.js'

/** What the entry and the app need of a started tracing. */
export interface Tracing {
  /** `@fastify/otel`'s plugin: register it first, before any route. */
  plugin: FastifyPluginCallback
  /** Spans around each Intercom call and attempt, for the upstream client. */
  calls: CallTracer
  /** pino `mixin`: `{ trace_id, span_id }` of the active span, else `{}`. */
  logMixin: () => Record<string, string>
  /** Flush pending spans and stop the SDK. */
  shutdown: () => Promise<void>
}

/** The tracer name of the service's own spans. */
export const TRACER_NAME = 'intercom-facade'

/**
 * Start the OpenTelemetry Node SDK (the entry calls it when `config.tracing` is true: an OTLP
 * endpoint is set). `spanProcessors` replaces the exporter the environment names (tests pass an
 * in-memory one). Only traces are configured here: metrics stay with Prometheus (/metrics), and
 * the SDK's own metric and log exporters are off unless `OTEL_METRICS_EXPORTER` /
 * `OTEL_LOGS_EXPORTER` say otherwise.
 */
export async function startTracing (opts: { spanProcessors?: SpanProcessor[] } = {}): Promise<Tracing> {
  const [{ NodeSDK }, { FastifyOtelInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@fastify/otel')
  ])
  // The SDK reads these from process.env; traces are what this module is for.
  process.env.OTEL_METRICS_EXPORTER ??= 'none'
  process.env.OTEL_LOGS_EXPORTER ??= 'none'
  const fastifyOtel = new FastifyOtelInstrumentation({ instrumentHooks: false, instrumentHandler: false })
  const sdk = new NodeSDK({
    ...(process.env.OTEL_SERVICE_NAME ? {} : { serviceName: TRACER_NAME }),
    instrumentations: [fastifyOtel],
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : {})
  })
  sdk.start()
  const tracer = trace.getTracer(TRACER_NAME)
  const templates = await loadTemplates()
  return {
    plugin: fastifyOtel.plugin() as unknown as FastifyPluginCallback,
    calls: { startCall: (e) => new OtelCallTrace(tracer, templates, e) },
    logMixin (): Record<string, string> {
      const span = trace.getActiveSpan()
      if (span === undefined) return {}
      const { traceId, spanId } = span.spanContext()
      return { trace_id: traceId, span_id: spanId }
    },
    shutdown: async () => { await sdk.shutdown() }
  }
}

/** One Intercom call's span and its attempts' child spans. */
class OtelCallTrace implements CallTrace {
  private readonly span: Span
  private readonly parent: ReturnType<typeof context.active>
  private attemptSpan: Span | undefined
  private attempts = 0
  private lastRetryReason: string | undefined

  constructor (private readonly tracer: Tracer, templates: PathTemplates, e: { operationId: string, method: string, path: string, origin: string }) {
    const template = e.operationId === 'passthrough' ? '/intercom/*' : templates.match(e.method, e.path)
    this.span = tracer.startSpan(`intercom ${e.operationId}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'intercom.operation_id': e.operationId,
        'http.request.method': e.method,
        'url.template': template,
        'server.address': new URL(e.origin).hostname
      }
    })
    this.parent = trace.setSpan(context.active(), this.span)
  }

  queued (waitedMs: number): void {
    this.span.addEvent('rate_budget.wait', { 'intercom.rate_budget.wait_ms': Math.round(waitedMs) })
  }

  attemptStart (attempt: number): void {
    this.attempts = attempt
    this.attemptSpan = this.tracer.startSpan(`intercom attempt ${attempt}`, { kind: SpanKind.CLIENT, attributes: { 'intercom.attempt': attempt } }, this.parent)
  }

  attemptEnd (status: number | null, errorCode?: string): void {
    const s = this.attemptSpan
    if (s === undefined) return
    this.attemptSpan = undefined
    if (status !== null) s.setAttribute('http.response.status_code', status)
    if (errorCode !== undefined) {
      s.setAttribute('error.type', errorCode)
      s.setStatus({ code: SpanStatusCode.ERROR })
    } else if (status !== null && status >= 400) s.setStatus({ code: SpanStatusCode.ERROR })
    s.end()
  }

  retry (reason: string, attempt: number, delayMs: number): void {
    this.lastRetryReason = reason
    this.span.addEvent('retry', { 'intercom.retry.reason': reason, 'intercom.attempt': attempt, 'intercom.retry.delay_ms': Math.round(delayMs) })
  }

  end (status: number | null, requestId?: string, errorKind?: string): void {
    this.attemptEnd(status, errorKind)
    const s = this.span
    s.setAttribute('intercom.attempts', this.attempts)
    if (this.lastRetryReason !== undefined) s.setAttribute('intercom.retry.reason', this.lastRetryReason)
    if (status !== null) s.setAttribute('http.response.status_code', status)
    if (requestId !== undefined) s.setAttribute('intercom.request_id', requestId)
    if (errorKind !== undefined) s.setAttribute('error.type', errorKind)
    if (errorKind !== undefined || (status !== null && status >= 500)) s.setStatus({ code: SpanStatusCode.ERROR })
    s.end()
  }
}

/** (method, concrete path) → Intercom's path template, from the vendored description. */
interface PathTemplates { match: (method: string, path: string) => string }

/** Compile every path template of the vendored description to a matcher, most literal first. */
async function loadTemplates (): Promise<PathTemplates> {
  const { loadIntercomSpec } = await import('./intercom-spec/load.js')
  const spec = await loadIntercomSpec()
  const byMethod = new Map<string, Array<{ re: RegExp, template: string, literals: number }>>()
  for (const [template, item] of Object.entries((spec.document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    const re = new RegExp('^' + template.split('/').map((seg) => /^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/') + '$')
    const literals = template.split('/').filter((seg) => seg !== '' && !seg.startsWith('{')).length
    for (const method of Object.keys(item)) {
      const m = method.toUpperCase()
      let list = byMethod.get(m)
      if (list === undefined) byMethod.set(m, list = [])
      list.push({ re, template, literals })
    }
  }
  for (const list of byMethod.values()) list.sort((a, b) => b.literals - a.literals)
  return {
    match (method, path) {
      const bare = path.split('?')[0]
      for (const t of byMethod.get(method) ?? []) if (t.re.test(bare)) return t.template
      return '{unknown}'
    }
  }
}
