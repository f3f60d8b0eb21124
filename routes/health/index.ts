/**
 * Operational probes: GET /healthz (liveness) and GET /readyz (readiness: not shutting down, and
 * Intercom reachable with our token, checked with `identifyAdmin` at most once per
 * READINESS_CACHE_MS).
 *
 * The readiness check is shared by every caller (cached), so it depends on nothing a caller sends:
 * it runs under a context of its own (its own request id, no caller headers, so the configured
 * Intercom-Version, and its own deadline of `probeDeadlineMs`), never the request that found the
 * cache stale. Otherwise one `GET /readyz` with `X-Request-Deadline-Ms: 1` or
 * `Intercom-Version: 9.99` would take the replica out of rotation for everyone.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { randomUUID } from 'node:crypto'
import type { CallContext } from '../../src/upstream/client.js'
import { UpstreamHttpError } from '../../src/upstream/errors.js'

const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  sandbox: Type.Boolean(),
  checks: Type.Object({
    shutting_down: Type.Boolean(),
    upstream: Type.Object({ ok: Type.Boolean(), detail: Type.String(), checked_at: Type.String({ description: 'ISO 8601' }) }),
    rate_budget: Type.Optional(Type.Object({ mode: Type.Union([Type.Literal('redis'), Type.Literal('local')], { description: 'redis: shared across replicas; local: in-process (no REDIS_URL, or Redis unreachable: the fallback share)' }), shared: Type.Boolean({ description: 'REDIS_URL is set' }) })),
    webhooks: Type.Optional(Type.Object({
      store: Type.Union([Type.Literal('redis'), Type.Literal('memory')]),
      durable: Type.Boolean({ description: 'false: notifications are kept in process memory (no REDIS_URL) and lost on restart' }),
      subscribers: Type.Integer(),
      intake: Type.Union([Type.Literal('open'), Type.Literal('not_configured')], { description: 'not_configured: no INTERCOM_CLIENT_SECRET, the intake accepts nothing' })
    }))
  })
})

/**
 * Whether a budget store is the Redis one (it holds the `redis` connection). Checked by shape, not
 * `instanceof`, so this route does not import budget/redis-store.ts and, with it, ioredis.
 */
function isSharedStore (store: object): boolean {
  return 'redis' in store
}

/**
 * `readinessCacheMs`: how long one readiness check is reused; `probeDeadlineMs`: the check's own
 * deadline (queueing and retries included), REQUEST_DEADLINE_MS in the app.
 */
export interface HealthOptions { readinessCacheMs: number, sandbox: boolean, probeDeadlineMs: number }

/** No caller headers: the client sends the configured Intercom-Version. */
const NO_CALLER_HEADERS: CallContext['headers'] = Object.freeze({})

const health: FastifyPluginAsyncTypebox<HealthOptions> = async function (fastify, opts) {
  let last: { ok: boolean, detail: string, at: number } | undefined
  let pending: Promise<{ ok: boolean, detail: string, at: number }> | undefined

  /** One readiness check under its own context (see the file header). */
  async function probe () {
    const ctx: CallContext = { id: `readyz-${randomUUID()}`, headers: NO_CALLER_HEADERS, log: fastify.log, deadlineAt: Date.now() + opts.probeDeadlineMs }
    try {
      await fastify.intercom.call(ctx, { operationId: 'identifyAdmin', method: 'GET', path: '/me' })
      return { ok: true, detail: 'identifyAdmin answered', at: Date.now() }
    } catch (err) {
      const detail = err instanceof UpstreamHttpError ? `identifyAdmin answered ${err.status}` : `Intercom unreachable: ${(err as Error).message}`
      return { ok: false, detail, at: Date.now() }
    }
  }

  fastify.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness', description: 'Answers 200 while the process serves. Never calls Intercom.', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    logLevel: 'warn',
    // Probes depend on nothing a caller sends (src/plugins/intercom-version.ts).
    config: { intercomVersion: 'ignore' }
  }, async function () {
    return { status: 'ok' as const }
  })

  fastify.get('/readyz', {
    schema: { tags: ['operations'], summary: 'Readiness', description: 'Answers 200 when not shutting down and Intercom answered `identifyAdmin` (GET /me) within READINESS_CACHE_MS; else 503.', response: { 200: ReadySchema, 503: ReadySchema } },
    logLevel: 'warn',
    config: { intercomVersion: 'ignore' }
  }, async function (_request, reply) {
    if (!last || Date.now() - last.at > opts.readinessCacheMs) {
      pending ??= probe().finally(() => { pending = undefined })
      last = await pending
    }
    const ok = last.ok && !fastify.lifecycle.shuttingDown
    reply.code(ok ? 200 : 503)
    return {
      status: ok ? 'ready' as const : 'not_ready' as const,
      sandbox: opts.sandbox,
      checks: {
        shutting_down: fastify.lifecycle.shuttingDown,
        upstream: { ok: last.ok, detail: last.detail, checked_at: new Date(last.at).toISOString() },
        ...(fastify.intercom.policy ? { rate_budget: { mode: fastify.intercom.policy.budget.store.mode, shared: isSharedStore(fastify.intercom.policy.budget.store) } } : {}),
        ...(fastify.hasDecorator('webhooks') ? { webhooks: fastify.webhooks.status() } : {})
      }
    }
  })
}

export default health
