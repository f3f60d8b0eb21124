/**
 * Where the per-workspace rate windows live: the `BudgetStore` seam, and the one place that picks a
 * store from the configuration: the Redis store (redis-store.ts, shared across replicas) when
 * `redis.url` is set, else the local one (local-store.ts, this process).
 *
 * redis-store.ts (and with it ioredis, ~10 MB of resident memory) is imported only when
 * `redis.url` is set.
 */
import type { AppConfig } from '../../config.js'
import type { UpstreamObserver } from '../observer.js'
import type { RateLimitObservation } from './window.js'
import { LocalBudgetStore } from './local-store.js'

/** Where the per-workspace windows live: this process (LocalBudgetStore) or Redis (RedisBudgetStore). */
export interface BudgetStore {
  /**
   * Take one unit for a call about to be sent, recorded in flight under `ticket` (unique per attempt).
   * Answers 0 (taken) or the milliseconds to wait first.
   */
  take: (workspace: string, now: number, ticket: string) => Promise<number>
  /** The attempt under `ticket` got its answer headers or failed: it is no longer in flight. Never throws. */
  release: (workspace: string, ticket: string) => Promise<void>
  /** Learn from an answer's X-RateLimit-* headers. Never throws. */
  learn: (workspace: string, obs: RateLimitObservation, now: number) => Promise<void>
  /** The last known limit per window and window length (ms), for queue estimates. */
  shape: (workspace: string) => { limit: number, periodMs: number } | undefined
  /**
   * Synchronous `take`, `release` and `learn`, for a store that needs no I/O (the local one): the
   * hot path then costs no promise. Each behaves exactly as its asynchronous twin.
   */
  takeSync?: (workspace: string, now: number, ticket: string) => number
  releaseSync?: (workspace: string, ticket: string) => void
  learnSync?: (workspace: string, obs: RateLimitObservation, now: number) => void
  /** Where a store reports mode changes (set by `RateBudget.attach`). */
  observer?: UpstreamObserver
  /** 'local' or 'redis' (a Redis store in fallback answers 'local'). */
  readonly mode: 'local' | 'redis'
  close: () => Promise<void>
}

/** A logger that can say the store changed mode (pino / Fastify's fits). */
export interface StoreLog { warn: (obj: object, msg: string) => void, info: (obj: object, msg: string) => void }

/** The store for `config.redis` (close it with `store.close()`; `RateBudget.close` does). */
export async function createBudgetStore (config: AppConfig['policy']['redis'], log?: StoreLog): Promise<BudgetStore> {
  if (config.url === undefined) return new LocalBudgetStore()
  const { RedisBudgetStore } = await import('./redis-store.js')
  return new RedisBudgetStore({ url: config.url, keyPrefix: config.keyPrefix, fallbackShare: config.fallbackShare, log })
}
