/**
 * webhooks: Intercom's notifications in (routes/webhooks: the intake and the operator routes), the
 * store (Redis Stream per workspace when REDIS_URL is set, else an in-process log that is NOT
 * durable: the start-up log says so, and `fastify.webhooks.status()` reports it for /readyz), and
 * the delivery loops to WEBHOOK_SUBSCRIPTIONS (started on ready, stopped on close). With tracing on,
 * `tracer` (src/webhooks/tracing.ts) puts the intake's outcome on its request span and makes a span
 * per delivery attempt. Decorates `fastify.webhooks`.
 */
import fp from 'fastify-plugin'
import type { AppConfig } from '../config.js'
import { DeliveryLoops } from './delivery.js'
import { webhookMetrics, type WebhookMetrics } from './metrics.js'
import { MemoryWebhookStore, type WebhookStore } from './store.js'
import type { WebhookTracer } from './tracing.js'
import webhookRoutes from '../../routes/webhooks/index.js'

/** What /readyz and the README call the store: `durable` false means notifications are lost on restart. */
export interface WebhooksStatus { store: 'redis' | 'memory', durable: boolean, subscribers: number, intake: 'open' | 'not_configured' }

export interface WebhooksService {
  store: WebhookStore
  loops: DeliveryLoops
  metrics: WebhookMetrics
  /** Set when tracing is on (src/tracing.ts); undefined: no tracing work. */
  tracer: WebhookTracer | undefined
  status (): WebhooksStatus
}

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhooksService
  }
}

/** Options: the app config; `owner` names this replica's consumer (tests); `tracer` when tracing is on. */
export interface WebhooksPluginOptions { config: AppConfig, owner?: string, tracer?: WebhookTracer }

export default fp<WebhooksPluginOptions>(async function webhooks (fastify, { config, owner, tracer }) {
  const w = config.webhooks
  const redisUrl = config.policy.redis.url
  const subscribers = w.subscriptions.map((s) => s.name)
  let store: WebhookStore
  if (redisUrl !== undefined) {
    const { RedisWebhookStore } = await import('./redis-store.js')
    store = new RedisWebhookStore({ url: redisUrl, keyPrefix: config.policy.redis.keyPrefix, dedupeTtlMs: w.dedupeTtlMs, retentionMs: w.retentionMs, subscribers })
    fastify.log.info({ webhooks: { store: 'redis', durable: true, subscribers } }, 'webhooks: notifications stored in Redis streams (durable, shared by replicas)')
  } else {
    store = new MemoryWebhookStore({ dedupeTtlMs: w.dedupeTtlMs, retentionMs: w.retentionMs })
    fastify.log.warn({ webhooks: { store: 'memory', durable: false, subscribers } }, 'webhooks: REDIS_URL is not set, so notifications are kept in process memory: NOT durable (lost on restart, not shared by replicas)')
  }
  if (w.clientSecret === undefined) fastify.log.warn({ webhooks: { intake: 'not_configured' } }, 'webhooks: INTERCOM_CLIENT_SECRET is not set, so POST /webhooks/intercom accepts nothing (503)')

  const metrics = webhookMetrics(fastify.metrics)
  const loops = new DeliveryLoops({ ...w, store, subscriptions: w.subscriptions, metrics, log: fastify.log, owner, tracer })
  fastify.decorate('webhooks', {
    store,
    loops,
    metrics,
    tracer,
    status: () => ({ store: store.kind, durable: store.durable, subscribers: subscribers.length, intake: w.clientSecret === undefined ? 'not_configured' : 'open' })
  } satisfies WebhooksService)

  fastify.addHook('onReady', async function () {
    try {
      await store.ensureSubscribers(subscribers)
    } catch (err) {
      fastify.log.error({ err }, 'webhooks: could not prepare the subscribers\' positions; the delivery loops retry')
    }
    loops.start()
  })
  fastify.addHook('onClose', async function () {
    await loops.stop()
    await store.close()
  })

  await fastify.register(webhookRoutes, { prefix: '/webhooks', clientSecret: w.clientSecret })
}, { name: 'webhooks', dependencies: ['metrics'] })
