/**
 * Benchmark helpers shared by the rate-limit scenarios: a free loopback port, a service replica as
 * a child process (`node --import tsx src/server.ts`), stopping replicas, a throwaway redis-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

const ROOT = new URL('../../', import.meta.url).pathname

/** A port nothing listens on right now. */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => { resolve(port) })
    })
  })
}

/** A running replica: its base URL and process. */
export interface Replica { url: string, child: ChildProcess }

/** Start one replica with `env` on top of this process's environment; resolves once /healthz answers. */
export async function startReplica (env: Record<string, string>): Promise<Replica> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
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

/** REDIS_URL, else a throwaway redis-server on a free port (stopped by `stop`), else undefined. */
export async function throwawayRedis (): Promise<{ url: string, stop: () => void } | undefined> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} }
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => { child.kill('SIGTERM') } }
}
