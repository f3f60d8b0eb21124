/**
 * Delivery to internal subscribers: one loop per subscriber (WEBHOOK_SUBSCRIPTIONS), so a subscriber
 * that is down or slow holds up only its own loop. A loop holds the subscriber's lease in the store
 * (with Redis: one replica at a time per subscriber; a dead replica's lease expires after
 * WEBHOOK_LEASE_MS and another replica claims its unacknowledged events), reads the stored
 * notifications in order, and POSTs each matching one, as Intercom sent it, to the subscriber's
 * `url`, signed with Standard Webhooks (`webhook-id` = Intercom's notification id, the same on
 * every attempt; `webhook-timestamp` Unix seconds; `webhook-signature` `v1,<base64>`; the
 * `standardwebhooks` package). A 2xx within WEBHOOK_DELIVERY_TIMEOUT_MS is delivered; anything else
 * is retried after `min(maxDelay, base * 2^(n-1))` scaled by a random factor in [0.5, 1) (equal
 * jitter), until WEBHOOK_MAX_ATTEMPTS attempts or WEBHOOK_MAX_AGE_MS since arrival, then the
 * delivery is dead-lettered (record status `failed`) and the loop moves on. The next notification
 * waits for the one before (in order per subscriber). Deliveries go out through an undici Agent of
 * their own (never the Intercom pool). With tracing on (`tracer`, src/webhooks/tracing.ts), each
 * attempt is a span linked to the intake's, and its POST carries the attempt's `traceparent`.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleepFor } from 'node:timers/promises'
import { Agent, request, type Dispatcher } from 'undici'
import { Webhook } from 'standardwebhooks'
import type { WebhookSubscription } from '../config.js'
import type { WebhookMetrics } from './metrics.js'
import { deliveryId, type DeliveryRecord, type StoredEvent, type WebhookStore } from './store.js'
import { topicMatcher } from './topics.js'
import type { AttemptTrace, WebhookTracer } from './tracing.js'

/** Retry and timing settings, all milliseconds. */
export interface DeliveryPolicy {
  maxAttempts: number
  maxAgeMs: number
  retryBaseDelayMs: number
  retryMaxDelayMs: number
  deliveryTimeoutMs: number
  leaseMs: number
}

interface Logger { info: (o: object, m: string) => void, warn: (o: object, m: string) => void, error: (o: object, m: string) => void }

export interface DeliveryOptions extends DeliveryPolicy {
  store: WebhookStore
  subscriptions: WebhookSubscription[]
  metrics?: WebhookMetrics
  log?: Logger
  /** This replica's consumer name. Default a random UUID. */
  owner?: string
  /** Events read per batch (default 50) and how long a read waits for new ones (default 1000 ms). */
  batch?: number
  blockMs?: number
  /** Injectable for tests. */
  now?: () => number
  random?: () => number
  /** Dispatcher for the POSTs; default an Agent of its own, closed by stop(). */
  dispatcher?: Dispatcher
  /** Spans per attempt (tracing on); undefined: no tracing work. */
  tracer?: WebhookTracer
}

/** The delay before attempt `n + 1` after `n` failed attempts (equal jitter). */
export function backoffMs (n: number, policy: Pick<DeliveryPolicy, 'retryBaseDelayMs' | 'retryMaxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** Math.min(n - 1, 40))
  return Math.round(ceiling * (0.5 + random() * 0.5))
}

/** A Standard Webhooks signer for a subscriber secret: `whsec_<base64>` as the standard says, any other string as its UTF-8 bytes. */
export function signerFor (secret: string): Webhook {
  return secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(Buffer.from(secret, 'utf8'))
}

interface Lane {
  sub: WebhookSubscription
  match: (topic: string) => boolean
  signer: Webhook
  /** Aborted when the loop stops or its lease is lost. */
  held: AbortController | undefined
  done: Promise<void> | undefined
  /** When the operator's retry list was last looked at (ms), and whether the last read found nothing. */
  retriesCheckedAt: number
  idle: boolean
}

/** How often a busy loop looks for operator retries (an idle one looks before each read): ms. */
const RETRY_CHECK_MS = 1_000

/** The delivery loops of one replica. `start()` once; `stop()` on close. */
export class DeliveryLoops {
  readonly owner: string
  private readonly lanes: Lane[]
  private readonly stopping = new AbortController()
  private readonly agent: Dispatcher
  private readonly ownAgent: boolean
  private readonly now: () => number
  private readonly random: () => number
  private killed = false
  private stopped: Promise<void> | undefined

