/**
 * One rate budget across replicas, kept in Redis (ioredis). Each workspace's window is a hash at
 * `<prefix>budget:<workspace>` with fields limit, remaining, reset (ms), period (ms) (plus
 * `probe:<workspace>` and the in-flight set `inflight:<workspace>`, scored by take time), expiring after
 * `KEY_TTL_MS` of silence. Two Lua scripts keep it atomic: take.lua rolls the window when its reset
 * has passed and takes one unit (or answers the wait), learn.lua merges an answer's X-RateLimit-*
 * headers (the same arithmetic as `windowMath` in window.ts), so every replica learns from the
 * answers any replica got.
 *
 * When Redis cannot be reached (a command fails or takes longer than `commandTimeoutMs`) the store
 * switches to a local limiter sized as `fallbackShare` of the workspace budget, logs that once,
 * reports `onBudgetMode({ mode: 'local' })`, and keeps serving; when ioredis reconnects it switches
 * back (`onBudgetMode({ mode: 'redis' })`). No call fails because Redis did.
 */
import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'
import { openRedis } from '../../redis.js'
import type { UpstreamObserver } from '../observer.js'
import type { BudgetStore } from './store.js'
import { LocalBudgetStore } from './local-store.js'
import { INFLIGHT_TTL_MS, MAX_PERIOD_MS, PROBE_POLL_MS, PROBE_TTL_MS, type RateLimitObservation } from './window.js'

/** After a failed command on a live connection, how long the fallback serves before Redis is tried again. */
export const RETRY_REDIS_AFTER_MS = 1_000

/** How long an idle workspace's window stays in Redis. */
export const KEY_TTL_MS = 120_000

/** The Lua scripts, read once when this module loads (`npm run build` copies them beside the .js). */
const TAKE = readFileSync(new URL('./take.lua', import.meta.url), 'utf8')
const LEARN = readFileSync(new URL('./learn.lua', import.meta.url), 'utf8')

type BudgetRedis = Redis & {
  budgetTake: (key: string, probeKey: string, inflightKey: string, now: number, ttl: number, probeTtl: number, probePoll: number, ticket: string, inflightTtl: number) => Promise<number>
  budgetLearn: (key: string, probeKey: string, inflightKey: string, limit: number, remaining: number, reset: number, ttl: number, maxPeriod: number, now: number, inflightTtl: number) => Promise<number>
}

/** Options of the Redis budget store. */
export interface RedisBudgetOptions {
  url: string
  /** Key prefix, e.g. `intercom-facade:`; tests use a unique one per run. */
  keyPrefix: string
  /** Part (0..1] of the workspace budget this replica may use while Redis is away. */
  fallbackShare: number
  /** A command slower than this counts as Redis unreachable. Default 1000 ms. */
  commandTimeoutMs?: number
  log?: { warn: (obj: object, msg: string) => void, info: (obj: object, msg: string) => void }
}

/** A `BudgetStore` in Redis with a local fallback. */
export class RedisBudgetStore implements BudgetStore {
  observer?: UpstreamObserver
  readonly redis: BudgetRedis
  private readonly fallback: LocalBudgetStore
  private readonly shapes = new Map<string, { limit: number, periodMs: number }>()
  private current: 'redis' | 'local' = 'redis'
  private warnedOnce = false
  private closed = false
  private everReady = false
  private localSince = 0

  constructor (private readonly opts: RedisBudgetOptions) {
    this.fallback = new LocalBudgetStore(opts.fallbackShare)
    const redis = openRedis(opts.url, { keyPrefix: opts.keyPrefix, commandTimeoutMs: opts.commandTimeoutMs, failFast: true, onError: (err) => { this.toLocal(err.message) } })
    redis.defineCommand('budgetTake', { numberOfKeys: 3, lua: TAKE })
    redis.defineCommand('budgetLearn', { numberOfKeys: 3, lua: LEARN })
    redis.on('ready', () => { this.everReady = true; this.toRedis() })
    this.redis = redis as BudgetRedis
  }

