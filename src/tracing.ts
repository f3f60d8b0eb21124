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
 * - `webhooks`: the webhooks' tracer (src/webhooks/tracing.ts): the intake's outcome on its route
 *   span (`messaging.message.id` = notification id, `messaging.destination.name` = topic,
 *   `intercom.app_id`, `intercom.webhook.outcome` stored | duplicate | rejected, `error.type` = the
 *   rejection reason) and the span's W3C `traceparent` stored with the notification; one CLIENT span
 *   per delivery attempt (`webhook deliver <subscriber>`: a new trace with a link to the intake's
 *   span; subscriber, attempt number, `http.response.status_code`, outcome) whose context the POST
 *   carries as `traceparent`;
 * - `logMixin`: pino's `mixin`, so every log line written under an active span carries `trace_id`
 *   and `span_id`; `logController` (Fastify's `logController` option) moves Fastify's "incoming
 *   request" line inside the request's span: Fastify writes it before any onRequest hook, so
 *   before @fastify/otel's starts the span; here an onRequest hook right after that one writes it;
 * - `shutdown`: flush and stop (the entry calls it on close).
 *
 * Path templates come from Intercom's vendored description (`/contacts/{contact_id}`), never the
 * path sent: ids and emails never reach a span.
 */
import { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, type Link, type Span, type SpanContext, type Tracer } from '@opentelemetry/api'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { LogController, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { CallTrace, CallTracer } from './upstream/observer.js'
import type { AttemptInfo, AttemptOutcome, AttemptTrace, IntakeInfo, WebhookTracer } from './webhooks/tracing.js'

/** What the entry and the app need of a started tracing. */
export interface Tracing {
  /** `@fastify/otel`'s plugin and the "incoming request" log hook: register it first, before any route. */
  plugin: FastifyPluginAsync
  /** Spans around each Intercom call and attempt, for the upstream client. */
  calls: CallTracer
  /** Intake outcome on the route span, a span per delivery attempt, for src/webhooks. */
  webhooks: WebhookTracer
  /** pino `mixin`: `{ trace_id, span_id }` of the active span, else `{}`. */
  logMixin: () => Record<string, string>
  /** Fastify's `logController` option: the request's own log lines inside its span (see the file header). */
  logController: LogController
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
  const otelPlugin = fastifyOtel.plugin()
  const logController = new TracedLogController()
  const plugin = fp(async function tracing (instance) {
    await instance.register(otelPlugin)
    // Runs right after @fastify/otel's onRequest hook, inside the request's span.
    instance.addHook('onRequest', function logIncomingRequest (request, reply, done) {
      logController.incomingRequestInSpan(request, reply)
      done()
    })
  }, { name: 'tracing' })
  return {
    plugin,
    calls: { startCall: (e) => new OtelCallTrace(tracer, templates, e) },
    webhooks: webhookTracer(tracer),
    logController,
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

/**
 * Fastify's "incoming request" line, written inside the request's span: deferred from Fastify's
 * call (before any onRequest hook: no span yet) to `incomingRequestInSpan` (the tracing plugin's
 * onRequest hook, right after @fastify/otel's). "request completed" needs nothing: the response's
 * `finish` event runs in the context of the `end()` that the handler called inside the span.
 */
class TracedLogController extends LogController {
  override incomingRequest (): void {}

  incomingRequestInSpan (request: FastifyRequest, reply: FastifyReply): void {
    super.incomingRequest(request, reply)
  }
}

const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** A W3C `traceparent` (version 00) of a span context. */
function formatTraceparent (sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00'}`
}

/** The span context a stored `traceparent` names (remote), or undefined when it is not one. */
function parseTraceparent (value: string | undefined): SpanContext | undefined {
  const m = value === undefined ? null : TRACEPARENT_RE.exec(value)
  if (m === null) return undefined
  const sc: SpanContext = { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16) & TraceFlags.SAMPLED, isRemote: true }
  return trace.isSpanContextValid(sc) ? sc : undefined
}

/** The route span @fastify/otel started for a request, if any. */
function routeSpan (request: FastifyRequest): Span | undefined {
  if (typeof request.opentelemetry !== 'function') return undefined
  return request.opentelemetry().span ?? undefined
}

/** The webhooks' tracer (src/webhooks/tracing.ts): attributes on the intake's route span, a span per delivery attempt. */
function webhookTracer (tracer: Tracer): WebhookTracer {
  return {
    traceparent (request) {
      const span = routeSpan(request)
      return span === undefined ? undefined : formatTraceparent(span.spanContext())
    },
    intake (request, info: IntakeInfo) {
      const span = routeSpan(request)
      if (span === undefined) return
      span.setAttribute('intercom.webhook.outcome', info.outcome)
      if (info.notificationId !== undefined) span.setAttribute('messaging.message.id', info.notificationId)
      if (info.topic !== undefined) span.setAttribute('messaging.destination.name', info.topic)
      if (info.workspace !== undefined) span.setAttribute('intercom.app_id', info.workspace)
      if (info.cursor != null) span.setAttribute('intercom.webhook.cursor', info.cursor)
      if (info.reason !== undefined) span.setAttribute('error.type', info.reason)
    },
    attempt (info: AttemptInfo, headers) {
      const url = new URL(info.url)
      const linked = parseTraceparent(info.event.traceparent)
      const links: Link[] = linked === undefined ? [] : [{ context: linked }]
      const span = tracer.startSpan(`webhook deliver ${info.subscriber}`, {
        kind: SpanKind.CLIENT,
        root: true,
        links,
        attributes: {
          'http.request.method': 'POST',
          // Origin and path only: a query or user info in a configured URL may carry a token.
          'url.full': `${url.origin}${url.pathname}`,
          'server.address': url.hostname,
          'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          'messaging.message.id': info.event.notificationId,
          'messaging.destination.name': info.event.topic,
          'intercom.app_id': info.event.workspace,
          'intercom.webhook.subscriber': info.subscriber,
          'intercom.webhook.attempt': info.attempt,
          ...(info.attempt > 1 ? { 'http.request.resend_count': info.attempt - 1 } : {})
        }
      })
      propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers)
      return new OtelAttemptTrace(span)
    }
  }
}

/** One delivery attempt's span. */
class OtelAttemptTrace implements AttemptTrace {
  constructor (private readonly span: Span) {}

  end (status: number | null, outcome: AttemptOutcome, error?: string): void {
    const s = this.span
    s.setAttribute('intercom.webhook.outcome', outcome)
    if (status !== null) s.setAttribute('http.response.status_code', status)
    if (outcome !== 'delivered') {
      // error.type: the status code when the subscriber answered, else the error's code (ECONNREFUSED, UND_ERR_...).
      s.setAttribute('error.type', status !== null ? String(status) : (error ?? 'error').split(':')[0])
      s.setStatus({ code: SpanStatusCode.ERROR, message: error })
    }
    s.end()
  }
}