  constructor (private readonly opts: DeliveryOptions) {
    this.owner = opts.owner ?? randomUUID()
    this.now = opts.now ?? Date.now
    this.random = opts.random ?? Math.random
    this.ownAgent = opts.dispatcher === undefined
    this.agent = opts.dispatcher ?? new Agent({
      connections: 4,
      connectTimeout: Math.min(opts.deliveryTimeoutMs, 5_000),
      headersTimeout: opts.deliveryTimeoutMs,
      bodyTimeout: opts.deliveryTimeoutMs,
      keepAliveTimeout: 10_000
    })
    this.lanes = opts.subscriptions.map((sub) => ({ sub, match: topicMatcher(sub.topics), signer: signerFor(sub.secret), held: undefined, done: undefined, retriesCheckedAt: 0, idle: true }))
  }

  /** The configured subscriber names. */
  get subscribers (): string[] {
    return this.lanes.map((l) => l.sub.name)
  }

  start (): void {
    for (const lane of this.lanes) lane.done ??= this.run(lane)
  }

  /** Stop the loops (an attempt in flight is abandoned, not acknowledged: it is delivered again later) and release the leases. */
  async stop (): Promise<void> {
    this.stopped ??= this.shutdown()
    return this.stopped
  }

  private async shutdown (): Promise<void> {
    this.stopping.abort()
    for (const lane of this.lanes) lane.held?.abort()
    await Promise.all(this.lanes.map((l) => l.done))
    if (!this.killed) {
      await Promise.all(this.lanes.map((l) => this.opts.store.releaseLease(l.sub.name, this.owner).catch(() => {})))
    }
    if (this.ownAgent) await this.agent.close()
  }

  /** For tests: stop like a crashed replica, keeping the leases and the unacknowledged reads. */
  async kill (): Promise<void> {
    this.killed = true
    await this.stop()
  }

