/**
 * Redis for tests. `redisUrl(t)` answers REDIS_URL (default redis://127.0.0.1:6379) after checking it
 * answers PING, else FAILS the test with how to start one. `uniquePrefix()` gives a key prefix for one
 * run; `cleanup` deletes its keys. `startRedisServer(t)` runs a private redis-server (for tests that
 * kill it), stopped in teardown.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import type { Test } from 'tap'

const HOW = 'Start one with `apt-get install -y redis-server && redis-server --port 6379 --daemonize yes`, or set REDIS_URL (npm test starts a throwaway redis-server itself when one is on PATH).'

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

/** Delete every key under `prefix`. */
export async function cleanup (url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null })
  r.on('error', () => {})
  try {
    let cursor = '0'
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) await r.del(...keys)
    } while (cursor !== '0')
  } finally {
    r.disconnect()
  }
}

async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => { resolve(port) })
    })
  })
}

/** A private redis-server on a free loopback port; `kill()` stops it. Fails the test without redis-server. */
export async function startRedisServer (t: Test): Promise<{ url: string, kill: () => Promise<void>, restart: () => Promise<void> } | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    t.fail(`This test needs the redis-server binary on PATH. ${HOW}`)
    return undefined
  }
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    for (let i = 0; i < 100; i++) {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false })
      r.on('error', () => {})
      try {
        await r.connect()
        await r.ping()
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50))
      } finally {
        r.disconnect()
      }
    }
    throw new Error('redis-server did not start')
  }
  const kill = async (): Promise<void> => {
    const c = child
    if (c === undefined || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => { resolve() })
      c.kill('SIGKILL')
    })
  }
  await start()
  t.teardown(kill)
  return { url, kill, restart: start }
}
