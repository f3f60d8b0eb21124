/**
 * The one Redis starter: a throwaway `redis-server` on a loopback port (no persistence unless
 * `persistDir`), used by `npm test` (scripts/test.ts, and so `.ci/run`) for the run's REDIS_URL, by
 * the Redis tests that kill and restart their own (test/upstream/redis-helper.ts) and by
 * `npm run bench:webhooks`. `deleteKeys` removes one run's keys from a shared Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from './free-port.js'
import { locate, TOOLS } from './system-deps.js'

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string
  port: number
  /** SIGKILL the server and wait for it to exit (no-op when it is not running). */
  kill: () => Promise<void>
  /** Start it again on the same port; resolves once it answers PING. */
  restart: () => Promise<void>
}

/** Whether a Redis on 127.0.0.1:`port` answers `PING` with `+PONG` within `timeoutMs`. */
async function pong (port: number, timeoutMs = 500): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(timeoutMs, () => { done(false) })
    socket.once('error', () => { done(false) })
    socket.once('connect', () => { socket.write('PING\r\n') })
    socket.once('data', (chunk) => { done(chunk.toString().startsWith('+PONG')) })
  })
}

/**
 * Start `redis-server` (found by scripts/system-deps.ts) on a free loopback port, or on `port`;
 * with `persistDir`, its append-only file goes there, fsynced on every write (`appendfsync always`).
 * Resolves once it answers PING; throws when the binary is missing, the server exits, or it does
 * not answer within 10 s.
 */
export async function startRedisServer (opts: { port?: number, persistDir?: string } = {}): Promise<RedisServer> {
  const bin = locate(TOOLS.redisServer)
  if (bin === undefined) throw new Error(`redis-server is not installed (${TOOLS.redisServer.install})`)
  const port = opts.port ?? await freePort()
  let child: ChildProcess | undefined
  const start = async (): Promise<void> => {
    const persist = opts.persistDir === undefined ? ['--appendonly', 'no'] : ['--dir', opts.persistDir, '--appendonly', 'yes', '--appendfsync', 'always']
    const c = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persist], { stdio: 'ignore' })
    child = c
    for (let i = 0; i < 200; i++) {
      if (c.exitCode !== null) throw new Error(`redis-server exited with ${c.exitCode} (port ${port})`)
      if (await pong(port)) return
      await sleep(50)
    }
    throw new Error(`redis-server did not answer PING on port ${port} within 10 s`)
  }
  const kill = async (): Promise<void> => {
    const c = child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => { resolve() })
      c.kill('SIGKILL')
    })
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: start }
}

/** Delete every key under `prefix` in the Redis at `url` (SCAN + DEL; tests and benches share one Redis). */
export async function deleteKeys (url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const r = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null })
  r.on('error', () => {})
  try {
    let cursor = '0'
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await r.del(...keys)
    } while (cursor !== '0')
  } finally {
    r.disconnect()
  }
}