  /** 'redis' while Redis answers, 'local' while the fallback serves. */
  get mode (): 'redis' | 'local' {
    return this.current
  }

  private toLocal (reason: string): void {
    if (this.closed || this.current === 'local') return
    this.current = 'local'
    this.localSince = Date.now()
    this.fallback.settle()
    if (!this.warnedOnce) {
      this.warnedOnce = true
      this.opts.log?.warn({ budget: 'local', reason }, `Redis unreachable (${reason}): rate budget falls back to a local limiter at ${this.opts.fallbackShare} of the workspace budget`)
    }
    this.observer?.onBudgetMode?.({ mode: 'local', reason })
  }

  private toRedis (): void {
    if (this.closed || this.current === 'redis') return
    this.current = 'redis'
    this.opts.log?.info({ budget: 'redis' }, 'Redis reachable again: rate budget shared through Redis')
    this.observer?.onBudgetMode?.({ mode: 'redis' })
  }

  private key (workspace: string): string {
    return `budget:${workspace}`
  }

  private probeKey (workspace: string): string {
    return `probe:${workspace}`
  }

  private inflightKey (workspace: string): string {
    return `inflight:${workspace}`
  }

  /** In fallback with the connection up (a command had timed out): try Redis again after a second. */
  private shouldRetryRedis (): boolean {
    return this.current === 'local' && this.redis.status === 'ready' && Date.now() - this.localSince >= RETRY_REDIS_AFTER_MS
  }

  async take (workspace: string, now: number, ticket: string): Promise<number> {
    if ((this.current === 'redis' || this.shouldRetryRedis()) && this.redis.status === 'ready') {
      try {
        const wait = Number(await this.redis.budgetTake(this.key(workspace), this.probeKey(workspace), this.inflightKey(workspace), now, KEY_TTL_MS, PROBE_TTL_MS, PROBE_POLL_MS, ticket, INFLIGHT_TTL_MS))
        this.toRedis()
        if (wait === 0) this.fallback.hold(workspace, ticket, now)
        return wait
      } catch (err) {
        this.localSince = Date.now()
        this.toLocal((err as Error).message)
      }
    } else if (this.current === 'redis' && this.everReady) {
      this.toLocal(`connection ${this.redis.status}`)
    }
    return this.fallback.takeSync(workspace, now, ticket)
  }

  async release (workspace: string, ticket: string): Promise<void> {
    this.fallback.releaseSync(workspace, ticket)
    if (this.current !== 'redis' || this.redis.status !== 'ready') return
    try {
      await this.redis.zrem(this.inflightKey(workspace), ticket)
    } catch (err) {
      this.toLocal((err as Error).message)
    }
  }

  async learn (workspace: string, obs: RateLimitObservation, now: number): Promise<void> {
    this.fallback.learnSync(workspace, obs, now)
    const prev = this.shapes.get(workspace)
    const local = this.fallback.shape(workspace)
    this.shapes.set(workspace, { limit: obs.limit, periodMs: local?.periodMs || prev?.periodMs || 0 })
    // Learn into Redis whenever the connection is up, even in fallback after a timed-out command, so
    // the shared window never forgets what the fallback sent when this replica returns to it.
    if (this.redis.status !== 'ready') return
    try {
      await this.redis.budgetLearn(this.key(workspace), this.probeKey(workspace), this.inflightKey(workspace), obs.limit, obs.remaining, obs.resetAtMs, KEY_TTL_MS, MAX_PERIOD_MS, now, INFLIGHT_TTL_MS)
    } catch (err) {
      if (this.current === 'redis') this.toLocal((err as Error).message)
    }
  }

  shape (workspace: string): { limit: number, periodMs: number } | undefined {
    return this.current === 'redis' ? this.shapes.get(workspace) : this.fallback.shape(workspace)
  }

  async close (): Promise<void> {
    this.closed = true
    this.redis.disconnect()
  }
}
