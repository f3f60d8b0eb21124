/**
 * Build the upstream policy (rate budget + retry limits) from the configuration: a Redis-shared
 * budget when `redis.url` is set (redis-budget.ts), else an in-process one (rate-budget.ts).
 * The result goes to `IntercomClient` as its `policy` option.
 *
 * redis-budget.ts (and with it ioredis, ~10 MB of resident memory) is imported only when
 * `redis.url` is set.
 */
import type { AppConfig } from '../config.js'
import { LocalBudgetStore, RateBudget, type BudgetStore } from './rate-budget.js'
import type { PolicyOptions } from './interceptor.js'

/** A logger that can say the budget changed mode (pino / Fastify's fits). */
export interface PolicyLog { warn: (obj: object, msg: string) => void, info: (obj: object, msg: string) => void }

/** The client's `policy` option for `config.policy`. Close it with `policy.budget.close()` (the client does). */
export async function createUpstreamPolicy (config: AppConfig['policy'], log?: PolicyLog): Promise<Omit<PolicyOptions, 'observer'>> {
  let store: BudgetStore
  if (config.redis.url !== undefined) {
    const { RedisBudgetStore } = await import('./redis-budget.js')
    store = new RedisBudgetStore({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, fallbackShare: config.redis.fallbackShare, log })
  } else {
    store = new LocalBudgetStore()
  }
  return { budget: new RateBudget(store, config.queue), retry: config.retry }
}
