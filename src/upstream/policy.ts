/**
 * Build the upstream policy (rate budget + retry limits) from the configuration: a Redis-shared
 * budget when `redis.url` is set (redis-budget.ts), else an in-process one (rate-budget.ts).
 * The result goes to `IntercomClient` as its `policy` option.
 */
import type { AppConfig } from '../config.js'
import { LocalBudgetStore, RateBudget, type BudgetStore } from './rate-budget.js'
import { RedisBudgetStore } from './redis-budget.js'
import type { PolicyOptions } from './interceptor.js'

/** A logger that can say the budget changed mode (pino / Fastify's fits). */
export interface PolicyLog { warn: (obj: object, msg: string) => void, info: (obj: object, msg: string) => void }

/** The client's `policy` option for `config.policy`. Close it with `policy.budget.close()` (the client does). */
export function createUpstreamPolicy (config: AppConfig['policy'], log?: PolicyLog): Omit<PolicyOptions, 'observer'> {
  const store: BudgetStore = config.redis.url !== undefined
    ? new RedisBudgetStore({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, fallbackShare: config.redis.fallbackShare, log })
    : new LocalBudgetStore()
  return { budget: new RateBudget(store, config.queue), retry: config.retry }
}
