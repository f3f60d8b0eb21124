/**
 * The Idempotency-Key store in Redis (ioredis), shared by every replica: `SET key value NX PX ttl`
 * claims a key for a first run; a Lua compare-and-swap replaces the claim by the stored answer (or
 * deletes it) only if the key still holds that exact claim. Keys live under REDIS_KEY_PREFIX
 * (`<prefix>idem:<hash>`) and expire (claims after the request's deadline, answers after
 * IDEMPOTENCY_TTL_MS).
 *
 * Unlike the rate budget there is no local fallback: an unreachable Redis (not connected, or a
 * command slower than `commandTimeoutMs`) throws `IdempotencyStoreUnavailableError`, so a keyed
 * request is refused (503) rather than risking a duplicate write.
 */
import type { Redis } from 'ioredis'
import { openRedis } from '../redis.js'
import { IdempotencyStoreUnavailableError, type IdempotencyStore } from './store.js'

// KEYS: the record. ARGV: expected value, next value ('' = delete), ttl ms.
const SWAP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`

type SwapRedis = Redis & { idemSwap: (key: string, expected: string, next: string, ttlMs: number) => Promise<number> }

/** Options: the Redis URL, the key prefix (REDIS_KEY_PREFIX), the command timeout (default 1000 ms). */
export interface RedisStoreOptions { url: string, keyPrefix: string, commandTimeoutMs?: number }

/** Open a Redis connection that fails fast (src/redis.ts: no offline queue, no retried commands). */
export function fastFailRedis (opts: RedisStoreOptions): Redis {
  return openRedis(opts.url, { keyPrefix: opts.keyPrefix, commandTimeoutMs: opts.commandTimeoutMs, connectTimeoutMs: 2_000, failFast: true })
}

/** An `IdempotencyStore` in Redis. It owns its connection unless one is given. */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly mode = 'redis' as const
  readonly redis: SwapRedis
  private readonly owned: boolean

  constructor (opts: RedisStoreOptions, redis?: Redis) {
    this.owned = redis === undefined
    const r = redis ?? fastFailRedis(opts)
    r.defineCommand('idemSwap', { numberOfKeys: 1, lua: SWAP })
    this.redis = r as SwapRedis
  }

  /** Wait until the connection is ready, at most `ms`; answers whether it is. */
  async connected (ms: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true
    return new Promise((resolve) => {
      const done = (ok: boolean): void => { clearTimeout(timer); this.redis.off('ready', onReady); resolve(ok) }
      const onReady = (): void => { done(true) }
      const timer = setTimeout(() => { done(false) }, ms)
      this.redis.once('ready', onReady)
    })
  }

  private async run<T> (command: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw new IdempotencyStoreUnavailableError(`Redis connection ${this.redis.status}`)
    try {
      return await command()
    } catch (err) {
      throw new IdempotencyStoreUnavailableError((err as Error).message)
    }
  }

  async claim (key: string, value: string, ttlMs: number): Promise<string | null> {
    return this.run(async () => {
      const set = await this.redis.set(`idem:${key}`, value, 'PX', Math.ceil(ttlMs), 'NX')
      if (set === 'OK') return null
      const held = await this.redis.get(`idem:${key}`)
      // Expired between the two commands: claim again (once; a second race answers what is there).
      if (held === null) return (await this.redis.set(`idem:${key}`, value, 'PX', Math.ceil(ttlMs), 'NX')) === 'OK' ? null : (await this.redis.get(`idem:${key}`)) ?? value
      return held
    })
  }

  async swap (key: string, expected: string, next: string | null, ttlMs: number): Promise<boolean> {
    return this.run(async () => (await this.redis.idemSwap(`idem:${key}`, expected, next ?? '', Math.ceil(ttlMs))) === 1)
  }

  async close (): Promise<void> {
    if (this.owned) this.redis.disconnect()
  }
}
