/**
 * Benchmark helpers shared by the rate-limit scenarios and the webhooks bench: a service replica as
 * a child process (`node --import tsx src/server.ts`), stopping replicas, a throwaway redis-server
 * (scripts/).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from '../../scripts/free-port.js'
import { startRedisServer } from '../../scripts/redis-server.js'
import { locate, TOOLS } from '../../scripts/system-deps.js'

const ROOT = new URL('../../', import.meta.url).pathname

/** A running replica: its base URL and process. */
export interface Replica { url: string, child: ChildProcess }

/**
 * Start one replica with `env` on top of this process's environment (and `nodeArgs` before the
 * script, e.g. `--cpu-prof`); resolves once /healthz answers, throws after 30 s or if it exits.
 */
export async function startReplica (env: Record<string, string>, nodeArgs: string[] = []): Promise<Replica> {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`replica exited with ${child.exitCode}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return { url, child }
    } catch { /* not yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('replica did not start')
}

/** SIGTERM every replica and wait for them to exit. */
export async function stopReplicas (replicas: Replica[]): Promise<void> {
  for (const s of replicas) s.child.kill('SIGTERM')
  await Promise.all(replicas.map(async (s) => new Promise((resolve) => { if (s.child.exitCode !== null) resolve(null); else s.child.once('exit', resolve) })))
}

/** REDIS_URL, else a throwaway redis-server (scripts/redis-server.ts, the starter npm test uses), else undefined. */
export async function throwawayRedis (): Promise<{ url: string, stop: () => void } | undefined> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} }
  if (locate(TOOLS.redisServer) === undefined) return undefined
  const server = await startRedisServer()
  return { url: server.url, stop: () => { void server.kill() } }
}
