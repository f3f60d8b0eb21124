/**
 * The Idempotency-Key store for a configuration: Redis (redis-store.ts, shared by the replicas)
 * when REDIS_URL is set, else the in-process LRU (store.ts). ioredis is imported only with Redis.
 */
import type { AppConfig } from '../config.js'
import { LocalIdempotencyStore, type IdempotencyStore } from './store.js'

/** Build the store. Close it with `store.close()`. */
export async function createIdempotencyStore (config: Pick<AppConfig, 'policy' | 'idempotency'>): Promise<IdempotencyStore> {
  const { url, keyPrefix } = config.policy.redis
  if (url === undefined) return new LocalIdempotencyStore({ maxBytes: config.idempotency.localMaxBytes })
  const { RedisIdempotencyStore } = await import('./redis-store.js')
  const store = new RedisIdempotencyStore({ url, keyPrefix })
  await store.connected(READY_WAIT_MS)
  return store
}

/** How long start-up waits for Redis before serving (keyed requests answer 503 until it is there). */
export const READY_WAIT_MS = 2_000