  private async pause (ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await sleepFor(ms, undefined, { signal })
      return true
    } catch {
      return false
    }
  }

  private async run (lane: Lane): Promise<void> {
    const { store, leaseMs } = this.opts
    const name = lane.sub.name
    let renew: NodeJS.Timeout | undefined
    const drop = (): void => {
      lane.held?.abort()
      lane.held = undefined
      clearInterval(renew)
    }
    while (!this.stopping.signal.aborted) {
      try {
        if (lane.held === undefined || lane.held.signal.aborted) {
          const got = await store.lease(name, this.owner, leaseMs)
          if (got === 'lost') {
            await this.pause(Math.max(20, leaseMs / 3), this.stopping.signal)
            continue
          }
          await store.claim(name, this.owner)
          lane.held = new AbortController()
          clearInterval(renew)
          renew = setInterval(() => {
            store.lease(name, this.owner, leaseMs).then((r) => { if (r === 'lost') drop() }, () => {})
          }, Math.max(10, Math.floor(leaseMs / 3)))
          renew.unref()
        }
        const signal = lane.held.signal
        // Operator retries are rare: looked for when idle, else at most once a second (one round trip saved per batch).
        if (lane.idle || this.now() - lane.retriesCheckedAt >= RETRY_CHECK_MS) {
          lane.retriesCheckedAt = this.now()
          const retry = await store.takeRetry(name)
          if (retry !== undefined) {
            await this.redeliver(lane, retry, signal)
            continue
          }
        }
        const events = await store.read(name, this.owner, this.opts.batch ?? 50, this.opts.blockMs ?? 1_000)
        lane.idle = events.length === 0
        // Acknowledged once per batch (one round trip): a replica dying mid-batch leaves the
        // delivered part unacknowledged, so it is delivered again (at least once).
        const done: StoredEvent[] = []
        for (const event of events) {
          if (signal.aborted) break
          if (lane.match(event.topic) && !await this.deliver(lane, event, undefined, signal)) break
          done.push(event)
        }
        if (done.length > 0) await store.ack(name, done)
        // An interrupted batch: take the lease again, which re-reads what is unacknowledged.
        if (done.length < events.length) drop()
      } catch (err) {
        if (this.stopping.signal.aborted) break
        // Re-take the lease (and with it re-read what this replica left unacknowledged).
        drop()
        this.opts.log?.error({ err, subscriber: name }, 'webhook delivery loop failed; retrying in 1 s')
        await this.pause(1_000, this.stopping.signal)
      }
    }
    clearInterval(renew)
  }

  /** An operator queued a dead-lettered delivery again: one more round of attempts. */
  private async redeliver (lane: Lane, id: string, signal: AbortSignal): Promise<void> {
    const record = await this.opts.store.getDelivery(id)
    if (record === undefined || record.status !== 'pending') return
    const event = await this.opts.store.get(record.workspace, record.cursor)
    if (event === undefined) {
      await this.opts.store.putDelivery({ ...record, status: 'failed', lastError: 'the notification is no longer stored (WEBHOOK_RETENTION_MS)', updatedAt: this.now() })
      return
    }
    const finished = await this.deliver(lane, event, record, signal)
    if (!finished) await this.opts.store.queueRetry(lane.sub.name, id)
  }

  /**
   * Attempt until delivered or dead-lettered (true), or until the lease is lost or the loop stops
   * (false: not acknowledged, so delivered again later).
   */
  private async deliver (lane: Lane, event: StoredEvent, previous: DeliveryRecord | undefined, signal: AbortSignal): Promise<boolean> {
    const { store, metrics, maxAttempts, maxAgeMs } = this.opts
    const name = lane.sub.name
    const startedAt = previous === undefined ? event.receivedAt : this.now()
    let record = previous
    let round = 0
    for (;;) {
      round++
      const { error, status, span } = await this.attempt(lane, event, (record?.attempts ?? 0) + 1, signal)
      if (signal.aborted) {
        span?.end(status, 'abandoned', error ?? 'aborted')
        return false
      }
      const now = this.now()
      if (error === undefined) {
        span?.end(status, 'delivered')
        metrics?.deliveries.inc({ subscriber: name, outcome: 'delivered' })
        metrics?.lag.observe({ subscriber: name }, Math.max(0, now - event.receivedAt) / 1000)
        if (record !== undefined) await store.putDelivery({ ...record, status: 'delivered', attempts: record.attempts + 1, updatedAt: now })
        return true
      }
      const delay = backoffMs(round, this.opts, this.random)
      const last = round >= maxAttempts || now + delay - startedAt > maxAgeMs
      span?.end(status, last ? 'dead_lettered' : 'failed', error)
      record = {
        ...(record ?? {
          id: deliveryId(name, event.notificationId),
          subscriber: name,
          notificationId: event.notificationId,
          topic: event.topic,
          workspace: event.workspace,
          cursor: event.cursor,
          attempts: 0,
          receivedAt: event.receivedAt
        }),
        status: last ? 'failed' : 'retrying',
        attempts: (record?.attempts ?? 0) + 1,
        lastError: error,
        updatedAt: now
      }
      await store.putDelivery(record)
      if (last) {
        metrics?.deliveries.inc({ subscriber: name, outcome: 'dead_lettered' })
        this.opts.log?.warn({ subscriber: name, notification: event.notificationId, topic: event.topic, attempts: record.attempts, error }, `webhook delivery to ${name} dead-lettered after ${round} attempt(s)`)
        return true
      }
      metrics?.deliveries.inc({ subscriber: name, outcome: 'failed' })
      if (!await this.pause(delay, signal)) return false
    }
  }

  /**
   * One POST (attempt number `n`): `error` undefined when the subscriber answered 2xx, else what
   * went wrong; `status` the subscriber's HTTP status (null when none came); `span` the attempt's
   * span (tracing on), for the caller to end once the outcome is known.
   */
  private async attempt (lane: Lane, event: StoredEvent, n: number, signal: AbortSignal): Promise<{ error: string | undefined, status: number | null, span: AttemptTrace | undefined }> {
    const at = new Date(this.now())
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'intercom-facade-webhooks/1.0',
      'webhook-id': event.notificationId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': lane.signer.sign(event.notificationId, at, event.body)
    }
    const span = this.opts.tracer?.attempt({ subscriber: lane.sub.name, url: lane.sub.url, event, attempt: n }, headers)
    try {
      const res = await request(lane.sub.url, { method: 'POST', dispatcher: this.agent, signal, headers, body: event.body })
      await res.body.dump()
      return { error: res.statusCode >= 200 && res.statusCode < 300 ? undefined : `subscriber answered ${res.statusCode}`, status: res.statusCode, span }
    } catch (err) {
      return { error: `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`, status: null, span }
    }
  }
}
