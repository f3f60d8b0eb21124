/**
 * Redis for tests. `redisUrl(t)` answers REDIS_URL (default redis://127.0.0.1:6379) after checking it
 * answers PING, else FAILS the test with how to start one. `uniquePrefix()` gives a key prefix for one
 * run; `cleanup` deletes its keys. `startRedisServer(t)` runs a private redis-server (for tests that
 * kill it; the one starter, scripts/redis-server.ts, also serves npm test), stopped in teardown.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Test } from 'tap'
import { deleteKeys, startRedisServer as startRedis, type RedisServer } from '../../scripts/redis-server.js'
import { locate, TOOLS } from '../../scripts/system-deps.js'

const HOW = `To get one, ${TOOLS.redisServer.install}; or set REDIS_URL. npm test starts a throwaway redis-server itself.`

/** A reachable Redis URL, or a failed test naming how to get one. */
export async function redisUrl (t: Test): Promise<string | undefined> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000, retryStrategy: () => null })
  r.on('error', () => {})
  try {
    await r.connect()
    await r.ping()
    return url
  } catch (err) {
    t.fail(`This test needs Redis at ${url} (${(err as Error).message}). ${HOW}`)
    return undefined
  } finally {
    r.disconnect()
  }
}

/** A key prefix unique to this run. */
export function uniquePrefix (): string {
  return `test-${process.pid}-${randomBytes(4).toString('hex')}:`
}

/** Delete every key under `prefix` (scripts/redis-server.ts `deleteKeys`). */
export const cleanup = deleteKeys

/** A private redis-server on a free loopback port (scripts/redis-server.ts); `kill()` stops it. Fails the test without redis-server. */
export async function startRedisServer (t: Test): Promise<RedisServer | undefined> {
  if (locate(TOOLS.redisServer) === undefined) {
    t.fail(`This test needs the redis-server binary. ${HOW}`)
    return undefined
  }
  const server = await startRedis()
  t.teardown(server.kill)
  return server
}
