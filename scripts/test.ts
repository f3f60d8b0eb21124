/**
 * `npm test` runs this after the type check (and `.ci/run` runs `npm test`): first the system
 * programs the tests need (scripts/system-deps.ts: redis-server, chromium, prometheus, haproxy) are
 * installed with apt-get when missing and possible, else the exact command is printed (before and
 * after the run); then, unless REDIS_URL is set, a throwaway redis-server on a free loopback port
 * (scripts/redis-server.ts) serves the run as REDIS_URL; then tap runs (arguments passed through).
 * Exit code: tap's.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describeMissing, ensureSystemDeps } from './system-deps.js'
import { startRedisServer, type RedisServer } from './redis-server.js'

const deps = ensureSystemDeps()
const warning = deps.command === undefined ? undefined : describeMissing(deps.missing, deps.command)
if (warning !== undefined) process.stderr.write(`${warning}\n`)

const env = { ...process.env }
let redis: RedisServer | undefined
if (env.REDIS_URL === undefined || env.REDIS_URL === '') {
  try {
    redis = await startRedisServer()
    env.REDIS_URL = redis.url
    process.stdout.write(`# throwaway redis-server for this run at ${redis.url}\n`)
  } catch (err) {
    process.stderr.write(`# npm test: no Redis for this run (${(err as Error).message}); the Redis tests will fail\n`)
  }
}

const tapRun = fileURLToPath(new URL('../node_modules/tap/dist/esm/run.mjs', import.meta.url))
const tap = spawn(process.execPath, [tapRun, ...process.argv.slice(2)], { stdio: 'inherit', env })
process.on('SIGINT', () => { tap.kill('SIGINT') })
process.on('SIGTERM', () => { tap.kill('SIGTERM') })
tap.on('exit', (code, signal) => {
  void (async () => {
    await redis?.kill()
    if (warning !== undefined) process.stderr.write(`${warning}\n`)
    process.exit(code ?? (signal !== null ? 1 : 0))
  })()
})
