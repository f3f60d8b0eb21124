/**
 * The one way this service opens a Redis connection (ioredis), for the rate budget
 * (src/upstream/budget/redis-store.ts), the Idempotency-Key store and the contact-id mappings
 * (src/idempotency/redis-store.ts, src/facade/contact-ids.ts) and the webhook streams
 * (src/webhooks/redis-store.ts).
 *
 * Every connection reconnects on its own (100 ms more per try, at most 1 s apart) and bounds each
 * command (`commandTimeoutMs`, default 1000 ms), so a Redis that hangs fails a command instead of a
 * request waiting forever. `failFast` (the budget and idempotency: each has its own answer to a
 * Redis that is gone) also turns off ioredis's offline queue and command retries, so a command
 * fails at once while the connection is down. Connection errors are reported by the failing
 * commands (or by `onError`), never as an unhandled 'error' event.
 */
import { Redis } from 'ioredis'

/** How a connection behaves; every field has a default. */
export interface RedisConnectionOptions {
  /** REDIS_KEY_PREFIX, prepended by ioredis to every key (none for a connection that blocks). */
  keyPrefix?: string
  /** Longest a command may take before it fails, ms (default 1000). */
  commandTimeoutMs?: number
  /** Longest a connection attempt may take, ms (default 5000). */
  connectTimeoutMs?: number
  /** No offline queue and no retried commands: a command fails at once while disconnected (default false: one retry). */
  failFast?: boolean
  /** Commands issued in the same tick go out in one write (ioredis `enableAutoPipelining`). */
  autoPipelining?: boolean
  /** Called with each connection error (default: nothing; the failing command reports it). */
  onError?: (err: Error) => void
}

/** Reconnect delay, ms: 100 ms more per attempt, at most 1 s. */
export function reconnectDelayMs (attempt: number): number {
  return Math.min(attempt * 100, 1_000)
}

/** Open a Redis connection to `url` (`redis://` or `rediss://`) as `opts` say. */
export function openRedis (url: string, opts: RedisConnectionOptions = {}): Redis {
  const redis = new Redis(url, {
    ...(opts.keyPrefix === undefined ? {} : { keyPrefix: opts.keyPrefix }),
    ...(opts.failFast === true ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : { maxRetriesPerRequest: 1 }),
    ...(opts.autoPipelining === true ? { enableAutoPipelining: true } : {}),
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    connectTimeout: opts.connectTimeoutMs ?? 5_000,
    retryStrategy: reconnectDelayMs
  })
  redis.on('error', opts.onError ?? (() => {}))
  return redis
}
